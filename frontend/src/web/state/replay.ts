/**
 * Going back in time, as a pure reducer: the page keeps the messages it received (bounded) as a
 * timeline, or shows a recording it opened, and a cursor says how many of the timeline's messages
 * are applied. `cursor: null` means "follow live". Seek, step, play and speed move the cursor;
 * `frameAt` folds the timeline up to it into what the components draw. No React, no DOM, no clock
 * (the hook passes elapsed time in `tick`), so it is unit-tested in Node.
 */
import type { ClusterEvent, ClusterView, Recording, RecordingEntry, ZooKeeperView } from '@zkviz/shared';
import { MAX_EVENTS } from './stream-state.js';

export interface Timeline {
  /** Time of `base`; every entry's `at` is at or after it. */
  startedAt: number;
  /** The view before the first entry (a recording's header), or null for a live page that just opened. */
  base: ClusterView | null;
  /** What ZooKeeper showed before the first entry (a recording's header), or null. */
  zookeeperBase: ZooKeeperView | null;
  entries: RecordingEntry[];
  /** Text size of each entry as received (live history is bounded by their sum); empty for a recording. */
  sizes: number[];
  bytes: number;
}

export interface ReplayState {
  /** The page's own history of what it received, oldest dropped first. */
  live: Timeline;
  /** A recording that was opened; while set it is what the controls move over. */
  recording: { name: string; timeline: Timeline } | null;
  /** How many entries are applied; null: following live (only without a recording). */
  cursor: number | null;
  /** The time shown: the applied entries' last `at`, or between entries while playing or dragging. */
  clock: number;
  playing: boolean;
  speed: number;
}

export type ReplayAction =
  | { type: 'received'; at: number; entry: RecordingEntry['message']; bytes: number }
  | { type: 'open'; name: string; recording: Recording }
  | { type: 'seek'; at: number }
  | { type: 'step'; by: 1 | -1 }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'toggle-play' }
  | { type: 'speed'; speed: number }
  | { type: 'tick'; elapsedMs: number }
  | { type: 'live' };

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 10;
/** The live page's own history: at most this many messages and this much text. */
export const MAX_LIVE_ENTRIES = 5000;
export const MAX_LIVE_BYTES = 8 * 1024 * 1024;
/** The gateway replays at most 50 recent events on connect; look back a little further for them. */
const RECENT_EVENT_SCAN = 400;

export const initialReplayState = (now: number): ReplayState => ({
  live: { startedAt: now, base: null, zookeeperBase: null, entries: [], sizes: [], bytes: 0 },
  recording: null,
  cursor: null,
  clock: now,
  playing: false,
  speed: 1,
});

export const showingPast = (s: ReplayState): boolean => s.cursor !== null;
export const activeTimeline = (s: ReplayState): Timeline => s.recording?.timeline ?? s.live;

export function timelineEnd(t: Timeline): number {
  return t.entries.length > 0 ? t.entries[t.entries.length - 1]!.at : t.startedAt;
}

/** Number of entries at or before `at` (binary search: entries are in time order). */
export function entriesUpTo(t: Timeline, at: number): number {
  let lo = 0;
  let hi = t.entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.entries[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const clockAt = (t: Timeline, cursor: number) => (cursor === 0 ? t.startedAt : t.entries[cursor - 1]!.at);

export function replayReducer(state: ReplayState, action: ReplayAction): ReplayState {
  switch (action.type) {
    case 'received':
      return { ...state, live: appendLive(state.live, action.at, action.entry, action.bytes) };
    case 'open': {
      const { header, entries } = action.recording;
      const timeline: Timeline = { startedAt: header.startedAt, base: header.cluster, zookeeperBase: header.zookeeper ?? null, entries, sizes: [], bytes: 0 };
      return { ...state, recording: { name: action.name, timeline }, cursor: 0, clock: header.startedAt, playing: false };
    }
    case 'live':
      return { ...state, recording: null, cursor: null, playing: false };
  }
  // Everything else moves the cursor over the active timeline; "pausing" live freezes at its end.
  const t = activeTimeline(state);
  const cursor = state.cursor ?? t.entries.length;
  const clock = state.cursor === null ? timelineEnd(t) : state.clock;
  switch (action.type) {
    case 'seek': {
      const at = clamp(action.at, t.startedAt, timelineEnd(t));
      return { ...state, cursor: entriesUpTo(t, at), clock: at };
    }
    case 'step': {
      const next = action.by === 1 ? nextStop(t, cursor) : previousStop(t, cursor);
      // Stepping forward onto the end of the live history is being live again.
      if (!state.recording && action.by === 1 && next === t.entries.length) return { ...state, cursor: null, playing: false };
      return { ...state, cursor: next, clock: clockAt(t, next), playing: false };
    }
    case 'play':
      return play(state, t, cursor, clock);
    case 'pause':
      return { ...state, cursor, clock, playing: false };
    case 'toggle-play':
      return state.playing ? { ...state, cursor, clock, playing: false } : play(state, t, cursor, clock);
    case 'speed':
      return { ...state, speed: clamp(action.speed, MIN_SPEED, MAX_SPEED) };
    case 'tick': {
      if (!state.playing || state.cursor === null) return state;
      const at = state.clock + action.elapsedMs * state.speed;
      if (at >= timelineEnd(t)) {
        // The end of the live history is now: playing into it returns to live.
        if (!state.recording) return { ...state, cursor: null, playing: false };
        return { ...state, cursor: t.entries.length, clock: timelineEnd(t), playing: false };
      }
      return { ...state, cursor: entriesUpTo(t, at), clock: at };
    }
  }
}

/**
 * Where ←/→ stop: just before each event, so every stop shows one event and all it caused (the
 * gateway sends an event before the snapshot it changed, so the snapshot belongs to the event
 * before it). An event is a history event, or a snapshot that changes the leader with no history
 * event just before it; a run of adjacent events is one stop. The ends are stops too.
 */
export function stepStops(t: Timeline): number[] {
  const stops = [0];
  let leader = t.base?.leader ?? null;
  t.entries.forEach((entry, i) => {
    const m = entry.message;
    const afterEvent = i > 0 && t.entries[i - 1]!.message.type === 'event';
    let event = m.type === 'event';
    if (m.type === 'snapshot') {
      event = m.view.leader !== leader;
      leader = m.view.leader;
    }
    if (event && !afterEvent && i > 0) stops.push(i);
  });
  if (t.entries.length > 0) stops.push(t.entries.length);
  return stops;
}

function nextStop(t: Timeline, cursor: number): number {
  return stepStops(t).find((p) => p > cursor) ?? t.entries.length;
}

function previousStop(t: Timeline, cursor: number): number {
  const before = stepStops(t).filter((p) => p < cursor);
  return before.length > 0 ? before[before.length - 1]! : 0;
}

function play(state: ReplayState, t: Timeline, cursor: number, clock: number): ReplayState {
  // Play at the end of a recording starts it over, as a video player does.
  if (state.recording && cursor >= t.entries.length) return { ...state, cursor: 0, clock: t.startedAt, playing: true };
  if (state.cursor === null) return { ...state, cursor, clock, playing: false };
  return { ...state, cursor, clock, playing: true };
}

function appendLive(t: Timeline, at: number, message: RecordingEntry['message'], bytes: number): Timeline {
  const previous = t.entries[t.entries.length - 1];
  const entry: RecordingEntry = { at: Math.max(at, previous?.at ?? t.startedAt), message };
  // A reconnect replays the gateway's recent events; the history has them already.
  if (message.type === 'event' && t.entries.slice(-RECENT_EVENT_SCAN).some((e) => e.message.type === 'event' && sameEvent(e.message.event, message.event))) return t;
  let entries = [...t.entries, entry];
  let sizes = [...t.sizes, bytes];
  let total = t.bytes + bytes;
  let { base, zookeeperBase, startedAt } = t;
  let drop = 0;
  while (entries.length - drop > MAX_LIVE_ENTRIES || (total > MAX_LIVE_BYTES && entries.length - drop > 1)) {
    const dropped = entries[drop]!;
    if (dropped.message.type === 'snapshot') base = dropped.message.view;
    if (dropped.message.type === 'zookeeper') zookeeperBase = dropped.message.view;
    startedAt = dropped.at;
    total -= sizes[drop]!;
    drop++;
  }
  if (drop > 0) {
    entries = entries.slice(drop);
    sizes = sizes.slice(drop);
  }
  return { startedAt, base, zookeeperBase, entries, sizes, bytes: total };
}

const sameEvent = (a: ClusterEvent, b: ClusterEvent) => a.at === b.at && a.kind === b.kind && a.nodeId === b.nodeId && a.text === b.text;

export interface Frame {
  view: ClusterView | null;
  /** What ZooKeeper showed then: the panel, ghost sessions and the chain's held watches replay too. */
  zookeeper: ZooKeeperView | null;
  events: ClusterEvent[];
  /** Index of the last applied entry, or -1. */
  index: number;
}

/** The picture after the first `cursor` entries: the last snapshot and ZooKeeper view (or the bases) and the events so far. */
export function frameAt(t: Timeline, cursor: number): Frame {
  let view: ClusterView | null = null;
  let zookeeper: ZooKeeperView | null = null;
  const events: ClusterEvent[] = [];
  for (let i = cursor - 1; i >= 0 && (view === null || zookeeper === null || events.length < MAX_EVENTS); i--) {
    const m = t.entries[i]!.message;
    if (m.type === 'snapshot' && view === null) view = m.view;
    if (m.type === 'zookeeper' && zookeeper === null) zookeeper = m.view;
    if (m.type === 'event' && events.length < MAX_EVENTS) events.push(m.event);
  }
  view ??= t.base;
  zookeeper ??= t.zookeeperBase;
  return { view, zookeeper, events: events.reverse(), index: cursor - 1 };
}

/** Slider position (0…1) ↔ speed on a log scale from MIN_SPEED to MAX_SPEED (1× in the middle). */
export const speedFromSlider = (p: number): number => Math.round(MIN_SPEED * (MAX_SPEED / MIN_SPEED) ** clamp(p, 0, 1) * 100) / 100;
export const sliderFromSpeed = (speed: number): number => Math.log(clamp(speed, MIN_SPEED, MAX_SPEED) / MIN_SPEED) / Math.log(MAX_SPEED / MIN_SPEED);
