/**
 * The launcher's ZooKeeper is a real server: a ZkConnection can use it, it restarts on the same
 * port, and a wiped restart really forgets everything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ZNONODE, ZOK, ZOO_EPHEMERAL, ZOO_PERSISTENT } from '@zkviz/shared/zk';
import { fourLetterWord, useZooKeeper, waitForEvent, zkClient } from '../helpers/index.js';

describe('startZooKeeper', () => {
  const zk = useZooKeeper();

  it('serves on 127.0.0.1 with a 200 ms tick and answers 4-letter words', async () => {
    assert.match(zk.connectString, /^127\.0\.0\.1:\d+$/);
    assert.match(zk.server.version, /^\d+\.\d+\.\d+/);
    assert.equal(await fourLetterWord('127.0.0.1', zk.server.port, 'ruok'), 'imok');
    const conf = await fourLetterWord('127.0.0.1', zk.server.port, 'conf');
    assert.match(conf, /tickTime=200/);
    assert.match(conf, /minSessionTimeout=400/);
    assert.ok(existsSync(`${zk.server.dir}/zookeeper.log`), 'logs go to a file in the temp dir');
  });

  it('negotiates small session timeouts', async () => {
    const c = await zk.client({ sessionTimeoutMs: 500 });
    const timeout = c.currentSession?.timeoutMs ?? 0;
    assert.ok(timeout >= 400 && timeout <= 600, `negotiated ${timeout} ms`);
  });

  it('creates and reads znodes; an ephemeral dies with its session', async () => {
    const c = await zk.client();
    assert.equal((await c.create('/itest', 'hello', ZOO_PERSISTENT)).rc, ZOK);
    const got = await c.getData('/itest');
    assert.equal(got.rc, ZOK);
    assert.equal(got.data?.toString(), 'hello');

    const other = await zkClient(zk.connectString);
    assert.equal((await other.create('/itest/eph', 'x', ZOO_EPHEMERAL)).rc, ZOK);
    const deleted = new Promise<string>((resolve) => {
      void c.getData('/itest/eph', (kind, path) => kind === 'deleted' && resolve(path));
    });
    void other.close();
    assert.equal(await deleted, '/itest/eph');
    assert.equal((await c.getData('/itest/eph')).rc, ZNONODE);
  });

  it('restart keeps data and sessions; restart({ wipe: true }) forgets both, on the same port', async () => {
    const port = zk.server.port;
    // Longer than a restart's downtime, so only the wipe ends it.
    const c = await zk.client({ sessionTimeoutMs: 5000 });
    await c.ensurePath('/restart-test/a');

    const pidBefore = zk.server.pid;
    const resumed = waitForEvent<[unknown, boolean]>(c, 'connected', {
      filter: (_session, reconnected) => reconnected,
      timeoutMs: 15_000,
      description: 'the session to resume after a plain restart',
    });
    await zk.server.restart();
    assert.equal(zk.server.port, port);
    assert.notEqual(zk.server.pid, pidBefore);
    await resumed;
    const afterRestart = await zkClient(zk.connectString);
    try {
      assert.equal((await afterRestart.getData('/restart-test/a')).rc, ZOK, 'data survives a plain restart');
    } finally {
      void afterRestart.close();
    }

    // Listen before the wipe. The wiped server refuses the old client outright (it has seen a
    // newer zxid than the server's), so the client never hears "expired": our connection's local
    // timer declares the session lost after its timeout. That is what nodes see after a wipe, too.
    const lost = waitForEvent<[unknown, string]>(c, 'lost', { timeoutMs: 15_000, description: 'the old session to be lost after the wipe' });
    await zk.server.restart({ wipe: true });
    assert.equal(zk.server.port, port);
    const afterWipe = await zkClient(zk.connectString);
    try {
      assert.equal((await afterWipe.getData('/restart-test/a')).rc, ZNONODE, 'a wiped restart forgets everything');
      assert.equal((await afterWipe.getData('/itest')).rc, ZNONODE);
    } finally {
      void afterWipe.close();
    }
    const [, reason] = await lost;
    assert.ok(reason === 'local-timeout' || reason === 'expired', `lost: ${reason}`);
  });

  // A child spawned while a client is connected must not get a copy of the client's socket: that
  // copy keeps the socket's epoll registration alive in this process after the client closes it,
  // and the next client whose socket reuses the fd number then sees only ghost events and never
  // connects (shared/scripts/zookeeper-cloexec.mjs builds the client with SOCK_CLOEXEC).
  it('zookeeper client sockets are not inherited by child processes', { skip: process.platform !== 'linux' }, async () => {
    const c = await zk.client();
    assert.equal(c.isConnected, true);
    const listing = spawnSync('ls', ['-l', '/proc/self/fd'], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
    assert.equal(listing.status, 0);
    const inherited = listing.stdout
      .split('\n')
      .map((line) => /\s(\d+) -> (socket:\S+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) > 2)
      .map((m) => `fd ${m[1]} ${m[2]}`);
    assert.deepEqual(inherited, [], 'sockets a child inherited (run `npm ci` again, or node shared/scripts/zookeeper-cloexec.mjs)');
  });

  it('kill() is a crash; restart() brings it back', async () => {
    await zk.server.kill();
    assert.equal(zk.server.process.running, false);
    await zk.server.restart();
    assert.equal(await fourLetterWord('127.0.0.1', zk.server.port, 'ruok'), 'imok');
  });
});

describe('stop()', () => {
  it('removes the temp dir and leaves no process', async () => {
    const { startZooKeeper } = await import('../helpers/index.js');
    const server = await startZooKeeper();
    const { dir, pid } = server;
    await server.stop();
    assert.equal(existsSync(dir), false);
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
    await server.stop(); // idempotent
  });
});
