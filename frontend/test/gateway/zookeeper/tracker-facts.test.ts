/** The tracker applies ZooKeeper's facts to the claimed rows: a ghost while leaderless, no effect on who leads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZooKeeperView, ZooKeeperZnodeView } from '@zkviz/shared';
import { applyInput, initialTrackerState, type TrackerInput, type TrackerState } from '../../../src/gateway/feed/leader-tracker.js';
import { pendingTakeover } from '../../../src/web/state/takeover.js';
import { FIRST_INCARNATION, nodeId, registered, snapshotMsg } from '../fixtures.js';

const session = (seq: number) => `0x${(0x1000 + seq).toString(16)}`;
function znode(seq: number): ZooKeeperZnodeView {
  return {
    path: `/election/${nodeId(seq)}`,
    stat: { czxid: '0x1', mzxid: '0x1', ctime: 1, mtime: 1, version: 0, cversion: 0, ephemeralOwner: session(seq), dataLength: 0, numChildren: 0 },
    data: null,
  };
}
function zk(seqs: number[], ghosts: number[] = []): ZooKeeperView {
  return {
    servers: [],
    quorum: { size: 1, up: 1, holds: true },
    sessions: seqs.map((s) => ({
      id: session(s),
      timeoutMs: 2000,
      owner: nodeId(s),
      server: ghosts.includes(s) ? null : 'zk:2181',
      connected: !ghosts.includes(s),
      expiresAt: ghosts.includes(s) ? 9000 : 5000,
      ephemerals: [`/election/${nodeId(s)}`],
      watches: s === seqs[0] ? [] : [`/election/${nodeId(seqs[seqs.indexOf(s) - 1]!)}`],
    })),
    znodes: seqs.map(znode),
    updatedAt: 1,
    source: ['cons', 'dump', 'wchc', 'znodes'],
    problems: [],
  };
}

function run(steps: Array<[number, TrackerInput]>, state: TrackerState = initialTrackerState(0)) {
  let viewChanges = 0;
  for (const [at, input] of steps) {
    const out = applyInput(state, input, at);
    state = out.state;
    if (out.viewChanged) viewChanges++;
  }
  return { state, viewChanges };
}

describe('tracker with ZooKeeper facts', () => {
  const leader1: Array<[number, TrackerInput]> = [
    [1, { type: 'registry', leader: registered(1), electionIncarnation: FIRST_INCARNATION }],
    [2, { type: 'stream-message', via: nodeId(1), message: snapshotMsg(1, [1, 2, 3]) }],
  ];

  it('rows get their session and confirmed watches; a repeat of the same facts is not a new view', () => {
    const { state, viewChanges } = run([...leader1, [3, { type: 'zookeeper', view: zk([1, 2, 3]) }], [4, { type: 'zookeeper', view: zk([1, 2, 3]) }]]);
    assert.equal(viewChanges, 2, 'the snapshot, then the facts once');
    assert.deepEqual(
      state.view.nodes.map((n) => [n.session, n.liveness, n.watchConfirmed]),
      [
        [session(1), 'alive', null],
        [session(2), 'alive', true],
        [session(3), 'alive', true],
      ],
    );
  });

  it('a crashed leader stays in the stale table as a ghost; the banner names its watcher', () => {
    const { state } = run([
      ...leader1,
      [3, { type: 'zookeeper', view: zk([1, 2, 3]) }],
      [4, { type: 'stream-down', via: nodeId(1), reason: 'crash' }],
      [5, { type: 'zookeeper', view: zk([1, 2, 3], [1]) }],
    ]);
    assert.equal(state.view.status, 'leaderless');
    assert.equal(state.view.leader, null, 'facts never change who leads');
    const ghost = state.view.nodes[0]!;
    assert.equal(ghost.liveness, 'ghost');
    assert.equal(ghost.sessionExpiresAt, 9000);
    assert.equal(pendingTakeover(state.view)?.successor?.id, nodeId(2));
  });

  it('a new leader snapshot keeps the facts', () => {
    const { state } = run([
      ...leader1,
      [3, { type: 'zookeeper', view: zk([1, 2, 3]) }],
      [4, { type: 'stream-message', via: nodeId(1), message: snapshotMsg(1, [1, 2, 3, 4], 2) }],
    ]);
    assert.deepEqual(
      state.view.nodes.map((n) => n.session),
      [session(1), session(2), session(3), null],
    );
  });

  it('facts a leader sends itself are ignored', () => {
    const msg = snapshotMsg(1, [1, 2]);
    if (msg.type === 'snapshot') Object.assign(msg.snapshot.nodes[1]!, { liveness: 'ghost', watchConfirmed: true, session: '0xbad' });
    const { state } = run([
      [1, { type: 'registry', leader: registered(1), electionIncarnation: FIRST_INCARNATION }],
      [2, { type: 'stream-message', via: nodeId(1), message: msg }],
    ]);
    assert.deepEqual([state.view.nodes[1]!.liveness, state.view.nodes[1]!.watchConfirmed, state.view.nodes[1]!.session], ['alive', null, null]);
  });
});
