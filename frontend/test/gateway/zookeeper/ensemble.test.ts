/**
 * The ZooKeeperView and ZooKeeper's own timeline entries on answers recorded from a real
 * three-server 3.8 ensemble (shared/test/fixtures/zookeeper-3.8-ensemble): settled, after the ZAB
 * leader was stopped, and the last member without a quorum.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ZooKeeperView, ZooKeeperZnodeView } from '@zkviz/shared';
import type { FourLetterAnswer } from '@zkviz/shared/zk/four-letter';
import { classifyAnswer } from '@zkviz/shared/zk/four-letter';
import { buildZooKeeperView, VIEW_WORDS, type ServerReading } from '../../../src/gateway/zookeeper/build-view.js';
import { serversOf } from '../../../src/gateway/zookeeper/connect-string.js';
import { INITIAL_ZOOKEEPER_MEMORY, zookeeperEvents, type ZooKeeperMemory } from '../../../src/gateway/zookeeper/events.js';

const DIR = new URL('../../../../shared/test/fixtures/zookeeper-3.8-ensemble/', import.meta.url);
const meta = JSON.parse(readFileSync(new URL('meta.json', DIR), 'utf8')) as {
  connectString: string;
  settled: { electionOwners: Record<string, string> };
};
const SERVERS = serversOf(meta.connectString);
const address = (id: number) => SERVERS[id - 1]!.address;
const owners = Object.entries(meta.settled.electionOwners).map(([znode, session]) => ({ znode, session: `0x${session}` }));
const ownerOf = (i: number) => owners.find((o) => o.znode.endsWith(`-n_000000000${i}`))!;
const [N0, N1, N2] = [ownerOf(0), ownerOf(1), ownerOf(2)];
const GATEWAY = '0x10000e606d20001';

const ZNODES: ZooKeeperZnodeView[] = [{ path: '/election', session: '0x0' }, ...owners.map((o) => ({ path: `/election/${o.znode}`, session: o.session }))].map(
  ({ path, session }) => ({
    path,
    stat: { czxid: '0x1', mzxid: '0x1', ctime: 1, mtime: 1, version: 0, cversion: 0, ephemeralOwner: session, dataLength: 0, numChildren: 0 },
    data: null,
  }),
);

/** Phase `settled`, `moved` or `noquorum`: the recorded answers; servers without them are down. */
function view(phase: string): ZooKeeperView {
  const readings: ServerReading[] = SERVERS.map((server) => {
    const answers: ServerReading['answers'] = {};
    for (const word of VIEW_WORDS) {
      let text: string;
      try {
        text = readFileSync(new URL(`${phase}-${server.id}-${word}.txt`, DIR), 'utf8');
      } catch {
        answers[word] = { ok: false, word, failure: 'down', message: `${server.address}: ECONNREFUSED`, ms: 1 } satisfies FourLetterAnswer;
        continue;
      }
      answers[word] = classifyAnswer(word, text, 1);
    }
    return { server, answers };
  });
  const znodes = phase === 'noquorum' ? { ok: false as const, message: 'connection loss' } : { ok: true as const, znodes: ZNODES };
  return buildZooKeeperView({ readings, znodes, gatewaySession: GATEWAY, clocks: new Map(), lastSeen: new Map(), now: 5 });
}

const serverOf = (v: ZooKeeperView, session: string) => v.sessions.find((s) => s.id === session)?.server ?? null;

describe('ZooKeeperView of a real ensemble', () => {
  test('settled: a leader and two followers in epoch 1, the quorum holds, each session on its server', () => {
    const v = view('settled');
    assert.deepEqual(
      v.servers.map((s) => [s.id, s.state, s.mode, s.epoch]),
      [
        [1, 'up', 'follower', 1],
        [2, 'up', 'follower', 1],
        [3, 'up', 'leader', 1],
      ],
    );
    assert.deepEqual(v.quorum, { size: 3, up: 3, holds: true });
    assert.deepEqual(v.problems, []);
    assert.equal(serverOf(v, N0.session), address(3));
    assert.equal(serverOf(v, N1.session), address(1));
    assert.equal(serverOf(v, N2.session), address(3));
    assert.equal(v.sessions.find((s) => s.id === N0.session)!.owner, N0.znode);
    assert.equal(v.sessions.find((s) => s.id === GATEWAY)!.owner, 'gateway');
    assert.ok(
      v.sessions.every((s) => s.connected === true),
      'every session has a connection somewhere',
    );
    assert.ok(v.sessions.find((s) => s.id === N1.session)!.expiresAt !== null, "expiry from the leader's dump");
  });

  test('after the leader stopped: server 2 leads in epoch 2, 2 of 3 up hold the quorum, the sessions moved', () => {
    const v = view('moved');
    assert.deepEqual(
      v.servers.map((s) => [s.id, s.state, s.mode, s.epoch]),
      [
        [1, 'up', 'follower', 2],
        [2, 'up', 'leader', 2],
        [3, 'down', null, null],
      ],
    );
    assert.deepEqual(v.quorum, { size: 3, up: 2, holds: true });
    assert.equal(serverOf(v, N0.session), address(2));
    assert.equal(serverOf(v, N1.session), address(2));
    assert.equal(serverOf(v, N2.session), address(1));
    assert.deepEqual(v.sessions.find((s) => s.id === N0.session)!.ephemerals.sort(), [`/coordinators_service_registry/${N0.znode}`, `/election/${N0.znode}`].sort());
  });

  test('the last member without a quorum: up, not serving, no quorum, and it says why', () => {
    const v = view('noquorum');
    assert.deepEqual(
      v.servers.map((s) => [s.id, s.state, s.mode]),
      [
        [1, 'up', null],
        [2, 'down', null],
        [3, 'down', null],
      ],
    );
    assert.deepEqual(v.quorum, { size: 3, up: 1, holds: false });
    const one = v.problems.filter((p) => p.server === address(1));
    assert.deepEqual(new Set(one.map((p) => p.kind)), new Set(['not-serving']));
    assert.match(one[0]!.message, /not currently serving requests/);
  });
});

describe('zookeeperEvents', () => {
  const run = (phases: string[]) => {
    let memory: ZooKeeperMemory = INITIAL_ZOOKEEPER_MEMORY;
    const all = [];
    for (const [i, phase] of phases.entries()) {
      const out = zookeeperEvents(memory, view(phase), i);
      memory = out.memory;
      all.push(...out.events);
    }
    return { events: all, memory };
  };

  test('the first view is not news', () => {
    assert.deepEqual(run(['settled']).events, []);
  });

  test('the leader stopped: one leader change to server 2 in epoch 2; node sessions that reconnected elsewhere moved, the gateway is not a node', () => {
    const { events } = run(['settled', 'moved']);
    assert.deepEqual(
      events.filter((e) => e.kind === 'zookeeper-leader-changed').map((e) => e.text),
      ['ZooKeeper server 2 leads the ensemble now, epoch 2 (was server 3, epoch 1)'],
    );
    const moved = events.filter((e) => e.kind === 'session-moved');
    // n_0 and n_2 lost server 3; n_1 lost server 1 for the election (a follower without a leader drops its clients).
    assert.deepEqual(moved.map((e) => e.nodeId).sort(), [N0.znode, N1.znode, N2.znode].sort());
    assert.match(moved.find((e) => e.nodeId === N0.znode)!.text, new RegExp(`session ${N0.session} moved from ZooKeeper server 3 to server 2`));
    assert.ok(events.every((e) => e.at === 1));
  });

  test('no quorum, then the same leader again: the last leader is kept through the gap, no repeat entries', () => {
    const { events, memory } = run(['settled', 'moved', 'noquorum', 'moved']);
    assert.equal(events.filter((e) => e.kind === 'zookeeper-leader-changed').length, 1, 'the gap without a leader is not a change');
    assert.equal(events.filter((e) => e.kind === 'session-moved').length, 3);
    assert.deepEqual(memory.leader, { id: 2, epoch: 2 });
  });

  test('a view read while the gateway’s own session moves (no znodes: no owners; or sessions missing) does not forget where a session was', () => {
    const settled = view('settled');
    const moved = view('moved');
    const noOwners: ZooKeeperView = { ...settled, sessions: settled.sessions.map((s) => ({ ...s, owner: null, connected: null, server: null })) };
    const noSessions: ZooKeeperView = { ...settled, sessions: [] };
    for (const partial of [noOwners, noSessions]) {
      const first = zookeeperEvents(INITIAL_ZOOKEEPER_MEMORY, settled, 0);
      const gap = zookeeperEvents(first.memory, partial, 1);
      const { events } = zookeeperEvents(gap.memory, moved, 2);
      assert.deepEqual(
        events
          .filter((e) => e.kind === 'session-moved')
          .map((e) => e.nodeId)
          .sort(),
        [N0.znode, N1.znode, N2.znode].sort(),
      );
    }
  });

  test('the same server leading in a new epoch is a change too', () => {
    const settled = view('settled');
    const later: ZooKeeperView = { ...settled, servers: settled.servers.map((s) => (s.mode === 'leader' ? { ...s, epoch: 5 } : s)) };
    const first = zookeeperEvents(INITIAL_ZOOKEEPER_MEMORY, settled, 0);
    const { events } = zookeeperEvents(first.memory, later, 1);
    assert.deepEqual(
      events.map((e) => e.text),
      ['ZooKeeper server 3 leads the ensemble again, in epoch 5 (was 1)'],
    );
  });
});
