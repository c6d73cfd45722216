/**
 * The election and registry logic as a pure state machine.
 *
 * Every ZooKeeper callback, watch and session change becomes an `ElectionEvent`; `step` returns the
 * next state and the `Command`s to run. Nothing here does I/O, reads a clock or draws a random
 * number, so every interleaving can be replayed in a unit test. The shape follows Curator's
 * LeaderLatch: whatever happened, we go back to one question — "list the children, where am I?" —
 * and never assume leadership from an event alone.
 */
import { compareBySequence, parseElectionZnode, type NodeRole } from '@zkviz/shared';
import { ZNODEEXISTS, ZNONODE, ZOK, isConnectionProblem } from '@zkviz/shared/zk';

export type Registry = 'coordinators' | 'workers';

export type Lifecycle = 'running' | 'stopping' | 'stopped';

/** Where we are in the election, from the point of view of this node. */
export type ElectionPhase =
  /** No usable session (not yet connected, or the last one was lost). */
  | 'connecting'
  /** Our election znode is being created. */
  | 'joining'
  /** Children are being listed / ownership checked: deciding who we are. */
  | 'deciding'
  /** A worker with a watch on its predecessor. */
  | 'following'
  /** Lowest znode, ownership confirmed. Acting as leader once registered and connected. */
  | 'leading'
  | 'stopped';

export interface ElectionState {
  lifecycle: Lifecycle;
  phase: ElectionPhase;
  /** Current session, if any; results of commands issued under another session are ignored. */
  sessionId: string | null;
  connected: boolean;
  /** Unique prefix of our election znode for this session (protected create). */
  candidateId: string | null;
  /** Name (not path) of our election znode, once known. */
  electionZnode: string | null;
  createInFlight: boolean;
  /** A create failed with a connection problem: the server may have created it anyway. */
  createUncertain: boolean;
  /** The predecessor our watch is actually set on (may be briefly stale after it dies). */
  watching: string | null;
  role: NodeRole | 'candidate';
  /** Leader duties (serving the cluster stream, routing kills) are on. */
  acting: boolean;
  /** Decision generation: results of an older decision are ignored. */
  epoch: number;
}

export type ElectionEvent =
  | { type: 'connected'; sessionId: string; reconnected: boolean; candidateId: string }
  | { type: 'suspended' }
  | { type: 'lost' }
  | { type: 'stop' }
  | { type: 'created'; sessionId: string; rc: number; znode?: string }
  | { type: 'parentsEnsured'; sessionId: string; rc: number; then: 'create' | Registry }
  | { type: 'listed'; sessionId: string; epoch: number; rc: number; children?: string[] }
  | { type: 'ownerChecked'; sessionId: string; epoch: number; rc: number; ephemeralOwner?: string }
  | { type: 'watchSet'; sessionId: string; epoch: number; znode: string; rc: number }
  | { type: 'predecessorDeleted'; sessionId: string; znode: string }
  /** A data watch also fires when the predecessor's data changes; the watch must then be set again. */
  | { type: 'predecessorChanged'; sessionId: string; znode: string }
  | { type: 'registered'; sessionId: string; registry: Registry; rc: number }
  | { type: 'closed' };

export type Command =
  | { type: 'ensureParents'; sessionId: string; then: 'create' | Registry }
  | { type: 'create'; sessionId: string; candidateId: string }
  | { type: 'list'; sessionId: string; epoch: number }
  | { type: 'checkOwner'; sessionId: string; epoch: number; znode: string }
  | { type: 'watch'; sessionId: string; epoch: number; znode: string }
  | { type: 'register'; sessionId: string; registry: Registry; znode: string }
  | { type: 'unregister'; sessionId: string; registry: Registry; znode: string }
  /** Write our status (role, what we watch) into our registry entry; built from the state at run time. */
  | { type: 'publishStatus'; sessionId: string }
  | { type: 'delete'; sessionId: string; znode: string }
  | { type: 'startActing'; znode: string }
  | { type: 'stopActing'; reason: string }
  /** Our znode is not owned by our session: give this session up and start over with a new one. */
  | { type: 'restartSession'; reason: string }
  | { type: 'closeSession' };

export interface Step {
  state: ElectionState;
  commands: Command[];
}

/** Everything a session owns; forgotten together when the session goes. */
const WITHOUT_SESSION = {
  sessionId: null,
  connected: false,
  candidateId: null,
  electionZnode: null,
  createInFlight: false,
  createUncertain: false,
  watching: null,
  role: 'candidate',
} as const satisfies Partial<ElectionState>;

export const initialElectionState: ElectionState = {
  lifecycle: 'running',
  phase: 'connecting',
  ...WITHOUT_SESSION,
  acting: false,
  epoch: 0,
};

/** True when a result belongs to the session we are on now. */
function current(state: ElectionState, sessionId: string): boolean {
  return state.sessionId === sessionId && state.lifecycle !== 'stopped';
}

function stopActing(state: ElectionState, reason: string): Step {
  if (!state.acting) return { state, commands: [] };
  return { state: { ...state, acting: false }, commands: [{ type: 'stopActing', reason }] };
}

/** Starts a fresh decision: list the children (a new epoch makes older answers irrelevant). */
function decide(state: ElectionState, prefix: Command[] = []): Step {
  if (!state.sessionId || !state.connected) return { state, commands: prefix };
  const epoch = state.epoch + 1;
  return {
    state: { ...state, epoch, phase: state.createInFlight ? 'joining' : 'deciding' },
    commands: [...prefix, { type: 'list', sessionId: state.sessionId, epoch }],
  };
}

function join(state: ElectionState, prefix: Command[] = []): Step {
  if (!state.sessionId || !state.candidateId || !state.connected || state.lifecycle !== 'running') {
    return { state, commands: prefix };
  }
  return {
    state: { ...state, phase: 'joining', createInFlight: true, electionZnode: null, watching: null, role: 'candidate' },
    commands: [...prefix, { type: 'create', sessionId: state.sessionId, candidateId: state.candidateId }],
  };
}

/** Graceful stop: delete our znode (the successor's watch fires now) and close the session. */
function finishStop(state: ElectionState): Step {
  const commands: Command[] = [];
  if (state.electionZnode && state.sessionId && state.connected) {
    commands.push({ type: 'delete', sessionId: state.sessionId, znode: state.electionZnode });
  }
  commands.push({ type: 'closeSession' });
  return { state: { ...state, lifecycle: 'stopped', phase: 'stopped', electionZnode: null }, commands };
}

function publish(state: ElectionState): Command[] {
  if (!state.sessionId || !state.electionZnode) return [];
  return [{ type: 'publishStatus', sessionId: state.sessionId }];
}

export function step(state: ElectionState, event: ElectionEvent): Step {
  if (state.lifecycle === 'stopped' && event.type !== 'closed') return { state, commands: [] };

  switch (event.type) {
    case 'connected': {
      if (event.reconnected && state.sessionId === event.sessionId) {
        // Same session back: our ephemerals may still be there; find out where we stand again.
        const next = { ...state, connected: true };
        if (next.lifecycle === 'stopping') return next.createInFlight ? { state: next, commands: [] } : finishStop(next);
        if (next.createInFlight) return { state: next, commands: [] };
        return decide(next);
      }
      // A new session: everything the old one owned is gone or going; start over under a new prefix.
      const fresh: ElectionState = {
        ...state,
        sessionId: event.sessionId,
        connected: true,
        candidateId: event.candidateId,
        electionZnode: null,
        createInFlight: false,
        createUncertain: false,
        watching: null,
        role: 'candidate',
      };
      const stopped = stopActing(fresh, 'new session');
      if (fresh.lifecycle === 'stopping') {
        const fin = finishStop(stopped.state);
        return { state: fin.state, commands: [...stopped.commands, ...fin.commands] };
      }
      return join(stopped.state, stopped.commands);
    }

    case 'suspended': {
      // We may already have been replaced; stop acting at once, decide again when reconnected.
      const next = stopActing({ ...state, connected: false }, 'connection suspended');
      return next;
    }

    case 'lost': {
      const next = stopActing({ ...state, ...WITHOUT_SESSION, phase: state.lifecycle === 'running' ? 'connecting' : state.phase }, 'session lost');
      if (state.lifecycle === 'stopping')
        return { state: { ...next.state, lifecycle: 'stopped', phase: 'stopped' }, commands: [...next.commands, { type: 'closeSession' }] };
      return next;
    }

    case 'stop': {
      if (state.lifecycle !== 'running') return { state, commands: [] };
      const next = stopActing({ ...state, lifecycle: 'stopping' }, 'stopping');
      // A create in flight must finish first so we can delete what it made.
      if (next.state.createInFlight) return next;
      const fin = finishStop(next.state);
      return { state: fin.state, commands: [...next.commands, ...fin.commands] };
    }

    case 'created': {
      if (!current(state, event.sessionId)) return { state, commands: [] };
      const next = { ...state, createInFlight: false };
      if (event.rc === ZOK && event.znode) {
        const znode = event.znode.slice(event.znode.lastIndexOf('/') + 1);
        const created = { ...next, electionZnode: znode, createUncertain: false };
        if (created.lifecycle === 'stopping') return finishStop(created);
        return decide(created);
      }
      if (next.lifecycle === 'stopping') return finishStop(next);
      if (event.rc === ZNONODE) {
        return { state: next, commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: 'create' }] };
      }
      if (isConnectionProblem(event.rc)) {
        // The reply was lost, not necessarily the create. On reconnect the list tells us which.
        return { state: { ...next, createUncertain: true }, commands: [] };
      }
      // Unexpected: try again from the top when the next decision runs.
      return decide({ ...next, createUncertain: true });
    }

    case 'parentsEnsured': {
      if (!current(state, event.sessionId) || state.lifecycle !== 'running') return { state, commands: [] };
      if (event.rc !== ZOK) return { state, commands: [] }; // connection problem: reconnect re-decides
      if (event.then === 'create') return join(state);
      if (state.electionZnode) {
        return { state, commands: [{ type: 'register', sessionId: event.sessionId, registry: event.then, znode: state.electionZnode }] };
      }
      return { state, commands: [] };
    }

    case 'listed': {
      if (!current(state, event.sessionId) || event.epoch !== state.epoch || state.lifecycle !== 'running') {
        return { state, commands: [] };
      }
      if (event.rc === ZNONODE) {
        // /election itself vanished (e.g. data wiped): re-create parents and join.
        if (state.createInFlight) return { state, commands: [] };
        const gone = stopActing({ ...state, electionZnode: null, role: 'candidate', watching: null }, 'election parent missing');
        return { state: { ...gone.state, phase: 'joining' }, commands: [...gone.commands, { type: 'ensureParents', sessionId: event.sessionId, then: 'create' }] };
      }
      if (event.rc !== ZOK || !event.children) return { state, commands: [] };
      const candidates = event.children
        .map(parseElectionZnode)
        .filter((c): c is NonNullable<typeof c> => c !== null)
        .sort(compareBySequence);
      const mineIndex = candidates.findIndex((c) => c.candidateId === state.candidateId);
      if (mineIndex < 0) {
        if (state.createInFlight) return { state, commands: [] }; // its answer is on the way
        // Our znode is missing (never created, or deleted under us): join again. Never assume we lead.
        const missing = stopActing({ ...state, createUncertain: false }, 'own znode missing');
        const cleanup: Command[] = [];
        if (state.electionZnode && state.sessionId) {
          for (const registry of ['coordinators', 'workers'] as const) {
            cleanup.push({ type: 'unregister', sessionId: state.sessionId, registry, znode: state.electionZnode });
          }
        }
        return join(missing.state, [...missing.commands, ...cleanup]);
      }
      const mine = candidates[mineIndex]!;
      const adopted = { ...state, electionZnode: mine.name, createUncertain: false };
      if (mineIndex === 0) {
        // Lowest sequence. Confirm the znode is owned by this very session before claiming anything.
        return {
          state: { ...adopted, phase: 'deciding' },
          commands: [{ type: 'checkOwner', sessionId: event.sessionId, epoch: state.epoch, znode: mine.name }],
        };
      }
      const predecessor = candidates[mineIndex - 1]!.name;
      const demoted = adopted.role === 'leader' ? stopActing(adopted, 'no longer lowest') : { state: adopted, commands: [] };
      const commands: Command[] = [...demoted.commands];
      if (adopted.role === 'leader') {
        commands.push({ type: 'unregister', sessionId: event.sessionId, registry: 'coordinators', znode: mine.name });
      }
      return {
        state: { ...demoted.state, role: 'worker', phase: 'following' },
        commands: [
          ...commands,
          { type: 'watch', sessionId: event.sessionId, epoch: state.epoch, znode: predecessor },
          { type: 'register', sessionId: event.sessionId, registry: 'workers', znode: mine.name },
        ],
      };
    }

    case 'watchSet': {
      if (!current(state, event.sessionId) || event.epoch !== state.epoch) return { state, commands: [] };
      if (event.rc === ZOK) {
        const next = { ...state, watching: event.znode };
        return { state: next, commands: publish(next) };
      }
      if (event.rc === ZNONODE) return decide(state); // predecessor already gone: look again
      return { state, commands: [] }; // connection problem: the reconnect decides again
    }

    case 'predecessorDeleted': {
      if (!current(state, event.sessionId) || event.znode !== state.watching) return { state, commands: [] };
      // Keep `watching` as it is until the next decision: that stale moment is real and shown.
      return decide(state);
    }

    case 'predecessorChanged': {
      if (!current(state, event.sessionId) || event.znode !== state.watching) return { state, commands: [] };
      return { state, commands: [{ type: 'watch', sessionId: event.sessionId, epoch: state.epoch, znode: event.znode }] };
    }

    case 'ownerChecked': {
      if (!current(state, event.sessionId) || event.epoch !== state.epoch || state.lifecycle !== 'running') {
        return { state, commands: [] };
      }
      if (event.rc === ZNONODE) return decide(state);
      if (event.rc !== ZOK) return { state, commands: [] };
      if (event.ephemeralOwner !== state.sessionId) {
        return { state: { ...state, electionZnode: null }, commands: [{ type: 'restartSession', reason: 'election znode owned by another session' }] };
      }
      const znode = state.electionZnode!;
      const next: ElectionState = { ...state, role: 'leader', watching: null, phase: 'leading' };
      return {
        state: next,
        commands: [
          // A promoted worker leaves the workers registry before it appears as coordinator.
          { type: 'unregister', sessionId: event.sessionId, registry: 'workers', znode },
          { type: 'register', sessionId: event.sessionId, registry: 'coordinators', znode },
          ...publish(next),
        ],
      };
    }

    case 'registered': {
      if (!current(state, event.sessionId) || state.lifecycle !== 'running') return { state, commands: [] };
      if (event.rc === ZNONODE) {
        return { state, commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: event.registry }] };
      }
      const ok = event.rc === ZOK || event.rc === ZNODEEXISTS;
      if (!ok) return { state, commands: [] };
      if (event.registry === 'coordinators' && state.role === 'leader' && state.connected && !state.acting && state.electionZnode) {
        return { state: { ...state, acting: true }, commands: [{ type: 'startActing', znode: state.electionZnode }] };
      }
      return { state, commands: [] };
    }

    case 'closed':
      return { state: { ...state, lifecycle: 'stopped', phase: 'stopped', connected: false, acting: false }, commands: [] };
  }
}
