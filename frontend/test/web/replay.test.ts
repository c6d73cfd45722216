import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterView, Recording, RecordingEntry, ZooKeeperView } from '@zkviz/shared';
import {
  MAX_LIVE_ENTRIES,
  activeTimeline,
  frameAt,
  initialReplayState,
  replayReducer,
  showingPast,
  sliderFromSpeed,
  speedFromSlider,
  stepStops,
  type ReplayAction,
  type ReplayState,
} from '../../src/web/state/replay.js';

const view = (seq: number, leader: string | null): ClusterView => ({
  status: leader ? 'ok' : 'leaderless',
  leader,
  fencingToken: null,
  electionIncarnation: null,
  leaderAddress: null,
  nodes: [],
  stale: !leader,
  leaderlessSince: null,
  lastFailover: null,
  updatedAt: seq,
  seq,
  slots: [],
});
const snap = (at: number, seq: number, leader: string | null): RecordingEntry => ({ at, message: { type: 'snapshot', view: view(seq, leader) } });
const ev = (at: number, text: string): RecordingEntry => ({ at, message: { type: 'event', event: { at, kind: 'leader-lost', nodeId: null, text } } });

// A kill at 2000: leader n_1, then none, then n_2.
const recording: Recording = {
  header: { type: 'recording', version: 1, startedAt: 1000, cluster: view(1, 'n_1') },
  entries: [ev(2000, 'kill'), snap(2100, 2, null), ev(2100, 'lost'), snap(3000, 3, 'n_2')],
};

const run = (state: ReplayState, ...actions: ReplayAction[]) => actions.reduce(replayReducer, state);
const opened = () => run(initialReplayState(0), { type: 'open', name: 'r.ndjson', recording });
const shown = (s: ReplayState) => frameAt(activeTimeline(s), s.cursor ?? activeTimeline(s).entries.length);

describe('replay reducer', () => {
  it('opens a recording at its start, paused, showing the header view', () => {
    const s = opened();
    assert.equal(s.cursor, 0);
    assert.equal(s.clock, 1000);
    assert.equal(s.playing, false);
    assert.ok(showingPast(s));
    assert.equal(shown(s).view?.leader, 'n_1');
    assert.deepEqual(shown(s).events, []);
  });

  it('steps one event at a time (an event and what it caused), both ways, and stops at the ends', () => {
    let s = opened();
    s = run(s, { type: 'step', by: 1 });
    assert.equal(s.cursor, 2);
    assert.equal(s.clock, 2100);
    assert.equal(shown(s).view?.leader, null);
    assert.deepEqual(
      shown(s).events.map((e) => e.text),
      ['kill'],
    );
    s = run(s, { type: 'step', by: 1 });
    assert.equal(s.cursor, 4, 'the next event: the loss and the new leader it led to');
    s = run(s, { type: 'step', by: 1 }, { type: 'step', by: 1 });
    assert.equal(s.cursor, 4, 'no further than the last message');
    assert.equal(shown(s).view?.leader, 'n_2');
    s = run(s, ...Array.from({ length: 6 }, () => ({ type: 'step', by: -1 }) as const));
    assert.equal(s.cursor, 0, 'no further back than the start');
    assert.equal(s.clock, 1000);
    assert.equal(shown(s).view?.leader, 'n_1');
  });

  it('stops before each event: a history event, or a leader change no event announced; a run of events is one stop', () => {
    const entries = [
      snap(1100, 2, 'n_1'), // no change: no stop
      ev(1200, 'joined'),
      snap(1200, 3, 'n_1'),
      ev(1300, 'lost'),
      ev(1300, 'left'), // the same run of events
      snap(1300, 4, null),
      snap(1400, 5, 'n_2'), // a leader change with no event before it
      snap(1500, 6, 'n_2'),
    ];
    const t = run(initialReplayState(0), { type: 'open', name: 'x', recording: { header: recording.header, entries } }).recording!.timeline;
    assert.deepEqual(stepStops(t), [0, 1, 3, 6, 8]);
    let s = run(initialReplayState(0), { type: 'open', name: 'x', recording: { header: recording.header, entries } }, { type: 'seek', at: 1350 });
    assert.equal(s.cursor, 6);
    s = run(s, { type: 'step', by: -1 });
    assert.equal(s.cursor, 3, 'back to just before the loss: n_1 still leads');
    assert.equal(shown(s).view?.leader, 'n_1');
  });

  it('seeks to a time: every message at or before it applies, and clamps to the run', () => {
    let s = run(opened(), { type: 'seek', at: 2100 });
    assert.equal(s.cursor, 3);
    assert.equal(s.clock, 2100);
    s = run(s, { type: 'seek', at: 1999 });
    assert.equal(s.cursor, 0);
    assert.equal(shown(s).view?.leader, 'n_1', 'just before the kill: the old leader');
    assert.equal(run(s, { type: 'seek', at: 99_999 }).clock, 3000);
    assert.equal(run(s, { type: 'seek', at: -5 }).clock, 1000);
  });

  it('plays at its speed, clamped to 0.1×–10×, and stops at the end of a recording', () => {
    let s = run(opened(), { type: 'speed', speed: 50 });
    assert.equal(s.speed, 10);
    s = run(s, { type: 'speed', speed: 0.5 }, { type: 'play' }, { type: 'tick', elapsedMs: 2000 });
    assert.equal(s.clock, 2000);
    assert.equal(s.cursor, 1, 'the kill at 2000 applies');
    s = run(s, { type: 'tick', elapsedMs: 10_000 });
    assert.equal(s.playing, false);
    assert.equal(s.cursor, 4);
    assert.equal(s.clock, 3000);
    s = run(s, { type: 'toggle-play' });
    assert.deepEqual([s.playing, s.cursor, s.clock], [true, 0, 1000], 'play at the end starts over');
    assert.equal(run(s, { type: 'pause' }, { type: 'tick', elapsedMs: 500 }).clock, 1000, 'paused: ticks do nothing');
    assert.equal(run(initialReplayState(0), { type: 'speed', speed: 0.01 }).speed, 0.1);
  });

  it('live: keeps what it received, pauses into the past, scrubs back and returns to live', () => {
    let s = initialReplayState(500);
    const received = (e: RecordingEntry): ReplayAction => ({ type: 'received', at: e.at, entry: e.message, bytes: 100 });
    s = run(s, received(snap(1000, 1, 'n_1')), received(ev(2000, 'kill')), received(snap(3000, 2, 'n_2')));
    assert.equal(showingPast(s), false);
    s = run(s, { type: 'toggle-play' });
    assert.ok(showingPast(s), 'pausing live freezes it');
    assert.equal(s.cursor, 3);
    s = run(s, { type: 'step', by: -1 });
    assert.equal(shown(s).view?.leader, 'n_1');
    assert.equal(s.cursor, 1, 'one event back: just before the kill');
    // Messages keep arriving while the past is shown; the picture does not move.
    s = run(s, received(snap(4000, 3, 'n_2')));
    assert.equal(s.cursor, 1);
    assert.equal(activeTimeline(s).entries.length, 4);
    s = run(s, { type: 'step', by: 1 }, { type: 'step', by: 1 });
    assert.equal(s.cursor, null, 'stepping onto the newest message is live again');
    s = run(s, { type: 'seek', at: 1500 }, { type: 'play' }, { type: 'tick', elapsedMs: 100_000 });
    assert.equal(s.cursor, null, 'playing into the present is live again');
    s = run(s, { type: 'seek', at: 1500 }, { type: 'live' });
    assert.equal(s.cursor, null);
  });

  it('live history is bounded, and the dropped snapshot becomes its base', () => {
    let s = initialReplayState(0);
    for (let i = 1; i <= MAX_LIVE_ENTRIES + 2; i++) s = replayReducer(s, { type: 'received', at: i, entry: snap(i, i, `n_${i}`).message, bytes: 10 });
    assert.equal(s.live.entries.length, MAX_LIVE_ENTRIES);
    assert.equal(s.live.base?.seq, 2);
    assert.equal(s.live.startedAt, 2);
    assert.equal(s.live.bytes, MAX_LIVE_ENTRIES * 10);
    // A big message pushes out old ones by size.
    s = replayReducer(s, { type: 'received', at: 99_999, entry: snap(99_999, 0, 'x').message, bytes: 8 * 1024 * 1024 });
    assert.equal(s.live.entries.length, 1);
  });

  it('ignores events a reconnect replays', () => {
    let s = initialReplayState(0);
    const e = ev(2000, 'kill');
    s = run(s, { type: 'received', at: 2000, entry: e.message, bytes: 1 }, { type: 'received', at: 2500, entry: e.message, bytes: 1 });
    assert.equal(s.live.entries.length, 1);
  });

  it('replays what ZooKeeper showed: the header’s view first, then each zookeeper message in its turn', () => {
    const zk = (updatedAt: number): ZooKeeperView => ({
      servers: [],
      quorum: { size: 1, up: 1, holds: true },
      sessions: [],
      znodes: [],
      updatedAt,
      source: ['srvr'],
      problems: [],
    });
    const zkEntry = (at: number): RecordingEntry => ({ at, message: { type: 'zookeeper', view: zk(at) } });
    const withZk: Recording = {
      header: { ...recording.header, zookeeper: zk(1000) },
      entries: [ev(2000, 'kill'), zkEntry(2050), snap(2100, 2, null), ev(2100, 'lost'), zkEntry(2900), snap(3000, 3, 'n_2')],
    };
    let s = run(initialReplayState(0), { type: 'open', name: 'z.ndjson', recording: withZk });
    assert.equal(shown(s).zookeeper?.updatedAt, 1000, 'the header’s ZooKeeper view at the start');
    s = run(s, { type: 'seek', at: 2500 });
    assert.equal(shown(s).zookeeper?.updatedAt, 2050);
    assert.equal(shown(s).view?.leader, null);
    s = run(s, { type: 'seek', at: 3000 });
    assert.equal(shown(s).zookeeper?.updatedAt, 2900);
    assert.equal(run(opened(), { type: 'seek', at: 5000 }) && shown(opened()).zookeeper, null, 'an older recording has none');
    // The live history keeps them too, and a dropped one becomes its base.
    let live = initialReplayState(0);
    live = replayReducer(live, { type: 'received', at: 1, entry: zkEntry(1).message, bytes: 10 });
    for (let i = 2; i <= MAX_LIVE_ENTRIES + 1; i++) live = replayReducer(live, { type: 'received', at: i, entry: snap(i, i, `n_${i}`).message, bytes: 10 });
    assert.equal(live.live.zookeeperBase?.updatedAt, 1);
    assert.equal(frameAt(live.live, 0).zookeeper?.updatedAt, 1);
  });

  it('open, then Live, returns to the live history', () => {
    const s = run(opened(), { type: 'step', by: 1 }, { type: 'live' });
    assert.equal(s.recording, null);
    assert.equal(showingPast(s), false);
  });

  it('maps the speed slider on a log scale: 0.1× at 0, 1× in the middle, 10× at 1', () => {
    assert.equal(speedFromSlider(0), 0.1);
    assert.equal(speedFromSlider(0.5), 1);
    assert.equal(speedFromSlider(1), 10);
    assert.ok(Math.abs(sliderFromSpeed(1) - 0.5) < 1e-9);
    assert.ok(Math.abs(sliderFromSpeed(speedFromSlider(0.8)) - 0.8) < 0.01);
  });
});
