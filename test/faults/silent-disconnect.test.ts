/**
 * F15 a disconnection the ZooKeeper client never announces. In the single-threaded C client a
 * request whose send() fails (the connection was reset, and the client has not read that yet)
 * closes the socket and leaves the CONNECTED state without queueing a CONNECTING session event
 * (zookeeper.c `nonblocking_send`); every reconnect attempt then fails while not connected, which
 * queues no event either. So the addon never says 'connecting' for the whole outage, and only
 * ZkConnection's state poll notices.
 *
 * Forced here without timing luck, by ordering what the leader finds when it next runs:
 *  1. the leader is stopped (SIGSTOP) for a moment, far shorter than its freeze detector's threshold;
 *  2. an HTTP request that makes it read ZooKeeper (a self-kill naming a leader that is not
 *     registered: refused after one read of the coordinators registry) arrives on a connection
 *     it already has open;
 *  3. its ZooKeeper connection is reset, and every reconnect too, past the session timeout;
 *  4. it runs again: epoll reports the HTTP socket first (it became readable first), the handler
 *     sends its read on the already-reset ZooKeeper socket — the silent path.
 * The leader must still stop acting before another node takes over.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import { CLUSTER_TOKEN_HEADER, NODE_ROUTES } from '@zkviz/shared';
import { withCluster } from './harness.js';

const LOCAL_TIMER_MSG = 'zk session presumed expired (local timer)';
const NOT_REGISTERED = `${'0'.repeat(32)}-n_0000099999`;

/** True once the kernel reports the process stopped ("T" in /proc/<pid>/stat). */
function isStopped(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
}

test(
  'F15 leader cut off with no CONNECTING event (send on a reset socket): it still stops acting before the next leader starts',
  { skip: process.platform !== 'linux' && 'needs /proc' },
  async (t) => {
    await withCluster({ nodes: 2 }, async (cluster) => {
      const first = await cluster.settle();
      const leader = first.leader;
      const pid = leader.proc.pid;

      // An open keep-alive connection to the leader, idle after one answered request.
      const http = connect(leader.port, '127.0.0.1');
      await once(http, 'connect');
      http.write(`GET ${NODE_ROUTES.health} HTTP/1.1\r\nHost: leader\r\nConnection: keep-alive\r\n\r\n`);
      await once(http, 'data');
      const answers: Buffer[] = [];
      http.on('data', (chunk: Buffer) => answers.push(chunk));

      const since = cluster.cursors();
      leader.freeze();
      while (!isStopped(pid)) await new Promise((resolve) => setImmediate(resolve));
      const body = JSON.stringify({ target: first.leaderZnode, mode: 'crash', leader: NOT_REGISTERED });
      http.write(
        `POST ${NODE_ROUTES.selfKill} HTTP/1.1\r\nHost: leader\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${CLUSTER_TOKEN_HEADER}: ${cluster.clusterToken}\r\n\r\n${body}`,
      );
      leader.proxy.setMode('reset');
      leader.thaw();

      // The other node takes over once the leader's session expires on the server.
      const next = await cluster.nextActingStart(
        since,
        cluster.live.filter((n) => n !== leader),
      );
      const suspended = leader.eventsOf('zk').find((e) => e.msg === 'zk connection suspended');
      t.diagnostic(
        `the leader noticed the cut via ${typeof suspended?.via === 'string' ? suspended.via : 'nothing'}; self-kill answered: ${Buffer.concat(answers).toString().split('\r\n')[0] || 'nothing'}`,
      );
      cluster.assertAtMostOneActing(); // an old leader still acting (no acting-stop logged) counts as acting
      await leader.proc.waitFor((e) => e.ev === 'zk' && e.msg === LOCAL_TIMER_MSG, { since: since.get(leader), timeoutMs: 20_000 });
      const healAt = Date.now();
      leader.proxy.setMode('pass');
      http.destroy();
      assert.ok(!leader.eventsOf('dying').length, 'the refused self-kill killed nothing');
      const stop = leader.eventsOf('acting-stop').find((e) => e.znode === first.leaderZnode);
      assert.ok(stop, 'the old leader logged acting-stop');
      assert.ok(Number(stop.at) <= Number(next.event.at), 'old leader stopped acting before the new one started');
      assert.ok(Number(stop.at) <= healAt, 'it stopped while still cut off');
      const settled = await cluster.settle();
      assert.notEqual(settled.leader, leader);
      cluster.assertAtMostOneActing();
    });
  },
);
