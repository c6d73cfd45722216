/** The ZooKeeperView builder and the row checks, on answers recorded from a real ZooKeeper 3.8. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { NodeClaim, ZooKeeperServerView, ZooKeeperZnodeView } from '@zkviz/shared';
import type { FourLetterAnswer } from '@zkviz/shared/zk/four-letter';
import { buildZooKeeperView, quorumOf, whitelistFix, type BuildInput, type ServerReading, type ViewWord } from '../../../src/gateway/zookeeper/build-view.js';
import { ElapsedClock } from '../../../src/gateway/zookeeper/elapsed-clock.js';
import { withZooKeeperFacts } from '../../../src/gateway/zookeeper/node-facts.js';
import { serversOf } from '../../../src/gateway/zookeeper/connect-string.js';

const fixture = (name: string) => readFileSync(new URL(`../../../../shared/test/fixtures/zookeeper-3.8/${name}.txt`, import.meta.url), 'utf8');
const ok = (word: ViewWord, text: string): FourLetterAnswer => ({ ok: true, word, text, ms: 1 });

const N = ['713a20df435d6b335b667e3e6e7c5da6-n_0000000000', 'ce46ca11240e130023c670c7c45986ab-n_0000000001', 'c4c16dd59989e2be7f13ea3192ae99d1-n_0000000002'];
const SESSION = ['0x100000d896e0001', '0x100000d896e0000', '0x100000d896e0002'];
const GATEWAY = '0x100000d896e0003';
const [server] = serversOf('127.0.0.1:2181');

function znode(path: string, owner: string): ZooKeeperZnodeView {
  return {
    path,
    stat: { czxid: '0x1', mzxid: '0x1', ctime: 1, mtime: 1, version: 0, cversion: 0, ephemeralOwner: owner, dataLength: 0, numChildren: 0 },
    data: null,
  };
}
const ZNODES: ZooKeeperZnodeView[] = [znode('/election', '0x0'), ...N.map((n, i) => znode(`/election/${n}`, SESSION[i]!))];

function claim(i: number): NodeClaim {
  return {
    id: N[i]!,
    sequence: i,
    role: i === 0 ? 'leader' : 'worker',
    watching: i === 0 ? null : N[i - 1]!,
    address: `127.0.0.1:${7000 + i}`,
    startedAt: 1,
    pid: 1,
    inCoordinatorsRegistry: i === 0,
    inWorkersRegistry: i !== 0,
  };
}

function input(suffix: '' | '-after-crash', overrides: Partial<BuildInput> = {}, answers: Partial<Record<ViewWord, FourLetterAnswer>> = {}): BuildInput {
  const reading: ServerReading = {
    server: server!,
    answers: {
      srvr: ok('srvr', fixture('srvr')),
      mntr: ok('mntr', fixture('mntr')),
      cons: ok('cons', fixture(`cons${suffix}`)),
      dump: ok('dump', fixture(`dump${suffix}`)),
      wchc: ok('wchc', fixture(`wchc${suffix}`)),
      ...answers,
    },
  };
  return { readings: [reading], znodes: { ok: true, znodes: ZNODES }, gatewaySession: GATEWAY, clocks: new Map(), lastSeen: new Map(), now: 5, ...overrides };
}

describe('buildZooKeeperView', () => {
  test('settled: the server, every session with its owner, ephemerals and watches', () => {
    const view = buildZooKeeperView(input(''));
    assert.deepEqual(view.source, ['srvr', 'mntr', 'cons', 'dump', 'wchc', 'znodes']);
    assert.deepEqual(view.problems, []);
    const s = view.servers[0]!;
    assert.equal(s.state, 'up');
    assert.equal(s.mode, 'standalone');
    assert.equal(s.zxid, '0x17');
    assert.equal(s.epoch, 0);
    assert.equal(s.counter, 0x17);
    assert.equal(s.watchCount, 9);
    assert.deepEqual(view.quorum, { size: 1, up: 1, holds: true }, 'a standalone server serving is its own quorum');
    assert.deepEqual(
      view.sessions.map((x) => [x.id, x.owner, x.connected]),
      [
        [SESSION[1], N[1], true],
        [SESSION[0], N[0], true],
        [SESSION[2], N[2], true],
        [GATEWAY, 'gateway', true],
      ],
    );
    assert.deepEqual(view.sessions.find((x) => x.id === SESSION[2])!.watches, [`/election/${N[1]}`]);
    assert.equal(view.sessions.find((x) => x.id === GATEWAY)!.timeoutMs, 4000);
    // Every election znode but the newest is watched by exactly one session: its successor's.
    for (let i = 0; i < N.length - 1; i++) {
      const watchers = view.sessions.filter((x) => x.watches.includes(`/election/${N[i]}`)).map((x) => x.id);
      assert.deepEqual(watchers, [SESSION[i + 1]]);
    }
  });

  test('rows: session from ephemeralOwner, every claimed watch confirmed, nobody a ghost', () => {
    const nodes = withZooKeeperFacts([0, 1, 2].map(claim), buildZooKeeperView(input('')));
    assert.deepEqual(
      nodes.map((n) => [n.session, n.liveness, n.watchConfirmed]),
      [
        [SESSION[0], 'alive', null],
        [SESSION[1], 'alive', true],
        [SESSION[2], 'alive', true],
      ],
    );
  });

  test('after a crash: the session is held without a connection, so its row is a ghost', () => {
    const view = buildZooKeeperView(input('-after-crash'));
    const crashed = view.sessions.find((x) => x.id === SESSION[1])!;
    assert.equal(crashed.connected, false);
    assert.deepEqual(crashed.watches, []);
    const nodes = withZooKeeperFacts([0, 1, 2].map(claim), view);
    assert.equal(nodes[1]!.liveness, 'ghost');
    assert.equal(nodes[0]!.liveness, 'alive');
    // Without an elapsed-clock reading the expiry is the end of dump's second.
    assert.equal(nodes[1]!.sessionExpiresAt, Date.UTC(2026, 11, 1, 20, 54, 36) + 999);
  });

  test('a claimed watch ZooKeeper does not hold is false, not hidden', () => {
    const wchc = fixture('wchc').replace(`\t/election/${N[1]}`, '');
    const nodes = withZooKeeperFacts([0, 1, 2].map(claim), buildZooKeeperView(input('', {}, { wchc: ok('wchc', wchc) })));
    assert.equal(nodes[2]!.watchConfirmed, false);
    assert.equal(nodes[1]!.watchConfirmed, true);
  });

  test('refused words: a problem naming the setting; what answered is still used; nobody a ghost', () => {
    const refused = (word: ViewWord): FourLetterAnswer => ({ ok: false, word, failure: 'refused', message: fixture('cons-refused').trim(), ms: 1 });
    const view = buildZooKeeperView(input('-after-crash', {}, { cons: refused('cons'), dump: refused('dump'), wchc: refused('wchc') }));
    assert.equal(view.servers[0]!.state, 'refusing');
    assert.equal(view.servers[0]!.mode, 'standalone');
    assert.deepEqual(view.source, ['srvr', 'mntr', 'znodes']);
    assert.deepEqual(
      view.problems.map((p) => [p.source, p.kind]),
      [
        ['cons', 'refused'],
        ['dump', 'refused'],
        ['wchc', 'refused'],
      ],
    );
    assert.equal(view.problems[0]!.fix, whitelistFix('cons'));
    assert.match(view.problems[0]!.fix, /4lw\.commands\.whitelist.*ZOO_4LW_COMMANDS_WHITELIST/);
    const nodes = withZooKeeperFacts([0, 1, 2].map(claim), view);
    assert.deepEqual(
      nodes.map((n) => [n.session, n.liveness, n.watchConfirmed]),
      [
        [SESSION[0], 'alive', null],
        [SESSION[1], 'alive', null],
        [SESSION[2], 'alive', null],
      ],
    );
  });

  test('a server down and garbage answers: clear problems, no exception', () => {
    const [a, b] = serversOf('127.0.0.1:2181,127.0.0.1:2182');
    const down = (word: ViewWord): FourLetterAnswer => ({ ok: false, word, failure: 'down', message: 'ECONNREFUSED', ms: 1 });
    const garbage = (word: ViewWord): FourLetterAnswer => ok(word, '\u0000garbage\u0001\n');
    const view = buildZooKeeperView({
      ...input(''),
      readings: [
        { server: a!, answers: { srvr: garbage('srvr'), mntr: garbage('mntr'), cons: garbage('cons'), dump: garbage('dump'), wchc: garbage('wchc') } },
        { server: b!, answers: { srvr: down('srvr'), mntr: down('mntr'), cons: down('cons'), dump: down('dump'), wchc: down('wchc') } },
      ],
    });
    assert.deepEqual(
      view.servers.map((s) => s.state),
      ['up', 'down'],
    );
    assert.equal(view.servers[0]!.mode, null);
    assert.ok(view.problems.filter((p) => p.server === a!.address).every((p) => p.kind === 'garbage'));
    assert.ok(view.problems.filter((p) => p.server === b!.address).every((p) => p.kind === 'down'));
    assert.deepEqual(view.source, ['znodes']);
    // Only what the znodes say: sessions known by owner, connection unknown.
    assert.ok(view.sessions.every((s) => s.connected === null));
  });

  test('expiry of a ghost from the elapsed clock: between the last lresp seen and the moment it was found gone', () => {
    const clock = new ElapsedClock();
    // wall = elapsed + 1_000_000 (known to within 10 ms)
    clock.observe(1_000_000 + 898_990, 1_000_000 + 898_995, new Map([['a', 890_000]]));
    clock.observe(1_000_000 + 899_000, 1_000_000 + 899_010, new Map([['a', 899_000]]));
    const lastSeen = new Map([[SESSION[1]!, { serverId: 1, lastResponseElapsed: 899_126, timeoutMs: 2000, goneSince: 1_000_000 + 899_300 }]]);
    const view = buildZooKeeperView(input('-after-crash', { clocks: new Map([[1, clock]]), lastSeen }));
    const expires = view.sessions.find((x) => x.id === SESSION[1])!.expiresAt!;
    // Last touch between lresp (≈1_899_126 wall) and goneSince (1_899_300): the middle, plus the timeout.
    assert.ok(Math.abs(expires - (1_899_213 + 2000)) <= 10, `expiresAt ${expires}`);
  });
});

describe('quorumOf', () => {
  const server = (id: number, state: ZooKeeperServerView['state'], mode: ZooKeeperServerView['mode']) => ({
    ...buildZooKeeperView(input('')).servers[0]!,
    id,
    state,
    mode,
  });
  test('more than half of the voters serving holds; answering but not serving does not count; observers do not vote', () => {
    assert.deepEqual(quorumOf([server(1, 'up', 'leader'), server(2, 'up', 'follower'), server(3, 'up', 'follower')]), { size: 3, up: 3, holds: true });
    assert.deepEqual(quorumOf([server(1, 'up', 'leader'), server(2, 'up', 'follower'), server(3, 'down', null)]), { size: 3, up: 2, holds: true });
    assert.deepEqual(quorumOf([server(1, 'up', null), server(2, 'down', null), server(3, 'down', null)]), { size: 3, up: 1, holds: false });
    assert.deepEqual(quorumOf([server(1, 'up', 'leader'), server(2, 'down', null), server(3, 'down', null), server(4, 'up', 'observer')]), {
      size: 3,
      up: 1,
      holds: false,
    });
  });
});

describe('ElapsedClock', () => {
  test('bounds narrow with each read; contradictions restart it', () => {
    const c = new ElapsedClock();
    assert.equal(c.toWall(5), null);
    c.observe(1000, 1010, new Map([['x', 0]]));
    assert.equal(c.toWall(0), 1010, 'only the upper bound so far');
    c.observe(2000, 2005, new Map([['x', 995]]));
    // lo = 1000 - 995 = 5 ... hi = min(1010, 2005 - 995 = 1010) → offset in [5, 1010]
    assert.ok(c.uncertaintyMs < Infinity);
    c.observe(3000, 3002, new Map([['x', 1995]]));
    assert.ok(c.uncertaintyMs <= 1010);
    c.observe(4000, 4001, new Map([['x', -100_000]])); // a restarted server: new elapsed origin
    assert.equal(c.toWall(-100_000), 4001);
  });
  test('overlapping reads give no lower bound', () => {
    const c = new ElapsedClock();
    c.observe(1000, 1100, new Map([['x', 0]]));
    c.observe(1050, 1060, new Map([['x', 1040]])); // sent before the previous one was answered
    assert.equal(c.uncertaintyMs, Infinity);
  });
});

describe('serversOf', () => {
  test('hosts, ports, chroot and IPv6', () => {
    assert.deepEqual(
      serversOf('zk1:2181, zk2:2182,[::1]:2183,zk4/zkviz').map((s) => [s.id, s.host, s.port]),
      [
        [1, 'zk1', 2181],
        [2, 'zk2', 2182],
        [3, '::1', 2183],
        [4, 'zk4', 2181],
      ],
    );
    assert.deepEqual(serversOf(''), []);
  });
});
