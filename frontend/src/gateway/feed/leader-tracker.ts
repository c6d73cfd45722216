/**
 * The gateway's view of the cluster as a pure state machine: registry updates and leader stream
 * messages go in; the next ClusterView, timeline events and log notices come out. No I/O, no
 * clock (callers pass `now`), so every failover story can be replayed in a unit test.
 *
 * Fencing lives here. A stream message counts only when
 *   - it arrived on the stream opened for the leader the registry names right now, and
 *   - the message itself names that leader, and
 *   - its fencing token is not lower than the highest one accepted so far in the same life of
 *     /election (its electionIncarnation). The tokens are /election's sequence numbers, which a
 *     wiped (or re-created) /election starts again from 0: a new incarnation, told by the registry
 *     read, starts a new floor, or the gateway would refuse every leader after a wipe. An unknown
 *     incarnation keeps the old floor (fail safe: leaderless until the next registry read says).
 * The moment the registry moves away from a leader, that leader is dropped, whatever its stream
 * still sends.
 */
import {
  safeguardOff,
  type ClusterEvent,
  type ClusterSnapshot,
  type ClusterView,
  type LeaderStreamMessage,
  type NodeClaim,
  type RegisteredLeader,
  type ZooKeeperView,
} from '@zkviz/shared';
import { sameFacts, withZooKeeperFacts } from '../zookeeper/node-facts.js';
import { diffNodes, gatewayConnectedEvent, leaderElectedEvent, leaderLostEvent } from './events.js';
import type { FeedNotice } from './types.js';

export interface TrackerState {
  /** undefined until the registry has been read once; null while it names no leader. */
  registry: RegisteredLeader | null | undefined;
  /** The life of /election the latest registry read was made in; null when it could not say. */
  registryIncarnation: string | null;
  /** The leader whose stream is delivering accepted messages, if any. */
  live: { id: string; fencingToken: number; version: number } | null;
  /** The last leader we ever accepted; `from` of the next failover. */
  lastLeader: string | null;
  /** Highest fencing token accepted so far in `fencingIncarnation`; older leaders are never accepted again. */
  highestFencingToken: number;
  /** The life of /election `highestFencingToken` counts in (null before the first leader). */
  fencingIncarnation: string | null;
  /** The rows as the leader last reported them; `view.nodes` is these checked against `zookeeper`. */
  claims: NodeClaim[];
  /** The latest ZooKeeperView, or null before the first (or with the view off). */
  zookeeper: ZooKeeperView | null;
  view: ClusterView;
}

export type TrackerInput =
  /** `electionIncarnation`: the life of /election the read was made in (discovery/election-incarnation.ts), null if unknown. */
  | { type: 'registry'; leader: RegisteredLeader | null; electionIncarnation: string | null }
  /** `via` is the leader id the stream was opened for. */
  | { type: 'stream-message'; via: string; message: LeaderStreamMessage }
  | { type: 'stream-down'; via: string; reason: string }
  /** A new ZooKeeperView: re-check the rows against it (never changes who leads). */
  | { type: 'zookeeper'; view: ZooKeeperView | null };

export interface TrackerOutput {
  state: TrackerState;
  /** True when `state.view` is a new view that clients should receive. */
  viewChanged: boolean;
  events: ClusterEvent[];
  notices: FeedNotice[];
  /** Why a stream message was ignored, for debug logging. */
  rejected: string | null;
}

export function initialTrackerState(now: number): TrackerState {
  return {
    registry: undefined,
    registryIncarnation: null,
    live: null,
    lastLeader: null,
    highestFencingToken: -1,
    fencingIncarnation: null,
    claims: [],
    zookeeper: null,
    view: {
      status: 'connecting',
      leader: null,
      fencingToken: null,
      electionIncarnation: null,
      leaderAddress: null,
      nodes: [],
      stale: false,
      leaderlessSince: null,
      lastFailover: null,
      updatedAt: now,
      seq: 0,
      // filled in by the feed from the slot supervisors (frontend/src/gateway/slots)
      slots: [],
      // filled in by the feed from the recipe znode (frontend/src/gateway/recipe)
      recipe: null,
    },
  };
}

function unchanged(state: TrackerState, rejected: string | null = null): TrackerOutput {
  return { state, viewChanged: false, events: [], notices: [], rejected };
}

/** `seq` is left alone: the feed stamps it on every view it pushes (cluster-feed.ts). */
function nextView(state: TrackerState, patch: Partial<ClusterView>, now: number): ClusterView {
  return { ...state.view, ...patch, updatedAt: now };
}

/** Leaderless from `now`: keeps the last table, marked stale, so the page can show what was lost. */
function becomeLeaderless(state: TrackerState, now: number): ClusterView {
  return nextView(
    state,
    {
      status: 'leaderless',
      leader: null,
      fencingToken: null,
      electionIncarnation: null,
      leaderAddress: null,
      stale: state.view.nodes.length > 0,
      leaderlessSince: state.view.leaderlessSince ?? now,
    },
    now,
  );
}

function dropLiveLeader(state: TrackerState, now: number): TrackerOutput {
  const lost = state.live;
  if (!lost) return unchanged(state);
  return {
    state: { ...state, live: null, view: becomeLeaderless(state, now) },
    viewChanged: true,
    events: [leaderLostEvent(lost.id, now)],
    notices: [{ ev: 'leader-lost', leader: lost.id, at: now }],
    rejected: null,
  };
}

/**
 * The lowest fencing token the registered leader may have: the highest accepted, unless the
 * registry was read in a newer life of /election than that token (ZooKeeper wiped: sequences
 * start again), where any token counts.
 */
function fencingFloor(state: TrackerState): number {
  const { registryIncarnation: current, fencingIncarnation: accepted } = state;
  return current !== null && accepted !== null && current !== accepted ? -1 : state.highestFencingToken;
}

function onRegistry(state: TrackerState, leader: RegisteredLeader | null, electionIncarnation: string | null, now: number): TrackerOutput {
  const next: TrackerState = { ...state, registry: leader, registryIncarnation: electionIncarnation };
  if (state.live && state.live.id !== leader?.id) return dropLiveLeader(next, now);
  // Nobody to connect to: stop saying "connecting" and start the leaderless clock.
  if (!leader && state.view.status === 'connecting') {
    return { state: { ...next, view: becomeLeaderless(next, now) }, viewChanged: true, events: [], notices: [], rejected: null };
  }
  return unchanged(next);
}

function acceptNewLeader(state: TrackerState, snapshot: ClusterSnapshot, address: string, now: number): TrackerOutput {
  const { leader, fencingToken } = snapshot;
  const isNewLeader = state.lastLeader !== leader;
  const events: ClusterEvent[] = [];
  const notices: FeedNotice[] = [];
  if (state.lastLeader === null) {
    events.push(gatewayConnectedEvent(leader, now));
  } else {
    events.push(...diffNodes(state.view.nodes, snapshot.nodes, now));
    if (isNewLeader) events.push(leaderElectedEvent(leader, fencingToken, now));
  }
  notices.push(isNewLeader ? { ev: 'leader-switched', leader, fencingToken, at: now } : { ev: 'leader-restored', leader, fencingToken, at: now });
  const fencingIncarnation = state.registryIncarnation ?? state.fencingIncarnation;
  const since = state.view.leaderlessSince;
  // The gateway's feed completes `mode` and `phases` (failovers/recorder.ts).
  const lastFailover =
    since !== null && isNewLeader ? { from: state.lastLeader, to: leader, durationMs: now - since, at: now, mode: null, phases: [] } : state.view.lastFailover;
  const view = nextView(
    state,
    {
      status: 'ok',
      leader,
      fencingToken,
      electionIncarnation: fencingIncarnation,
      leaderAddress: address,
      nodes: withZooKeeperFacts(snapshot.nodes, state.zookeeper),
      stale: false,
      leaderlessSince: null,
      lastFailover,
    },
    now,
  );
  return {
    state: {
      ...state,
      live: { id: leader, fencingToken, version: snapshot.version },
      lastLeader: leader,
      highestFencingToken: Math.max(fencingFloor(state), fencingToken),
      fencingIncarnation,
      claims: snapshot.nodes,
      view,
    },
    viewChanged: true,
    events,
    notices,
    rejected: null,
  };
}

function onStreamMessage(state: TrackerState, via: string, message: LeaderStreamMessage, now: number): TrackerOutput {
  const registered = state.registry;
  // The fencing rules; switched off only by a safeguard-removal fault run (read once at start).
  const fencing = !safeguardOff('gateway-fencing');
  if (!registered || (fencing && via !== registered.id)) return unchanged(state, 'stream of a leader that is no longer registered');
  const claimed = message.type === 'snapshot' ? message.snapshot.leader : message.leader;
  const fencingToken = message.type === 'snapshot' ? message.snapshot.fencingToken : message.fencingToken;
  if (fencing && claimed !== registered.id) return unchanged(state, `message names ${claimed}, registry names ${registered.id}`);
  const floor = fencingFloor(state);
  if (fencing && fencingToken < floor) return unchanged(state, `fencing token ${fencingToken} below accepted ${floor}`);

  // Heartbeats only keep the stream alive (the stream client's idle timer); they change nothing here.
  if (message.type === 'heartbeat') return unchanged(state);

  const { snapshot } = message;
  if (!state.live || state.live.id !== via) return acceptNewLeader(state, snapshot, registered.address, now);
  if (snapshot.version < state.live.version) return unchanged(state, `snapshot version ${snapshot.version} older than ${state.live.version}`);

  const events = diffNodes(state.view.nodes, snapshot.nodes, now);
  return {
    state: {
      ...state,
      live: { ...state.live, version: snapshot.version },
      claims: snapshot.nodes,
      view: nextView(state, { nodes: withZooKeeperFacts(snapshot.nodes, state.zookeeper), fencingToken: snapshot.fencingToken }, now),
    },
    viewChanged: true,
    events,
    notices: [],
    rejected: null,
  };
}

function onStreamDown(state: TrackerState, via: string, now: number): TrackerOutput {
  if (state.live?.id === via) return dropLiveLeader(state, now);
  // Could not reach the leader we were first told about: that is leaderless, not "connecting".
  if (state.view.status === 'connecting' && state.registry?.id === via) {
    return { state: { ...state, view: becomeLeaderless(state, now) }, viewChanged: true, events: [], notices: [], rejected: null };
  }
  return unchanged(state);
}

/** Facts only: the same rows (claims), re-checked; a new view only when a fact changed. */
function onZooKeeper(state: TrackerState, zookeeper: ZooKeeperView | null, now: number): TrackerOutput {
  const nodes = withZooKeeperFacts(state.claims, zookeeper);
  const next: TrackerState = { ...state, zookeeper };
  if (sameFacts(nodes, state.view.nodes)) return unchanged(next);
  return { state: { ...next, view: nextView(next, { nodes }, now) }, viewChanged: true, events: [], notices: [], rejected: null };
}

export function applyInput(state: TrackerState, input: TrackerInput, now: number): TrackerOutput {
  switch (input.type) {
    case 'registry':
      return onRegistry(state, input.leader, input.electionIncarnation, now);
    case 'stream-message':
      return onStreamMessage(state, input.via, input.message, now);
    case 'stream-down':
      return onStreamDown(state, input.via, now);
    case 'zookeeper':
      return onZooKeeper(state, input.view, now);
  }
}
