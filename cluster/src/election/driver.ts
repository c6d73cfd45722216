/**
 * Runs the pure election machine against a real ZooKeeper connection.
 *
 * Session events and operation results are turned into machine events; the machine's commands are
 * run here, in order. ZooKeeper executes a session's requests in the order they were sent (FIFO
 * client order), so a request whose answer nothing waits for (unregister) is sent without waiting
 * for its answer: the next one (register) still runs after it on the server, one round trip
 * sooner. Acting changes never wait in that queue: a suspended leader must stop acting at once,
 * even while an operation hangs on the lost connection.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  COORDINATORS_REGISTRY_PATH,
  ELECTION_PATH,
  ELECTION_ZNODE_INFIX,
  WORKERS_REGISTRY_PATH,
  disabledSafeguards,
  parseElectionZnode,
  type ElectionZnodeData,
  type Recipe,
  type RegistryEntry,
} from '@zkviz/shared';
import { ZNONODE, ZOO_EPHEMERAL, ZOO_EPHEMERAL_SEQUENTIAL, ZOK, rcName, type WatchEventKind, type ZkConnection } from '@zkviz/shared/zk';
import {
  electionPhase,
  initialElectionState,
  step,
  type Command,
  type ElectionEvent,
  type ElectionPhase,
  type ElectionState,
  type PublishedStatus,
  type Registry,
} from './machine.js';

export const REGISTRY_PATHS: Record<Registry, string> = {
  coordinators: COORDINATORS_REGISTRY_PATH,
  workers: WORKERS_REGISTRY_PATH,
};

export interface ElectionIdentity {
  address: string;
  startedAt: number;
  pid: number;
}

export type ElectionLog = (ev: string, fields?: Record<string, unknown>) => void;

/** How many of the latest election-watch fires a node keeps (NodeSelfStatus.wokenAt). */
export const WAKEUPS_KEPT = 32;

export interface ElectionEvents {
  /** Leader duties on or off, as the election znode (its sequence is the fencing token) we act as. */
  acting: [acting: boolean, electionZnode: string, reason: string];
  /** Any state change. */
  state: [state: ElectionState];
  /** The session was closed after a stop. */
  closed: [];
}

export class Election extends EventEmitter<ElectionEvents> {
  private machine: ElectionState = initialElectionState;
  private queue: Command[] = [];
  private pumping = false;
  /**
   * Last entry data ZooKeeper confirmed per registry path: the new leader's first snapshot uses
   * it, and a status that is the same without the times (withoutTimes) is not written again.
   */
  private written = new Map<string, string>();
  /**
   * Epoch ms of the latest fires of an election watch (the predecessor's deletion, or /election's
   * children under `herd`), newest last: what woke this node. The gateway reads them to count the
   * nodes a failover woke. Every fire counts, even one the machine then drops as stale.
   */
  private readonly woken: number[] = [];
  /**
   * The session whose child watch on /election is armed. ZooKeeper keeps one watch per path and
   * session, but the C client calls every callback registered for it: arming one per list would
   * multiply the wake-ups (and the reads that follow) with every decision.
   */
  private childWatchFor: string | null = null;
  /** `session/znode` whose workers entry carries our data watch (see watchPredecessorEntry). */
  private entryWatchFor: string | null = null;
  /**
   * The read of our own znode sent right behind a listing (see `list`): if that listing makes us
   * the lowest, the owner check it leads to answers from this read instead of a new round trip.
   */
  private ownerRead: { sessionId: string; epoch: number; znode: string; result: ReturnType<ZkConnection['getData']> } | null = null;

  constructor(
    private readonly zk: ZkConnection,
    private readonly identity: ElectionIdentity,
    private readonly log: ElectionLog,
    recipe: Recipe = initialElectionState.recipe,
  ) {
    super();
    this.machine = { ...initialElectionState, recipe };
    zk.on('connected', (session, reconnected) => {
      if (!reconnected) this.written.clear();
      this.dispatch({ type: 'connected', sessionId: session.id, reconnected, candidateId: randomBytes(16).toString('hex') });
    });
    zk.on('suspended', () => this.dispatch({ type: 'suspended' }));
    zk.on('lost', () => {
      this.written.clear();
      this.dispatch({ type: 'lost' });
    });
  }

  get state(): ElectionState {
    return this.machine;
  }

  get phase(): ElectionPhase {
    return electionPhase(this.machine);
  }

  /** Epoch ms of the latest election-watch fires, oldest first (at most WAKEUPS_KEPT). */
  /** The data of our entry in `registry` as ZooKeeper last confirmed it, or null (none, or not in this session). */
  writtenEntry(registry: Registry, znode: string): string | null {
    return this.written.get(`${REGISTRY_PATHS[registry]}/${znode}`) ?? null;
  }

  get wokenAt(): readonly number[] {
    return this.woken;
  }

  private wake(): void {
    this.woken.push(Date.now());
    if (this.woken.length > WAKEUPS_KEPT) this.woken.shift();
  }

  /** Joins the election (connects the session). */
  start(): void {
    this.zk.start();
  }

  /** Leaves gracefully: deletes our znode and closes the session, so failover is immediate. */
  stop(): Promise<void> {
    if (this.machine.lifecycle === 'stopped' && !this.pumping && this.queue.length === 0) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.once('closed', resolve));
    this.dispatch({ type: 'stop' });
    return closed;
  }

  /**
   * After this process was frozen (SIGSTOP, a long GC pause, a suspended VM) we cannot know whether
   * the session outlived the freeze: another node may lead by now. Stops acting at once (before
   * this returns); acting again needs a round trip on the same session (see confirmSession).
   */
  recheck(reason: string): void {
    this.dispatch({ type: 'recheck', reason });
  }

  dispatch(event: ElectionEvent): void {
    const before = this.machine;
    const { state, commands } = step(before, event, disabledSafeguards());
    this.machine = state;
    if (state !== before) {
      const phase = electionPhase(state);
      if (phase !== electionPhase(before) || state.role !== before.role || state.watching !== before.watching) {
        this.log('election-state', { event: event.type, phase, role: state.role, znode: state.electionZnode, watching: state.watching });
      }
      if (state.recipe !== before.recipe) this.log('election-recipe', { recipe: state.recipe, previous: before.recipe, znode: state.electionZnode });
      this.emit('state', state);
    }
    for (const command of commands) {
      // Acting changes take effect now, not behind ZooKeeper operations in the queue; so does the
      // recheck's round trip (a queued operation may hang on a dead connection).
      if (command.type === 'startActing') this.emit('acting', true, command.znode, 'elected');
      else if (command.type === 'stopActing') this.emit('acting', false, command.znode, command.reason);
      else if (command.type === 'confirmSession') this.confirmSession(command);
      else this.queue.push(command);
    }
    void this.pump();
  }

  /** The recheck's round trip; if the session is gone meanwhile, the client reports the loss itself. */
  private confirmSession(command: Extract<Command, { type: 'confirmSession' }>): void {
    this.log('election-recheck', { reason: command.reason });
    void this.zk.getChildren(ELECTION_PATH).then(({ rc }) => {
      this.dispatch({ type: 'sessionConfirmed', sessionId: command.sessionId, rc });
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const command = this.queue.shift()!;
        try {
          await this.run(command);
        } catch (err) {
          this.log('election-command-failed', { command: command.type, err: String(err) });
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Results of commands issued under an older session are dropped by the machine; skip the work too. */
  private stale(command: { sessionId: string }): boolean {
    return command.sessionId !== this.machine.sessionId;
  }

  private async run(command: Command): Promise<void> {
    switch (command.type) {
      case 'ensureParents': {
        if (this.stale(command)) return;
        const path = command.then === 'create' ? ELECTION_PATH : REGISTRY_PATHS[command.then];
        const { rc } = await this.zk.ensurePath(path);
        this.dispatch({ type: 'parentsEnsured', sessionId: command.sessionId, rc, then: command.then });
        return;
      }
      case 'create': {
        if (this.stale(command)) return;
        const data: ElectionZnodeData = this.identity;
        const prefix = `${ELECTION_PATH}/${command.candidateId}${ELECTION_ZNODE_INFIX}`;
        const { rc, path } = await this.zk.create(prefix, JSON.stringify(data), ZOO_EPHEMERAL_SEQUENTIAL);
        this.log('election-create', { rc: rcName(rc), znode: path ?? null });
        this.dispatch({ type: 'created', sessionId: command.sessionId, rc, znode: path });
        return;
      }
      case 'list': {
        if (this.stale(command)) return;
        const { sessionId } = command;
        // Under `herd` the list also arms the child watch: any child coming or going wakes us.
        const arm = command.watchChildren === true && this.childWatchFor !== sessionId;
        if (arm) this.childWatchFor = sessionId;
        const watcher = arm
          ? () => {
              if (this.childWatchFor === sessionId) this.childWatchFor = null;
              this.wake();
              this.log('election-children-changed', {});
              this.dispatch({ type: 'childrenChanged', sessionId });
            }
          : undefined;
        const listed = this.zk.getChildren(ELECTION_PATH, watcher);
        // Pipelined: sent before the listing's answer, so ZooKeeper runs it after the listing (FIFO
        // order). The owner check needs a read no older than the listing; this one is.
        const own = this.machine.electionZnode;
        this.ownerRead = own ? { sessionId, epoch: command.epoch, znode: own, result: this.zk.getData(`${ELECTION_PATH}/${own}`) } : null;
        // Registry changes the machine sent ahead of this decision (machine.ts, predecessorDeleted)
        // go out now, behind the listing, instead of after its answer.
        while (this.queue[0] && 'early' in this.queue[0] && this.queue[0].early) {
          const early = this.queue.shift()!;
          this.run(early).catch((err: unknown) => this.log('election-command-failed', { command: early.type, err: String(err) }));
        }
        const { rc, children } = await listed;
        if (arm && rc !== ZOK && this.childWatchFor === sessionId) this.childWatchFor = null; // no watch was left
        for (const child of children ?? []) {
          if (!parseElectionZnode(child)) this.log('election-garbage-child', { child });
        }
        this.dispatch({ type: 'listed', sessionId: command.sessionId, epoch: command.epoch, rc, children });
        return;
      }
      case 'checkOwner': {
        if (this.stale(command)) return;
        const read = this.ownerRead;
        this.ownerRead = null;
        const pipelined = read && read.sessionId === command.sessionId && read.epoch === command.epoch && read.znode === command.znode;
        const { rc, stat } = await (pipelined ? read.result : this.zk.getData(`${ELECTION_PATH}/${command.znode}`));
        this.dispatch({
          type: 'ownerChecked',
          sessionId: command.sessionId,
          epoch: command.epoch,
          rc,
          ephemeralOwner: stat ? normaliseSessionId(stat.ephemeralOwner) : undefined,
        });
        return;
      }
      case 'watch': {
        if (this.stale(command)) return;
        const { sessionId, znode } = command;
        // A data watch (not an exists watch): if the node is already gone we get ZNONODE and no
        // watch stays registered on a path that will never come back.
        const { rc } = await this.zk.getData(`${ELECTION_PATH}/${znode}`, (kind) => {
          if (kind === 'deleted') {
            this.wake();
            this.log('predecessor-deleted', { predecessor: znode });
            this.dispatch({ type: 'predecessorDeleted', sessionId, znode });
          } else if (kind === 'changed') {
            this.dispatch({ type: 'predecessorChanged', sessionId, znode });
          }
        });
        this.dispatch({ type: 'watchSet', sessionId, epoch: command.epoch, znode, rc });
        if (rc === ZOK) this.watchPredecessorEntry(sessionId, znode);
        return;
      }
      case 'checkPredecessorLeads': {
        if (this.stale(command)) return;
        const { rc } = await this.zk.getData(`${COORDINATORS_REGISTRY_PATH}/${command.znode}`);
        this.dispatch({ type: 'predecessorLeads', sessionId: command.sessionId, epoch: command.epoch, znode: command.znode, rc });
        return;
      }
      case 'register': {
        if (this.stale(command)) return;
        const path = `${REGISTRY_PATHS[command.registry]}/${command.znode}`;
        const data = this.statusJson(command.znode, command.status);
        // `sent` lets the bench split the write's time: in the node before it goes out, or after.
        const sent = Date.now();
        const { rc } = await this.zk.create(path, data, ZOO_EPHEMERAL);
        if (rc === ZOK) this.written.set(path, data);
        this.log('registry-register', { registry: command.registry, znode: command.znode, rc: rcName(rc), sent, ...(command.early ? { early: true } : {}) });
        this.dispatch({ type: 'registered', sessionId: command.sessionId, registry: command.registry, rc });
        return;
      }
      case 'unregister': {
        if (this.stale(command)) return;
        const path = `${REGISTRY_PATHS[command.registry]}/${command.znode}`;
        this.written.delete(path);
        // Not awaited: no event waits for this answer, and whatever we send next runs after it.
        void this.zk.delete(path).then(({ rc }) => {
          if (rc === ZOK) this.log('registry-unregister', { registry: command.registry, znode: command.znode });
        });
        return;
      }
      case 'publishStatus': {
        if (this.stale(command)) return;
        const path = `${REGISTRY_PATHS[command.registry]}/${command.znode}`;
        const data = this.statusJson(command.znode, command.status);
        const written = this.written.get(path);
        if (written !== undefined && withoutTimes(written) === withoutTimes(data)) return;
        const { rc } = await this.zk.setData(path, data);
        if (rc === ZOK) this.written.set(path, data);
        return;
      }
      case 'delete': {
        if (this.stale(command)) return;
        await this.zk.delete(`${ELECTION_PATH}/${command.znode}`);
        return;
      }
      case 'restartSession':
        this.log('election-restart-session', { reason: command.reason });
        this.zk.restartSession();
        return;
      case 'closeSession':
        await this.zk.close();
        this.dispatch({ type: 'closed' });
        this.emit('closed');
        return;
      case 'startActing':
      case 'stopActing':
      case 'confirmSession':
        return; // handled synchronously in dispatch
    }
  }

  /**
   * A data watch on the predecessor's workers entry: its deletion is how the node behind a
   * promoted worker learns it is next in line now (its election watch says nothing: the
   * predecessor's election znode stays). One per session and predecessor (the C client would call
   * every callback registered for the path), re-armed when the entry's status changes. On a
   * registry entry, not an election znode: the recipe's "each node watches only its predecessor's
   * election znode" holds as ZooKeeper's watch table shows it.
   */
  private watchPredecessorEntry(sessionId: string, znode: string): void {
    const key = `${sessionId}/${znode}`;
    if (this.entryWatchFor === key) return;
    this.entryWatchFor = key;
    const path = `${WORKERS_REGISTRY_PATH}/${znode}`;
    const following = () => this.machine.sessionId === sessionId && this.machine.watching === znode;
    const rearm = () => {
      if (this.entryWatchFor === key) this.entryWatchFor = null;
      if (following()) this.watchPredecessorEntry(sessionId, znode);
    };
    const watcher = (kind: WatchEventKind) => {
      if (kind === 'deleted') {
        if (this.entryWatchFor === key) this.entryWatchFor = null;
        this.dispatch({ type: 'predecessorLeftWorkers', sessionId, znode });
      } else if (kind === 'changed' || kind === 'created') rearm();
    };
    void this.zk.getData(path, watcher).then(({ rc }) => {
      if (rc === ZOK) return;
      if (this.entryWatchFor === key) this.entryWatchFor = null; // no watch was left
      // Not registered yet (nodes that start together): watch for its create, then as above.
      // Should it never register (it goes first), this watch stays until our session ends.
      if (rc === ZNONODE && following()) {
        this.entryWatchFor = key;
        void this.zk.exists(path, watcher);
      }
    });
  }

  private statusJson(znode: string, status: PublishedStatus): string {
    const parsed = parseElectionZnode(znode);
    const now = Date.now();
    const entry: RegistryEntry = {
      id: znode,
      sequence: parsed?.sequence ?? -1,
      role: status.role,
      watching: status.watching,
      address: this.identity.address,
      startedAt: this.identity.startedAt,
      pid: this.identity.pid,
      sessionId: status.sessionId,
      updatedAt: now,
      registeredAt: now,
    };
    return JSON.stringify(entry);
  }
}

/** Compare statuses without their timestamps. */
function withoutTimes(json: string): string {
  const { updatedAt: _u, registeredAt: _r, ...rest } = JSON.parse(json) as RegistryEntry;
  return JSON.stringify(rest);
}

/** The client prints session ids as unpadded hex; the stat's ephemeralOwner the same way. */
function normaliseSessionId(id: string): string {
  return id
    .replace(/^0x/, '')
    .replace(/^0+(?=.)/, '')
    .toLowerCase();
}
