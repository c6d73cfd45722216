/**
 * The election and registry logic as a pure state machine.
 *
 * Every ZooKeeper callback, watch and session change becomes an `ElectionEvent`; `step` returns the
 * next state and the `Command`s to run. Nothing here does I/O, reads a clock or draws a random
 * number, so every interleaving can be replayed in a unit test. The shape follows Curator's
 * LeaderLatch: whatever happened, we go back to one question — "list the children, where am I?" —
 * and never assume leadership from an event alone; and etcd raft's `Step`: the checks every event
 * shares run once, first (`aboutCurrentAttempt`), then exactly one named handler per event.
 *
 * Leadership (acting: serving the stream, routing kills) changes in one place, `setLeadership`.
 *
 * Two recipes (shared/src/recipes.ts) differ only in what a decision watches: `predecessor` sets a
 * data watch on the znode below ours; `herd` lists the children with a child watch, so every change
 * of /election wakes us and we decide again. Everything else (ownership check, registries, acting)
 * is the same code, so both are exactly as safe. A switch keeps the session and the znode: it only
 * decides again under the new recipe (the old recipe's watch cannot be removed with this client;
 * when it fires, `aboutCurrentAttempt` drops it).
 */
import { DEFAULT_RECIPE, compareBySequence, parseElectionZnode, type NodeRole, type Recipe, type Safeguard } from '@zkviz/shared';
import { ZNODEEXISTS, ZNONODE, ZOK, isConnectionProblem } from '@zkviz/shared/zk';

export type Registry = 'coordinators' | 'workers';

export type Lifecycle = 'running' | 'stopping' | 'stopped';

/** Where we are in the election, from the point of view of this node (derived: `electionPhase`). */
export type ElectionPhase =
  /** No usable session (not yet connected, or the last one was lost). */
  | 'connecting'
  /** Our election znode is being created (or we do not know it yet). */
  | 'joining'
  /** Children are being listed / ownership checked: deciding who we are. */
  | 'deciding'
  /** A worker with its watch set (on its predecessor, or on /election's children under `herd`). */
  | 'following'
  /** Lowest znode, ownership confirmed. Acting as leader once registered and connected. */
  | 'leading'
  | 'stopped';

export interface ElectionState {
  lifecycle: Lifecycle;
  /** Current session, if any; results of commands issued under another session are ignored. */
  sessionId: string | null;
  connected: boolean;
  /** We stopped trusting a connected session (after a freeze) until a round trip confirms it. */
  rechecking: boolean;
  /** Unique prefix of our election znode for this session (protected create). */
  candidateId: string | null;
  /** Name (not path) of our election znode, once known. */
  electionZnode: string | null;
  createInFlight: boolean;
  /** A decision (list, then the owner check) is under way; `role` is the last one's outcome. */
  deciding: boolean;
  /** The predecessor our watch is actually set on (may be briefly stale after it dies). */
  watching: string | null;
  /**
   * The last decision put us right behind the lowest candidate: we take over if it goes. The node
   * keeps its leader-to-be view warm meanwhile, so acting does not start with a cold read.
   */
  nextInLine: boolean;
  /**
   * Our coordinators entry was written ahead of the decision (`'sent'`; `'written'` once ZooKeeper
   * said so): next in line when the lowest went, we send it right behind the listing instead of one
   * round trip after it. Acting still waits for the decision and the owner check; a decision that
   * does not make us leader deletes the entry. See predecessorDeleted.
   */
  earlyEntry: 'none' | 'sent' | 'written';
  /** The outcome of the last decision: what we publish in our registry entry. */
  role: NodeRole | 'candidate';
  /** Leader duties (serving the cluster stream, routing kills) are on, as `electionZnode`; changed only by setLeadership. */
  acting: boolean;
  /** Decision generation: results of an older decision are ignored. */
  epoch: number;
  /** Which recipe decisions follow; the cluster's, from the recipe znode (kept across sessions). */
  recipe: Recipe;
}

/** What happened to the session, the process or the cluster's recipe: always handled (unless stopped). */
export type SessionEvent =
  | { type: 'connected'; sessionId: string; reconnected: boolean; candidateId: string }
  | { type: 'suspended' }
  | { type: 'lost' }
  /** The process may have been frozen: stop trusting the session until a round trip confirms it. */
  | { type: 'recheck'; reason: string }
  | { type: 'stop' }
  | { type: 'closed' }
  /** The recipe znode says the cluster runs this recipe now. */
  | { type: 'recipeChanged'; recipe: Recipe };

/** Answers to our commands and watch notifications: handled only if about the current attempt. */
export type ResultEvent =
  | { type: 'created'; sessionId: string; rc: number; znode?: string }
  | { type: 'parentsEnsured'; sessionId: string; rc: number; then: 'create' | Registry }
  | { type: 'listed'; sessionId: string; epoch: number; rc: number; children?: string[] }
  | { type: 'ownerChecked'; sessionId: string; epoch: number; rc: number; ephemeralOwner?: string }
  | { type: 'watchSet'; sessionId: string; epoch: number; znode: string; rc: number }
  | { type: 'predecessorDeleted'; sessionId: string; znode: string }
  /** A data watch also fires when the predecessor's data changes; the watch must then be set again. */
  | { type: 'predecessorChanged'; sessionId: string; znode: string }
  /** The predecessor's workers entry was deleted: it was promoted (or is going). */
  | { type: 'predecessorLeftWorkers'; sessionId: string; znode: string }
  /** The answer to `checkPredecessorLeads`: ZOK when the predecessor has a coordinators entry. */
  | { type: 'predecessorLeads'; sessionId: string; epoch: number; znode: string; rc: number }
  /** Under `herd`: the child watch on /election fired (any child came or went). */
  | { type: 'childrenChanged'; sessionId: string }
  | { type: 'registered'; sessionId: string; registry: Registry; rc: number }
  /** The round trip a `recheck` asked for came back. */
  | { type: 'sessionConfirmed'; sessionId: string; rc: number };

export type ElectionEvent = SessionEvent | ResultEvent;

/** What we publish about ourselves in our registry entry (the driver adds identity and times). */
export interface PublishedStatus {
  role: NodeRole | 'candidate';
  watching: string | null;
  sessionId: string;
}

export type Command =
  | { type: 'ensureParents'; sessionId: string; then: 'create' | Registry }
  | { type: 'create'; sessionId: string; candidateId: string }
  /** `watchChildren` (herd only): the same read arms the child watch on /election. */
  | { type: 'list'; sessionId: string; epoch: number; watchChildren?: true }
  | { type: 'checkOwner'; sessionId: string; epoch: number; znode: string }
  /** Also watches the predecessor's workers entry (its deletion: `predecessorLeftWorkers`). */
  | { type: 'watch'; sessionId: string; epoch: number; znode: string }
  /** Reads whether the predecessor has a coordinators entry (answered with `predecessorLeads`). */
  | { type: 'checkPredecessorLeads'; sessionId: string; epoch: number; znode: string }
  /** `early`: sent right behind the `list` before it, without waiting for the listing (FIFO order keeps it behind). */
  | { type: 'register'; sessionId: string; registry: Registry; znode: string; status: PublishedStatus; early?: true }
  | { type: 'unregister'; sessionId: string; registry: Registry; znode: string; early?: true }
  /** Write our status (role, what we watch) into our registry entry. */
  | { type: 'publishStatus'; sessionId: string; registry: Registry; znode: string; status: PublishedStatus }
  | { type: 'delete'; sessionId: string; znode: string }
  /** A round trip to ZooKeeper that proves the session alive (answered with `sessionConfirmed`). */
  | { type: 'confirmSession'; sessionId: string; reason: string }
  | { type: 'startActing'; znode: string }
  | { type: 'stopActing'; znode: string; reason: string }
  /** Our znode is not owned by our session: give this session up and start over with a new one. */
  | { type: 'restartSession'; reason: string }
  | { type: 'closeSession' };

export interface Step {
  state: ElectionState;
  commands: Command[];
}

/** Safeguards switched off for a fault test (see shared/src/safeguards.ts); none by default. */
export type DisabledSafeguards = ReadonlySet<Safeguard>;
const ALL_SAFEGUARDS_ON: DisabledSafeguards = new Set();

/** Everything a session owns; forgotten together when the session goes. */
const WITHOUT_SESSION = {
  sessionId: null,
  connected: false,
  rechecking: false,
  candidateId: null,
  electionZnode: null,
  createInFlight: false,
  deciding: false,
  watching: null,
  nextInLine: false,
  earlyEntry: 'none',
  role: 'candidate',
} as const satisfies Partial<ElectionState>;

export const initialElectionState: ElectionState = {
  lifecycle: 'running',
  ...WITHOUT_SESSION,
  acting: false,
  epoch: 0,
  recipe: DEFAULT_RECIPE,
};

export function electionPhase(state: ElectionState): ElectionPhase {
  if (state.lifecycle === 'stopped') return 'stopped';
  if (!state.sessionId) return 'connecting';
  if (state.createInFlight || !state.electionZnode) return 'joining';
  if (state.deciding || state.role === 'candidate') return 'deciding';
  return state.role === 'leader' ? 'leading' : 'following';
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const unchanged = (state: ElectionState): Step => ({ state, commands: [] });

/** Runs `next` on the state `first` left, keeping both steps' commands in order. */
function then(first: Step, next: (state: ElectionState) => Step): Step {
  const second = next(first.state);
  return { state: second.state, commands: [...first.commands, ...second.commands] };
}

/**
 * The one place leadership changes: a command only when it really changes, naming the znode we
 * act (or acted) as. Call it before the state forgets that znode.
 */
function setLeadership(state: ElectionState, acting: boolean, reason: string): Step {
  const znode = state.electionZnode;
  if (state.acting === acting || !znode) return unchanged(state);
  const command: Command = acting ? { type: 'startActing', znode } : { type: 'stopActing', znode, reason };
  return { state: { ...state, acting }, commands: [command] };
}

/** Starts a fresh decision: list the children (a new epoch makes older answers irrelevant). */
function decide(state: ElectionState): Step {
  if (!state.sessionId || !state.connected) return unchanged(state);
  const epoch = state.epoch + 1;
  const list: Command = { type: 'list', sessionId: state.sessionId, epoch, ...(state.recipe === 'herd' ? { watchChildren: true as const } : {}) };
  return { state: { ...state, epoch, deciding: true }, commands: [list] };
}

function join(state: ElectionState): Step {
  if (!state.sessionId || !state.candidateId || !state.connected || state.lifecycle !== 'running') return unchanged(state);
  return {
    state: { ...state, createInFlight: true, deciding: false, electionZnode: null, watching: null, nextInLine: false, earlyEntry: 'none', role: 'candidate' },
    commands: [{ type: 'create', sessionId: state.sessionId, candidateId: state.candidateId }],
  };
}

/** The same session is usable again (reconnected, or confirmed after a recheck): decide again. */
function resume(state: ElectionState, off: DisabledSafeguards): Step {
  if (state.lifecycle === 'stopping') return state.createInFlight ? unchanged(state) : finishStop(state, off);
  // A create in flight will answer, and its answer decides.
  return state.createInFlight ? unchanged(state) : decide(state);
}

/** Graceful stop: delete our znode (the successor's watch fires now) and close the session. */
function finishStop(state: ElectionState, off: DisabledSafeguards): Step {
  const commands: Command[] = [];
  if (!off.has('graceful-delete')) {
    if (state.electionZnode && state.sessionId && state.connected) {
      commands.push({ type: 'delete', sessionId: state.sessionId, znode: state.electionZnode });
    }
    commands.push({ type: 'closeSession' });
  }
  return { state: { ...state, lifecycle: 'stopped', electionZnode: null }, commands };
}

/** Adds our entry to a registry, with the status that is true now. */
function register(state: ElectionState, registry: Registry): Command[] {
  const { sessionId, electionZnode: znode, role, watching } = state;
  if (!sessionId || !znode) return [];
  return [{ type: 'register', sessionId, registry, znode, status: { role, watching, sessionId } }];
}

/**
 * A promotion's registry writes: the workers entry leaves before the coordinators entry appears,
 * so no moment shows us in both. `early`: sent ahead of the decision (predecessorDeleted).
 */
function promotion(sessionId: string, znode: string, early: boolean): Command[] {
  const ahead = early ? { early: true as const } : {};
  return [
    { type: 'unregister', sessionId, registry: 'workers', znode, ...ahead },
    { type: 'register', sessionId, registry: 'coordinators', znode, status: { role: 'leader', watching: null, sessionId }, ...ahead },
  ];
}

/** Rewrites our entry in the registry our role puts it in (the driver skips an unchanged status). */
function publish(state: ElectionState): Command[] {
  const { sessionId, electionZnode: znode, role, watching } = state;
  if (!sessionId || !znode || role === 'candidate') return [];
  const registry: Registry = role === 'leader' ? 'coordinators' : 'workers';
  return [{ type: 'publishStatus', sessionId, registry, znode, status: { role, watching, sessionId } }];
}

// ---------------------------------------------------------------------------------------------
// The uniform check

const PREDECESSOR_EVENTS = new Set<string>(['predecessorDeleted', 'predecessorChanged', 'predecessorLeftWorkers', 'predecessorLeads']);

/**
 * True when a result is about the attempt we are making now: the current session, the current
 * decision (epoch) for answers that carry one, the predecessor we watch for watch notifications.
 * While stopping, only the answer to a create in flight still matters (we delete what it made).
 */
function aboutCurrentAttempt(state: ElectionState, event: ResultEvent): boolean {
  if (event.sessionId !== state.sessionId) return false;
  if ('epoch' in event && event.epoch !== state.epoch) return false;
  if ('znode' in event && PREDECESSOR_EVENTS.has(event.type) && event.znode !== state.watching) return false;
  // A child watch armed under `herd` still fires once after a switch to `predecessor`: not ours any more.
  if (event.type === 'childrenChanged' && state.recipe !== 'herd') return false;
  return state.lifecycle === 'running' || event.type === 'created';
}

// ---------------------------------------------------------------------------------------------
// One handler per event

type Handler<E> = (state: ElectionState, event: E, off: DisabledSafeguards) => Step;
type Handlers<E extends { type: string }> = { [K in E['type']]: Handler<Extract<E, { type: K }>> };

const onSession: Handlers<SessionEvent> = {
  connected(state, event, off) {
    if (event.reconnected && state.sessionId === event.sessionId) {
      // Same session back: our ephemerals may still be there; find out where we stand again.
      return resume({ ...state, connected: true, rechecking: false }, off);
    }
    // A new session: everything the old one owned is gone or going; start over under a new prefix.
    return then(setLeadership(state, false, 'new session'), (s) => {
      const fresh: ElectionState = { ...s, ...WITHOUT_SESSION, sessionId: event.sessionId, connected: true, candidateId: event.candidateId };
      return fresh.lifecycle === 'stopping' ? finishStop(fresh, off) : join(fresh);
    });
  },

  suspended(state, _event, off) {
    // We may already have been replaced; stop acting at once, decide again when reconnected.
    const next = { ...state, connected: false, rechecking: false };
    return off.has('stop-acting-on-suspended') ? unchanged(next) : setLeadership(next, false, 'connection suspended');
  },

  recheck(state, event) {
    if (!state.sessionId || !state.connected || state.lifecycle !== 'running') return unchanged(state);
    const next = setLeadership({ ...state, connected: false, rechecking: true }, false, `recheck: ${event.reason}`);
    return { state: next.state, commands: [...next.commands, { type: 'confirmSession', sessionId: state.sessionId, reason: event.reason }] };
  },

  lost(state) {
    const gone = then(setLeadership(state, false, 'session lost'), (s) => unchanged({ ...s, ...WITHOUT_SESSION }));
    if (state.lifecycle !== 'stopping') return gone;
    return { state: { ...gone.state, lifecycle: 'stopped' }, commands: [...gone.commands, { type: 'closeSession' }] };
  },

  stop(state, _event, off) {
    if (state.lifecycle !== 'running') return unchanged(state);
    const stopping = setLeadership({ ...state, lifecycle: 'stopping' }, false, 'stopping');
    // A create in flight must finish first so we can delete what it made.
    if (stopping.state.createInFlight && !off.has('stop-waits-for-create')) return stopping;
    return then(stopping, (s) => finishStop(s, off));
  },

  closed(state) {
    return then(setLeadership(state, false, 'session closed'), (s) => unchanged({ ...s, lifecycle: 'stopped', connected: false }));
  },

  recipeChanged(state, event) {
    if (state.recipe === event.recipe) return unchanged(state);
    const next = { ...state, recipe: event.recipe };
    // Same session, same znode: only the watch changes, so decide again under the new recipe. Not
    // while joining (the create's answer decides) nor while stopping.
    if (next.lifecycle !== 'running' || next.createInFlight || !next.electionZnode) return unchanged(next);
    return decide(next);
  },
};

const onResult: Handlers<ResultEvent> = {
  created(state, event, off) {
    const next = { ...state, createInFlight: false };
    if (event.rc === ZOK && event.znode) {
      const created = { ...next, electionZnode: event.znode.slice(event.znode.lastIndexOf('/') + 1) };
      return created.lifecycle === 'stopping' ? finishStop(created, off) : decide(created);
    }
    if (next.lifecycle === 'stopping') return finishStop(next, off);
    if (event.rc === ZNONODE) {
      if (off.has('parents-recreated')) return unchanged(next);
      return { state: next, commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: 'create' }] };
    }
    // The reply was lost, not necessarily the create: on reconnect the list tells us which (our
    // prefix is either there or not), so nothing needs remembering here.
    if (isConnectionProblem(event.rc)) return unchanged(next);
    // Unexpected: try again from the top.
    return decide(next);
  },

  parentsEnsured(state, event) {
    if (event.rc !== ZOK) return unchanged(state); // connection problem: reconnect re-decides
    if (event.then === 'create') return join(state);
    return { state, commands: register(state, event.then) };
  },

  listed(state, event, off) {
    if (event.rc === ZNONODE) {
      // /election itself vanished (e.g. data wiped): re-create parents and join.
      if (state.createInFlight || off.has('parents-recreated')) return unchanged(state);
      return then(setLeadership(state, false, 'election parent missing'), (s) => ({
        state: { ...s, electionZnode: null, role: 'candidate', watching: null, nextInLine: false, earlyEntry: 'none', deciding: false },
        commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: 'create' }],
      }));
    }
    if (event.rc !== ZOK || !event.children) return unchanged(state);
    const candidates = event.children
      .map(parseElectionZnode)
      .filter((c): c is NonNullable<typeof c> => c !== null)
      .sort(compareBySequence);
    const mineIndex = off.has('protected-create-adoption')
      ? candidates.findIndex((c) => c.name === state.electionZnode)
      : candidates.findIndex((c) => c.candidateId === state.candidateId);

    if (mineIndex < 0) {
      if (state.createInFlight) return unchanged(state); // its answer is on the way
      // Our znode is missing (never created, or deleted under us): join again. Never assume we lead.
      return then(setLeadership(state, false, 'own znode missing'), (s) => {
        const cleanup: Command[] = [];
        if (s.electionZnode && s.sessionId) {
          for (const registry of ['coordinators', 'workers'] as const)
            cleanup.push({ type: 'unregister', sessionId: s.sessionId, registry, znode: s.electionZnode });
        }
        const joined = join(s);
        return { state: joined.state, commands: [...cleanup, ...joined.commands] };
      });
    }

    const mine = candidates[mineIndex]!;
    const adopted = { ...state, electionZnode: mine.name };
    if (mineIndex === 0) {
      // Lowest sequence. Confirm the znode is owned by this very session before claiming anything.
      return { state: adopted, commands: [{ type: 'checkOwner', sessionId: event.sessionId, epoch: state.epoch, znode: mine.name }] };
    }
    const predecessor = candidates[mineIndex - 1]!.name;
    const wasLeader = adopted.role === 'leader' || adopted.earlyEntry !== 'none';
    return then(setLeadership({ ...adopted, earlyEntry: 'none' }, false, 'no longer lowest'), (s) => {
      const leave: Command[] = wasLeader ? [{ type: 'unregister', sessionId: event.sessionId, registry: 'coordinators', znode: mine.name }] : [];
      if (s.recipe === 'herd') {
        // The list itself armed the child watch: nothing more to watch, and nothing named.
        const worker = { ...s, role: 'worker' as const, deciding: false, watching: null, nextInLine: mineIndex === 1 };
        return { state: worker, commands: [...leave, ...register(worker, 'workers'), ...publish(worker)] };
      }
      const worker = { ...s, role: 'worker' as const, deciding: false, nextInLine: mineIndex === 1 };
      return {
        state: worker,
        commands: [...leave, { type: 'watch', sessionId: event.sessionId, epoch: state.epoch, znode: predecessor }, ...register(worker, 'workers')],
      };
    });
  },

  ownerChecked(state, event, off) {
    if (event.rc === ZNONODE) return decide(state);
    if (event.rc !== ZOK) return unchanged(state);
    if (event.ephemeralOwner !== state.sessionId && !off.has('ownership-check')) {
      const reason = 'election znode owned by another session';
      return then(setLeadership(state, false, reason), (s) => ({ state: { ...s, electionZnode: null }, commands: [{ type: 'restartSession', reason }] }));
    }
    const znode = state.electionZnode!;
    const leader: ElectionState = { ...state, role: 'leader', watching: null, deciding: false, nextInLine: false, earlyEntry: 'none' };
    // The entry went out ahead: act now if ZooKeeper has confirmed it, else when it does (registered).
    if (state.earlyEntry === 'written') return then({ state: leader, commands: publish(leader) }, (s) => setLeadership(s, true, 'elected'));
    if (state.earlyEntry === 'sent') return { state: leader, commands: publish(leader) };
    return { state: leader, commands: [...promotion(event.sessionId, znode, false), ...publish(leader)] };
  },

  watchSet(state, event, off) {
    if (event.rc === ZOK) {
      const next = { ...state, watching: event.znode };
      return { state: next, commands: publish(next) };
    }
    if (event.rc === ZNONODE && !off.has('watch-nonode-redecide')) return decide(state); // predecessor already gone: look again
    return unchanged(state); // connection problem: the reconnect decides again
  },

  predecessorDeleted(state, _event, off) {
    // Keep `watching` as it is until the next decision: that stale moment is real and shown.
    if (off.has('predecessor-deleted-redecide')) return unchanged(state);
    const decision = decide(state);
    const { sessionId, electionZnode: znode } = state;
    // The lowest went and we were right behind it: sequences only grow, so unless something odd
    // happened (the decision and the owner check still find out) we are the lowest now. Our
    // coordinators entry goes out with the listing, not a round trip after it; the worker entry
    // leaves first, as at any promotion.
    if (!state.nextInLine || !znode || !sessionId || decision.commands.length === 0) return decision;
    return { state: { ...decision.state, earlyEntry: 'sent' }, commands: [...decision.commands, ...promotion(sessionId, znode, true)] };
  },

  predecessorLeftWorkers(state, event) {
    // Promoted, or going (a crash's expiry deletes all its entries at once): the coordinators
    // entry tells which. Only while following it settled; a decision in flight finds out itself.
    if (state.deciding || state.role !== 'worker' || state.nextInLine) return unchanged(state);
    return { state, commands: [{ type: 'checkPredecessorLeads', sessionId: event.sessionId, epoch: state.epoch, znode: event.znode }] };
  },

  predecessorLeads(state, event) {
    // Our predecessor leads, so we are right behind the lowest: next in line, without a new listing.
    if (event.rc !== ZOK || state.deciding || state.role !== 'worker') return unchanged(state);
    return unchanged({ ...state, nextInLine: true });
  },

  predecessorChanged(state, event) {
    return { state, commands: [{ type: 'watch', sessionId: event.sessionId, epoch: state.epoch, znode: event.znode }] };
  },

  childrenChanged(state, _event, off) {
    // The herd: every candidate re-reads the whole list on every change (the lowest leads).
    return off.has('predecessor-deleted-redecide') ? unchanged(state) : decide(state);
  },

  registered(state, event) {
    if (event.rc === ZNONODE) return { state, commands: [{ type: 'ensureParents', sessionId: event.sessionId, then: event.registry }] };
    const early = event.registry === 'coordinators' && state.earlyEntry === 'sent';
    // An early entry whose create failed (connection trouble): the decision registers as usual.
    if (event.rc !== ZOK && event.rc !== ZNODEEXISTS) return early ? unchanged({ ...state, earlyEntry: 'none' }) : unchanged(state);
    // Written ahead of the decision: remembered; the owner check acts on it (ownerChecked).
    if (early) return unchanged({ ...state, earlyEntry: 'written' });
    // Act only once the coordinators entry exists, and only while still the connected leader.
    if (event.registry !== 'coordinators' || state.role !== 'leader' || !state.connected) return unchanged(state);
    return setLeadership(state, true, 'elected');
  },

  sessionConfirmed(state, event, off) {
    // A real suspension or reconnect since the recheck cleared `rechecking`: they decide instead.
    if (!state.rechecking || event.rc !== ZOK) return unchanged(state);
    return resume({ ...state, connected: true, rechecking: false }, off);
  },
};

const RESULT_TYPES = new Set<string>(Object.keys(onResult));
const isResult = (event: ElectionEvent): event is ResultEvent => RESULT_TYPES.has(event.type);

export function step(state: ElectionState, event: ElectionEvent, off: DisabledSafeguards = ALL_SAFEGUARDS_ON): Step {
  if (state.lifecycle === 'stopped' && event.type !== 'closed') return unchanged(state);
  if (isResult(event)) {
    if (!aboutCurrentAttempt(state, event)) return unchanged(state);
    return (onResult[event.type] as Handler<ResultEvent>)(state, event, off);
  }
  return (onSession[event.type] as Handler<SessionEvent>)(state, event, off);
}
