/** Four-letter-word parsers on answers recorded from a real ZooKeeper 3.8 (see fixtures/zookeeper-3.8). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import {
  classifyAnswer,
  parseCons,
  parseDump,
  parseJavaDate,
  parseMntr,
  parseSrvr,
  parseWatches,
  sendFourLetterWord,
  splitZxid,
} from '../src/zk/four-letter/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/zookeeper-3.8/${name}.txt`, import.meta.url), 'utf8');
const LEADER = '0x100000d896e0001';
const WORKER1 = '0x100000d896e0000';
const WORKER2 = '0x100000d896e0002';
const GATEWAY = '0x100000d896e0003';
const N0 = '/election/713a20df435d6b335b667e3e6e7c5da6-n_0000000000';
const N1 = '/election/ce46ca11240e130023c670c7c45986ab-n_0000000001';

const GARBAGE = ['', '\n', 'imok', 'HTTP/1.1 400 Bad Request\r\n\r\n', '\u0000\u0001\u0002', 'Zookeeper version: x\nMode: sideways\n'];

describe('srvr', () => {
  test('3.8 standalone', () => {
    const r = parseSrvr(fixture('srvr'));
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      version: '3.8.0',
      latency: { min: 0, avg: 7.2419, max: 132 },
      received: 74,
      sent: 75,
      connections: 5,
      outstanding: 0,
      zxid: '0x17',
      mode: 'standalone',
      nodeCount: 14,
    });
  });
  test('3.9 quorum leader: release version, an extra Proposal sizes line', () => {
    // StatCommand in 3.9.3: the same lines, plus `Proposal sizes last/min/max` on a leader.
    const text =
      fixture('srvr').replace('3.8.0-${mvngit.commit.id}', '3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee').replace('Mode: standalone', 'Mode: leader') +
      'Proposal sizes last/min/max: 36/32/120\n';
    const r = parseSrvr(text);
    assert.ok(r.ok);
    assert.equal(r.value.version, '3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee');
    assert.equal(r.value.mode, 'leader');
  });
  test('zxid halves', () => {
    assert.deepEqual(splitZxid('0x17'), { epoch: 0, counter: 0x17 });
    assert.deepEqual(splitZxid('0x300000002'), { epoch: 3, counter: 2 });
  });
  for (const g of GARBAGE) test(`garbage ${JSON.stringify(g)} is an error`, () => assert.equal(parseSrvr(g).ok, false));
});

describe('mntr', () => {
  test('3.8: the counts used', () => {
    const r = parseMntr(fixture('mntr'));
    assert.ok(r.ok);
    assert.equal(r.value.watchCount, 9);
    assert.equal(r.value.znodeCount, 14);
    assert.equal(r.value.ephemeralsCount, 6);
    assert.equal(r.value.serverState, 'standalone');
  });
  for (const g of GARBAGE) test(`garbage ${JSON.stringify(g)} is an error`, () => assert.equal(parseMntr(g).ok, false));
});

describe('cons', () => {
  test('3.8: one entry per connection, sessionless ones included', () => {
    const r = parseCons(fixture('cons'));
    assert.ok(r.ok);
    assert.equal(r.value.length, 5);
    const first = r.value[0]!;
    assert.deepEqual(first, {
      address: '127.0.0.1:38978',
      sessionId: WORKER1,
      queued: 0,
      received: 17,
      sent: 17,
      lastOperation: 'PING',
      establishedAt: 1796158469065,
      timeoutMs: 2000,
      lastZxid: '0x17',
      lastResponseElapsed: 899126,
      latency: { last: 0, min: 0, avg: 11, max: 132 },
    });
    const sessionless = r.value[1]!;
    assert.equal(sessionless.sessionId, null);
    assert.equal(sessionless.latency, null);
    assert.deepEqual(r.value.map((c) => c.sessionId).filter(Boolean), [WORKER1, LEADER, WORKER2, GATEWAY]);
    assert.equal(r.value.find((c) => c.sessionId === GATEWAY)!.timeoutMs, 4000);
  });
  test('after a crash the session has no connection', () => {
    const r = parseCons(fixture('cons-after-crash'));
    assert.ok(r.ok);
    assert.equal(
      r.value.some((c) => c.sessionId === WORKER1),
      false,
    );
  });
  test('IPv6 peer (3.9 prints InetSocketAddress the same way)', () => {
    const r = parseCons(
      ' /0:0:0:0:0:0:0:1:50356[1](queued=0,recved=3,sent=3,sid=0x300000d42930001,lop=PING,est=1,to=18000,lzxid=0xffffffffffffffff,lresp=5,llat=0,minlat=0,avglat=0,maxlat=0)\n',
    );
    assert.ok(r.ok);
    assert.equal(r.value[0]!.address, '0:0:0:0:0:0:0:1:50356');
    assert.equal(r.value[0]!.sessionId, '0x300000d42930001');
  });
  for (const g of GARBAGE) test(`garbage ${JSON.stringify(g)} is an error`, () => assert.equal(parseCons(g).ok, false));
});

describe('dump', () => {
  test('3.8 standalone: expiry buckets to the second, ephemerals by session', () => {
    const r = parseDump(fixture('dump'));
    assert.ok(r.ok);
    const buckets = r.value.expiryBuckets!;
    assert.equal(buckets.length, 8);
    const of = (s: string) => buckets.find((b) => b.sessions.includes(s))!.expiresAtSecond;
    assert.equal(of(WORKER1), Date.UTC(2026, 11, 1, 20, 54, 36));
    assert.equal(of(GATEWAY), Date.UTC(2026, 11, 1, 20, 54, 38));
    assert.equal(r.value.globalSessions, null);
    assert.deepEqual(r.value.ephemerals.get(WORKER1), [N1, '/workers_service_registry/ce46ca11240e130023c670c7c45986ab-n_0000000001']);
    assert.equal(r.value.ephemerals.size, 3);
    assert.equal(r.value.ephemerals.has(GATEWAY), false);
  });
  test('after a crash the session and its ephemerals are still there', () => {
    const r = parseDump(fixture('dump-after-crash'));
    assert.ok(r.ok);
    assert.ok(r.value.expiryBuckets!.some((b) => b.sessions.includes(WORKER1)));
    assert.ok(r.value.ephemerals.get(WORKER1)!.includes(N1));
  });
  test('Global Sessions form (a quorum follower, see the ensemble fixtures): timeouts, no expiry times', () => {
    const text =
      'SessionTracker dump:\nGlobal Sessions(2):\n0x100000d21e00000\t18000ms\n0x300000d42930000\t30000ms\nephemeral nodes dump:\nSessions with Ephemerals (1):\n0x100000d21e00000:\n\t/controller\nConnections dump:\n';
    const r = parseDump(text);
    assert.ok(r.ok);
    assert.equal(r.value.expiryBuckets, null);
    assert.deepEqual(r.value.globalSessions, [
      { sessionId: '0x100000d21e00000', timeoutMs: 18000 },
      { sessionId: '0x300000d42930000', timeoutMs: 30000 },
    ]);
    assert.deepEqual(r.value.ephemerals.get('0x100000d21e00000'), ['/controller']);
  });
  test('a tracker that prints only its name', () => {
    const r = parseDump(
      'SessionTracker dump:\norg.apache.zookeeper.server.quorum.LearnerSessionTracker@7241fb18\nephemeral nodes dump:\nSessions with Ephemerals (0):\n',
    );
    assert.ok(r.ok);
    assert.equal(r.value.expiryBuckets, null);
    assert.equal(r.value.globalSessions, null);
  });
  test('Java dates', () => {
    assert.equal(parseJavaDate('Tue Dec 01 20:54:34 UTC 2026'), Date.UTC(2026, 11, 1, 20, 54, 34));
    assert.equal(parseJavaDate('Tue Dec 01 21:54:34 GMT+01:00 2026'), Date.UTC(2026, 11, 1, 20, 54, 34));
    assert.equal(parseJavaDate('Thu Jul 27 15:06:48 CST 2017'), null, 'ambiguous zone names are not guessed');
    assert.equal(parseJavaDate('yesterday'), null);
  });
  for (const g of GARBAGE) test(`garbage ${JSON.stringify(g)} is an error`, () => assert.equal(parseDump(g).ok, false));
});

describe('wchc / wchp', () => {
  test('3.8: every election znode but the newest watched by its successor only', () => {
    const r = parseWatches(fixture('wchc'), 'session');
    assert.ok(r.ok);
    assert.deepEqual(r.value.get(WORKER1), [N0]);
    assert.deepEqual(r.value.get(WORKER2), [N1]);
    assert.equal(r.value.get(LEADER)!.length, 3, 'the leader watches the three registry entries');
    assert.equal(r.value.has(GATEWAY), false, 'child watches are not listed');
  });
  test('wchp gives the same map as wchc', () => {
    const byPath = parseWatches(fixture('wchp'), 'path');
    const bySession = parseWatches(fixture('wchc'), 'session');
    assert.ok(byPath.ok && bySession.ok);
    const norm = (m: Map<string, string[]>) => [...m].map(([k, v]) => [k, [...v].sort()]).sort();
    assert.deepEqual(norm(byPath.value), norm(bySession.value));
  });
  test('the crashed session holds no watch any more', () => {
    const r = parseWatches(fixture('wchc-after-crash'), 'session');
    assert.ok(r.ok);
    assert.equal(r.value.has(WORKER1), false);
  });
  test('no watches at all is an empty answer, not an error', () => {
    const r = parseWatches('\n', 'session');
    assert.ok(r.ok);
    assert.equal(r.value.size, 0);
  });
  for (const g of ['imok', 'HTTP/1.1 400 Bad Request\r\n\r\n', 'Zookeeper version: x\n']) {
    test(`garbage ${JSON.stringify(g)} is an error`, () => assert.equal(parseWatches(g, 'session').ok, false));
  }
});

describe('refusals and the client', () => {
  test('a word outside the whitelist (recorded) is a refusal, not data', () => {
    const r = classifyAnswer('cons', fixture('cons-refused'), 1);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.failure, 'refused');
  });
  test('not serving', () => {
    const r = classifyAnswer('srvr', 'This ZooKeeper instance is not currently serving requests\n', 1);
    assert.equal(!r.ok && r.failure, 'not-serving');
  });

  async function fakeServer(onSocket: (socket: import('node:net').Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
    const server = createServer(onSocket);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  test('nothing listening: down', async () => {
    const s = await fakeServer(() => {});
    await s.close();
    // A long timeout: the refusal must come first however loaded the machine is.
    const r = await sendFourLetterWord('127.0.0.1', s.port, 'srvr', { timeoutMs: 30_000 });
    assert.equal(!r.ok && r.failure, 'down');
  });
  test('a server that never answers: timeout', async () => {
    const held: import('node:net').Socket[] = [];
    const s = await fakeServer((socket) => held.push(socket));
    const r = await sendFourLetterWord('127.0.0.1', s.port, 'srvr', { timeoutMs: 50 });
    assert.equal(!r.ok && r.failure, 'timeout');
    for (const h of held) h.destroy();
    await s.close();
  });
  test('an endless answer is cut at the size bound', async () => {
    const s = await fakeServer((socket) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      socket.on('error', () => {});
      pump();
    });
    const r = await sendFourLetterWord('127.0.0.1', s.port, 'dump', { maxBytes: 100_000, timeoutMs: 5000 });
    assert.equal(!r.ok && r.failure, 'too-large');
    await s.close();
  });
  test('a complete answer is returned as text', async () => {
    const s = await fakeServer((socket) => socket.on('data', () => socket.end(fixture('srvr'))));
    const r = await sendFourLetterWord('127.0.0.1', s.port, 'srvr', { timeoutMs: 30_000 });
    assert.ok(r.ok);
    assert.equal(r.text, fixture('srvr'));
    await s.close();
  });
});

describe('a real 3.8 ensemble (fixtures/zookeeper-3.8-ensemble)', () => {
  const ensemble = (name: string) => readFileSync(new URL(`./fixtures/zookeeper-3.8-ensemble/${name}.txt`, import.meta.url), 'utf8');
  // n_0 leads; GW1 is the gateway's session, REC the recording script's own client.
  const [N0, N1, N2, GW1, REC] = ['0x30000e605a80001', '0x10000e606d20000', '0x30000e605a80000', '0x10000e606d20001', '0x30000e605a80002'];
  const sessionsOf = (name: string) => {
    const r = parseCons(ensemble(name));
    assert.ok(r.ok);
    return r.value.map((c) => c.sessionId).filter((s) => s !== null);
  };

  test('srvr: the leader (with Proposal sizes) and a follower, one epoch', () => {
    const leader = parseSrvr(ensemble('settled-3-srvr'));
    const follower = parseSrvr(ensemble('settled-1-srvr'));
    assert.ok(leader.ok && follower.ok);
    assert.equal(leader.value.mode, 'leader');
    assert.equal(follower.value.mode, 'follower');
    assert.equal(leader.value.zxid, '0x10000001f');
    assert.deepEqual(splitZxid(leader.value.zxid), { epoch: 1, counter: 0x1f });
    assert.equal(leader.value.connections, 4);
  });

  test('srvr after the leader was stopped: the new leader and its follower in epoch 2', () => {
    const leader = parseSrvr(ensemble('moved-2-srvr'));
    const follower = parseSrvr(ensemble('moved-1-srvr'));
    assert.ok(leader.ok && follower.ok);
    assert.equal(leader.value.mode, 'leader');
    assert.equal(follower.value.mode, 'follower');
    assert.equal(splitZxid(leader.value.zxid).epoch, 2);
    assert.equal(splitZxid(follower.value.zxid).epoch, 2);
  });

  test('mntr: server state by role', () => {
    const leader = parseMntr(ensemble('settled-3-mntr'));
    const follower = parseMntr(ensemble('settled-1-mntr'));
    assert.ok(leader.ok && follower.ok);
    assert.equal(leader.value.serverState, 'leader');
    assert.equal(leader.value.values.zk_synced_followers, '2');
    assert.equal(follower.value.serverState, 'follower');
  });

  test('cons: which sessions each server holds, before and after they moved', () => {
    assert.deepEqual(sessionsOf('settled-1-cons').sort(), [N1, GW1].sort());
    assert.deepEqual(sessionsOf('settled-2-cons'), [], 'only our own sessionless connection');
    assert.deepEqual(sessionsOf('settled-3-cons').sort(), [N0, N2, REC].sort());
    assert.deepEqual(sessionsOf('moved-1-cons').sort(), [N2, GW1, REC].sort(), 'same ids on another server');
    assert.deepEqual(sessionsOf('moved-2-cons').sort(), [N0, N1].sort());
  });

  test('dump: the leader prints expiry times, a follower Global Sessions; both the ephemerals', () => {
    const leader = parseDump(ensemble('settled-3-dump'));
    const follower = parseDump(ensemble('settled-1-dump'));
    assert.ok(leader.ok && follower.ok);
    assert.equal(leader.value.globalSessions, null);
    assert.deepEqual(leader.value.expiryBuckets!.flatMap((b) => b.sessions).sort(), [N0, N1, N2, GW1, REC].sort());
    assert.ok(
      leader.value.expiryBuckets!.every((b) => b.expiresAtSecond !== null),
      'UTC dates are read',
    );
    assert.equal(follower.value.expiryBuckets, null);
    assert.deepEqual(
      follower.value.globalSessions!.map((g) => [g.sessionId, g.timeoutMs]),
      [
        [N1, 2000],
        [GW1, 4000],
        [N2, 2000],
        [N0, 2000],
        [REC, 4000],
      ],
    );
    for (const d of [leader, follower]) assert.deepEqual([...d.value.ephemerals.keys()].sort(), [N0, N1, N2].sort());
  });

  test('wchc: each server lists the watches of the sessions it holds', () => {
    const one = parseWatches(ensemble('settled-1-wchc'), 'session');
    const two = parseWatches(ensemble('settled-2-wchc'), 'session');
    assert.ok(one.ok && two.ok);
    assert.deepEqual([...one.value.keys()].sort(), [N1, GW1].sort());
    assert.equal(two.value.size, 0);
  });

  test('a member without a quorum refuses every word as not serving; ruok still answers', () => {
    for (const word of ['srvr', 'mntr', 'cons', 'dump', 'wchc'] as const) {
      const r = classifyAnswer(word, ensemble(`noquorum-1-${word}`), 1);
      assert.equal(!r.ok && r.failure, 'not-serving', word);
    }
    assert.equal(ensemble('noquorum-1-ruok'), 'imok');
  });
});
