/**
 * What the page knows, as a pure reducer over WebSocket life and server messages. The hook feeds
 * it; components only read the result. Kept free of React and the DOM so it is unit-tested in Node.
 */
import { zookeeperViewProblem, type ClusterEvent, type ClusterView, type ScenarioRunView, type ServerMessage, type ZooKeeperView } from '@zkviz/shared';
import { shareUnchanged } from './share.js';

/** The page's link to the gateway (not the cluster's health: that is `view.status`). */
export type GatewayLink = 'connecting' | 'live' | 'reconnecting';

export interface StreamState {
  link: GatewayLink;
  view: ClusterView | null;
  /** Oldest first, at most MAX_EVENTS. */
  events: ClusterEvent[];
  /** What ZooKeeper itself sees (`zookeeper` messages), null until the first. */
  zookeeper: ZooKeeperView | null;
  /** The guided scenario in progress or last ended (`scenario` messages), null until one runs. */
  scenario: ScenarioRunView | null;
}

export type StreamAction = { type: 'socket-open' } | { type: 'socket-closed' } | { type: 'message'; message: ServerMessage };

export const MAX_EVENTS = 50;

export const initialStreamState: StreamState = { link: 'connecting', view: null, events: [], zookeeper: null, scenario: null };

export function streamReducer(state: StreamState, action: StreamAction): StreamState {
  switch (action.type) {
    case 'socket-open':
      // The gateway replays its recent events to every new connection: start the list afresh.
      return { ...state, link: 'live', events: [] };
    case 'socket-closed':
      // Keep the last view on screen; the header says it may be out of date.
      return { ...state, link: 'reconnecting' };
    case 'message':
      return onMessage(state, action.message);
  }
}

function onMessage(state: StreamState, message: ServerMessage): StreamState {
  switch (message.type) {
    case 'snapshot':
      // One socket delivers in order and each snapshot is complete: the latest simply replaces.
      return { ...state, view: message.view };
    case 'zookeeper':
      return { ...state, zookeeper: message.view };
    case 'scenario':
      // The gateway sends the whole run on every change, and the latest on connect.
      return { ...state, scenario: message.run };
    case 'event': {
      const events = [...state.events, message.event];
      return { ...state, events: events.length > MAX_EVENTS ? events.slice(events.length - MAX_EVENTS) : events };
    }
    default:
      return state;
  }
}

/** Accepts only messages the page understands; anything else is ignored, never thrown on. */
export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as { type?: unknown; view?: unknown; event?: unknown; run?: unknown };
  if (m.type === 'snapshot' && typeof m.view === 'object' && m.view !== null && Array.isArray((m.view as ClusterView).nodes)) {
    return value as ServerMessage;
  }
  if (m.type === 'event' && typeof m.event === 'object' && m.event !== null) return value as ServerMessage;
  // The same check a recording's zookeeper lines get (shared/src/recording.ts).
  if (m.type === 'zookeeper' && zookeeperViewProblem(m.view) === null) return value as ServerMessage;
  if (m.type === 'scenario' && (m.run === null || isRunShaped(m.run))) return value as ServerMessage;
  if (m.type === 'pong' || m.type === 'error') return value as ServerMessage;
  return null;
}

/** The last snapshot and ZooKeeper view received, for `sharePrevious`. */
export interface PreviousViews {
  view: ClusterView | null;
  zookeeper: ZooKeeperView | null;
}

/**
 * `message` with every part equal to the previous view of its kind replaced by that view's
 * (share.ts), so memoised components see unchanged rows as unchanged; `previous` is updated.
 * Done once where messages arrive, so the live state and the page's history hold the same objects.
 */
export function sharePrevious(message: ServerMessage, previous: PreviousViews): ServerMessage {
  if (message.type === 'snapshot') {
    const view = shareUnchanged(previous.view, message.view);
    previous.view = view;
    return view === message.view ? message : { ...message, view };
  }
  if (message.type === 'zookeeper') {
    const view = shareUnchanged(previous.zookeeper, message.view);
    previous.zookeeper = view;
    return view === message.view ? message : { ...message, view };
  }
  return message;
}

/** Enough of a ScenarioRunView for the panel to render without throwing: steps is a list of objects. */
function isRunShaped(run: unknown): boolean {
  if (typeof run !== 'object' || run === null) return false;
  const steps = (run as { steps?: unknown }).steps;
  return Array.isArray(steps) && steps.every((step) => typeof step === 'object' && step !== null);
}

/** Reconnect delay after `attempt` failures: 250 ms doubling to 5 s, with jitter so a classroom of tabs does not reconnect in lockstep. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(250 * 2 ** attempt, 5000);
  return Math.round(base * (0.75 + random() * 0.5));
}
