import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeaderStreamMessage } from '@zkviz/shared';
import { applyInput, initialTrackerState, type TrackerInput, type TrackerOutput, type TrackerState } from '../../src/gateway/feed/leader-tracker.js';
import type { RegisteredLeader } from '@zkviz/shared';
import { FIRST_INCARNATION, heartbeatMsg, nodeId, registered, snapshotMsg } from './fixtures.js';

/** Replays inputs at the given times; returns the final output and everything emitted on the way. */
function replay(steps: Array<[at: number, input: TrackerInput]>, start: TrackerState = initialTrackerState(0)) {
  let state = start;
  let last: TrackerOutput | null = null;
  const events: TrackerOutput['events'] = [];
  const notices: TrackerOutput['notices'] = [];
  for (const [at, input] of steps) {
    last = applyInput(state, input, at);
    state = last.state;
    events.push(...last.events);
    notices.push(...last.notices);
  }
  return { state, last: last!, events, notices };
}

const reg = (leader: RegisteredLeader | null, electionIncarnation: string | null = FIRST_INCARNATION): TrackerInput => ({
  type: 'registry',
  leader,
  electionIncarnation,
});
/** The /election a wiped ZooKeeper re-creates: the same czxid can come back, the ctime does not. */
const WIPED = '0x2@9000';
const msg = (via: number, message: LeaderStreamMessage): TrackerInput => ({ type: 'stream-message', via: nodeId(via), message });
const down = (via: number): TrackerInput => ({ type: 'stream-down', via: nodeId(via), reason: 'test' });

describe('leader tracker', () => {
  it('is connecting until the first snapshot of the registered leader', () => {
    const { state } = replay([[10, reg(registered(1))]]);
    assert.equal(state.view.status, 'connecting');
    const after = replay([[20, msg(1, snapshotMsg(1, [1, 2, 3]))]], state);
    assert.equal(after.state.view.status, 'ok');
    assert.equal(after.state.view.leader, nodeId(1));
    assert.equal(after.state.view.fencingToken, 1);
    assert.equal(after.state.view.leaderAddress, '127.0.0.1:7001');
    assert.equal(after.state.view.nodes.length, 3);
    assert.equal(after.state.view.lastFailover, null, 'connecting to an existing leader is not a failover');
    assert.deepEqual(after.notices, [{ ev: 'leader-switched', leader: nodeId(1), fencingToken: 1, at: 20 }]);
    assert.deepEqual(
      after.events.map((e) => e.kind),
      ['gateway-connected'],
    );
  });

  it('goes leaderless when the registry is empty at startup', () => {
    const { state, last } = replay([[5, reg(null)]]);
    assert.equal(last.viewChanged, true);
    assert.equal(state.view.status, 'leaderless');
    assert.equal(state.view.leaderlessSince, 5);
    assert.equal(state.view.stale, false, 'no table to be stale yet');
  });

  it('records a failover from the moment the registry moves to the new leader’s first snapshot', () => {
    const { state, events, notices } = replay([
      [0, reg(registered(1))],
      [1, msg(1, snapshotMsg(1, [1, 2, 3]))],
      [100, reg(null)],
      [900, reg(registered(2))],
      [1250, msg(2, snapshotMsg(2, [2, 3]))],
    ]);
    assert.equal(state.view.status, 'ok');
    assert.deepEqual(state.view.lastFailover, { from: nodeId(1), to: nodeId(2), durationMs: 1150, at: 1250, mode: null, phases: [] });
    assert.equal(state.view.leaderlessSince, null);
    assert.deepEqual(
      notices.map((n) => n.ev),
      ['leader-switched', 'leader-lost', 'leader-switched'],
    );
    assert.deepEqual(
      events.map((e) => [e.kind, e.nodeId]),
      [
        ['gateway-connected', nodeId(1)],
        ['leader-lost', nodeId(1)],
        ['node-left', nodeId(1)],
        ['leader-elected', nodeId(2)],
      ],
    );
  });

  it('keeps the last table, marked stale, while leaderless', () => {
    const { state } = replay([
      [0, reg(registered(1))],
      [1, msg(1, snapshotMsg(1, [1, 2]))],
      [50, down(1)],
    ]);
    assert.equal(state.view.status, 'leaderless');
    assert.equal(state.view.stale, true);
    assert.equal(state.view.leader, null);
    assert.equal(state.view.leaderlessSince, 50);
    assert.deepEqual(
      state.view.nodes.map((n) => n.sequence),
      [1, 2],
    );
  });

  it('keeps the first leaderless moment across further losses', () => {
    const { state } = replay([
      [0, reg(registered(1))],
      [1, msg(1, snapshotMsg(1, [1, 2]))],
      [50, down(1)],
      [70, reg(registered(2))],
      [80, down(2)],
    ]);
    assert.equal(state.view.leaderlessSince, 50);
  });

  it('a reconnect to the same leader restores it without a failover record', () => {
    const { state, notices } = replay([
      [0, reg(registered(1))],
      [1, msg(1, snapshotMsg(1, [1, 2], 1))],
      [50, down(1)],
      [60, msg(1, snapshotMsg(1, [1, 2], 2))],
    ]);
    assert.equal(state.view.status, 'ok');
    assert.equal(state.view.lastFailover, null);
    assert.deepEqual(
      notices.map((n) => n.ev),
      ['leader-switched', 'leader-lost', 'leader-restored'],
    );
  });

  describe('fencing', () => {
    const base = replay([
      [0, reg(registered(5))],
      [1, msg(5, snapshotMsg(5, [5, 6]))],
    ]).state;

    const cases: Array<[name: string, input: TrackerInput]> = [
      ['a stream opened for another leader', msg(4, snapshotMsg(4, [4, 5, 6]))],
      ['a message naming another leader on the current stream', msg(5, snapshotMsg(4, [4, 5]))],
      ['an older snapshot version', msg(5, snapshotMsg(5, [5], 0))],
    ];
    for (const [name, input] of cases) {
      it(`ignores ${name}`, () => {
        const out = applyInput(base, input, 10);
        assert.equal(out.viewChanged, false);
        assert.ok(out.rejected, 'a reason is given');
        assert.deepEqual(out.state.view, base.view);
      });
    }

    it('ignores the old leader once the registry moved, even if its stream still talks', () => {
      const { state } = replay(
        [
          [10, reg(registered(7))],
          [11, msg(5, snapshotMsg(5, [5, 6, 7], 2))],
          [12, msg(5, heartbeatMsg(5))],
        ],
        base,
      );
      assert.equal(state.view.status, 'leaderless');
      assert.equal(state.view.nodes.length, 2);
    });

    it('never goes back to a leader with a lower token', () => {
      // The registry (wrongly, e.g. a lagging read) names an older leader: its snapshots are refused.
      const out = replay(
        [
          [10, reg(registered(3))],
          [11, msg(3, snapshotMsg(3, [3, 5, 6]))],
        ],
        base,
      );
      assert.equal(out.state.view.status, 'leaderless');
      assert.match(out.last.rejected ?? '', /token 3 below accepted 5/);
    });

    it('follows the new leader after a wiped ZooKeeper, whose sequences (tokens) started again from 0', () => {
      // Leader 5 gone with the data; the re-created /election's first znode (token 0) leads.
      const { state, last } = replay(
        [
          [10, reg(null, WIPED)],
          [20, reg(registered(0), WIPED)],
          [21, msg(0, snapshotMsg(0, [0, 1]))],
        ],
        base,
      );
      assert.equal(last.rejected, null);
      assert.equal(state.view.status, 'ok');
      assert.equal(state.view.leader, nodeId(0));
      assert.equal(state.view.fencingToken, 0);
      assert.equal(state.view.electionIncarnation, WIPED);
      assert.equal(base.view.electionIncarnation, FIRST_INCARNATION, 'the view says which life of /election its token counts in');
    });

    it('after a wipe the floor is the new incarnation’s: a lower token in it is refused again', () => {
      const out = replay(
        [
          [20, reg(registered(2), WIPED)],
          [21, msg(2, snapshotMsg(2, [0, 1, 2]))],
          [30, reg(registered(1), WIPED)],
          [31, msg(1, snapshotMsg(1, [0, 1, 2]))],
        ],
        base,
      );
      assert.equal(out.state.view.status, 'leaderless');
      assert.match(out.last.rejected ?? '', /token 1 below accepted 2/);
    });

    it('keeps the floor when the registry read cannot say which /election it saw', () => {
      const out = replay(
        [
          [20, reg(registered(3), null)],
          [21, msg(3, snapshotMsg(3, [3, 5]))],
        ],
        base,
      );
      assert.equal(out.state.view.status, 'leaderless');
      assert.match(out.last.rejected ?? '', /token 3 below accepted 5/);
    });

    it('does not act on heartbeats alone', () => {
      const out = applyInput(base, msg(5, heartbeatMsg(5)), 10);
      assert.equal(out.viewChanged, false);
      assert.equal(out.rejected, null);
    });
  });

  // seq is stamped by the feed on every view it pushes (cluster-feed.test.ts asserts it increases); the tracker says the view changed.
  it('diffs consecutive snapshots of the same leader into join/leave events and reports a view change', () => {
    const { state, last } = replay([
      [0, reg(registered(1))],
      [1, msg(1, snapshotMsg(1, [1, 2, 3], 1))],
      [2, msg(1, snapshotMsg(1, [1, 3, 4], 2))],
    ]);
    assert.deepEqual(
      last.events.map((e) => [e.kind, e.nodeId]),
      [
        ['node-left', nodeId(2)],
        ['node-joined', nodeId(4)],
      ],
    );
    assert.equal(last.viewChanged, true);
    assert.equal(state.view.updatedAt, 2);
  });

  it('a stream failing before any snapshot at startup means leaderless, not connecting', () => {
    const { state } = replay([
      [0, reg(registered(1))],
      [30, down(1)],
    ]);
    assert.equal(state.view.status, 'leaderless');
    assert.equal(state.view.leaderlessSince, 30);
  });
});
