/**
 * Wires the pure tracker to the outside world: discovery says who leads, the feed follows that
 * leader's stream, and every resulting view/event is emitted once for the HTTP and WebSocket layers.
 */
import { EventEmitter } from 'node:events';
import {
  safeguardOff,
  type ClusterEvent,
  type ClusterView,
  type FailoverRecord,
  type KillMode,
  type Recipe,
  type RegisteredLeader,
  type SlotRecord,
  type ZooKeeperView,
} from '@zkviz/shared';
import { FailoverRecorder, type FailoverObservation } from '../failovers/recorder.js';
import type { LeaderDiscovery } from '../discovery/types.js';
import type { StreamConnector, StreamHandle } from '../leader-client/stream-client.js';
import { slotEvents, withSlots } from '../slots/view.js';
import { EventHistory, killRequestedEvent } from './events.js';
import { StandbyStream } from './standby-stream.js';
import { applyInput, initialTrackerState, type TrackerInput, type TrackerState } from './leader-tracker.js';
import type { FeedLog } from './types.js';

export interface FeedEvents {
  view: [view: ClusterView];
  event: [event: ClusterEvent];
  /** What ZooKeeper itself sees, as the ZooKeeper view source last read it. */
  zookeeper: [view: ZooKeeperView];
  /** The leader accepted a kill (the process is about to exit). */
  kill: [target: string, mode: KillMode];
  /** A failover was recorded (the gateway switched to the new leader); its counts come later. */
  failover: [record: FailoverRecord];
}

export class ClusterFeed extends EventEmitter<FeedEvents> {
  private state: TrackerState;
  private readonly history = new EventHistory(50);
  private readonly failovers = new FailoverRecorder();
  private stream: { leader: RegisteredLeader; handle: StreamHandle } | null = null;
  /**
   * A stream opened ahead to the node next in line (see `followSuccessor`), or the last one if it
   * ended unadopted. Once the registry names its node it becomes `stream` with no new connection,
   * and the snapshot it held goes through the same fencing as any.
   */
  private standby: StandbyStream | null = null;
  private started = false;
  /** What the slot supervisors published (null until first read); joined into every view. */
  private slots: SlotRecord[] | null = null;
  /** What the recipe znode holds (null until read); joined into every view. */
  private recipe: Recipe | null = null;
  /**
   * The view last pushed, which `GET /api/cluster` answers too. Its `seq` is stamped here, the one
   * place every pushed view passes (tracker changes, slot changes, late failover phases), so it
   * increases with every view pushed whichever of them caused it.
   */
  private current: ClusterView;

  constructor(
    private readonly discovery: LeaderDiscovery,
    private readonly connectStream: StreamConnector,
    private readonly log: FeedLog,
    private readonly now: () => number = Date.now,
    /** Opens standby streams (`{ standby: true }`); absent: the gateway connects to a new leader only once the registry names it. */
    private readonly connectStandby: StreamConnector | null = null,
  ) {
    super();
    this.state = initialTrackerState(now());
    this.current = this.compose(0);
  }

  /** The view last pushed: the tracker's, with the slots, its lastFailover completed with the measured phases. */
  get view(): ClusterView {
    return this.current;
  }

  /** The recent failovers with their phases, newest first. */
  get recentFailovers(): FailoverRecord[] {
    return this.failovers.list();
  }

  get recentEvents(): ClusterEvent[] {
    return this.history.list();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.discovery.on('registry', this.onRegistry);
    this.discovery.start();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.discovery.off('registry', this.onRegistry);
    this.discovery.stop();
    this.stream?.handle.stop();
    this.stream = null;
    this.stopStandby();
  }

  /** The latest ZooKeeperView, or null when the view is off or not read yet. */
  get zookeeper(): ZooKeeperView | null {
    return this.state.zookeeper;
  }

  /** A new ZooKeeperView: the rows are re-checked against it (see zookeeper/node-facts.ts). */
  setZooKeeperView(view: ZooKeeperView): void {
    this.apply({ type: 'zookeeper', view });
    // A crashed leader's ghost session: ZooKeeper's own expiry time is the timeline's session-expired.
    for (const session of view.sessions) {
      if (session.owner && session.owner !== 'gateway' && session.expiresAt !== null) {
        this.failovers.observe({ type: 'session-expiry', znode: session.owner, expiresAt: session.expiresAt });
      }
    }
    this.emit('zookeeper', view);
  }

  /** The slot records changed: a new view, and timeline entries for what the change means. */
  setSlots(records: SlotRecord[]): void {
    const before = this.slots;
    this.slots = records;
    // The first read is what was already there, not news.
    if (before) for (const event of slotEvents(before, records, this.now())) this.publishEvent(event);
    this.publishView();
  }

  /** The recipe znode changed: a new view naming it. */
  setRecipe(recipe: Recipe | null): void {
    if (recipe === this.recipe) return;
    this.recipe = recipe;
    this.publishView();
  }

  /** A recorded failover's herd-effect counts arrived (failovers/counter.ts): re-published with them. */
  recordFailoverCounts(record: Pick<FailoverRecord, 'at' | 'to'>, counts: { notified: number | null; reads: number | null; watches: number | null }): void {
    this.observeFailover({ type: 'counted', at: record.at, to: record.to, ...counts });
  }

  /** An entry for the timeline from elsewhere (ZooKeeper server control). */
  recordEvent(event: ClusterEvent): void {
    this.publishEvent(event);
  }

  /** Adds a kill to the timeline once the leader accepted it; `requestedAt` is when the request arrived. */
  recordKill(target: string, mode: KillMode, requestedAt: number = this.now()): void {
    this.observeFailover({ type: 'kill-requested', target, mode, leader: this.state.view.leader, at: requestedAt });
    this.publishEvent(killRequestedEvent(target, mode, this.now()));
    this.emit('kill', target, mode);
  }

  private readonly onRegistry = (leader: RegisteredLeader | null, electionIncarnation: string | null): void => {
    this.apply({ type: 'registry', leader, electionIncarnation });
    this.followRegisteredLeader();
  };

  /** Keeps exactly one stream open, to the leader the registry names; aborts any other at once. */
  private followRegisteredLeader(): void {
    const wanted = this.state.registry ?? null;
    const current = this.stream?.leader;
    if (current && wanted && current.id === wanted.id && current.address === wanted.address) return;
    if (this.stream) {
      if (!safeguardOff('gateway-drop-stream')) this.stream.handle.stop();
      this.stream = null;
    }
    if (!wanted || !this.started) return;
    const via = wanted.id;
    const standby = this.standby;
    if (standby?.waitsFor(wanted)) {
      // Connected ahead: the registry names the node we have a stream to. Adopt it, and apply what
      // it already sent (the tracker fences it as it fences every message).
      this.standby = null;
      const { handle } = standby;
      this.stream = { leader: wanted, handle };
      const held = standby.adopt({
        onMessage: (message) => {
          if (this.stream?.handle === handle) this.apply({ type: 'stream-message', via, message });
        },
        onDown: (reason) => {
          if (this.stream?.handle === handle) this.apply({ type: 'stream-down', via, reason });
        },
      });
      if (held) this.apply({ type: 'stream-message', via, message: held });
      return;
    }
    const handle = this.connectStream(wanted, {
      onMessage: (message) => this.apply({ type: 'stream-message', via, message }),
      onDown: (reason) => this.apply({ type: 'stream-down', via, reason }),
    });
    this.stream = { leader: wanted, handle };
  }

  /**
   * Keeps one standby stream open to the node right behind the live leader (the next row by
   * sequence, a worker with an address), so that when it takes over its first snapshot comes on
   * a connection already open, instead of after the registry read plus a connect to a node busy
   * taking over. Nothing it sends counts before the registry names it (`followRegisteredLeader`).
   */
  private followSuccessor(): void {
    if (!this.connectStandby || !this.started) return;
    const view = this.state.view;
    // Between leaders the standby is kept: that is the moment it is for.
    if (view.status !== 'ok' || !view.leader) return;
    const at = view.nodes.findIndex((n) => n.id === view.leader);
    const next = at >= 0 ? view.nodes[at + 1] : undefined;
    const wanted = next && next.role === 'worker' && next.address ? { id: next.id, fencingToken: next.sequence, address: next.address } : null;
    if (wanted && this.standby?.waitsFor(wanted)) return;
    this.stopStandby();
    // A standby that ended unadopted is kept as a record until another one opens.
    if (!wanted || this.standby?.refusedBehind(wanted.id, view.leader)) return;
    this.standby = new StandbyStream(wanted, view.leader, this.connectStandby);
  }

  /** Stops a standby still waiting; one that ended unadopted needs no stop and stays as a record. */
  private stopStandby(): void {
    if (!this.standby?.waiting) return;
    this.standby.stop();
    this.standby = null;
  }

  private apply(input: TrackerInput): void {
    const before = this.state.view.lastFailover;
    const out = applyInput(this.state, input, this.now());
    this.state = out.state;
    if (out.rejected) this.log.debug({ via: 'via' in input ? input.via : undefined, reason: out.rejected }, 'fenced leader message');
    for (const notice of out.notices) {
      this.log.info(notice, notice.ev);
      if (notice.ev === 'leader-lost') this.failovers.observe({ type: 'leader-lost', leader: notice.leader, at: notice.at });
      if (notice.ev === 'leader-switched' || notice.ev === 'leader-restored') this.watchLeaderZnode(notice.leader);
    }
    const after = this.state.view.lastFailover;
    if (after && after !== before && input.type === 'stream-message' && input.message.type === 'snapshot') {
      this.failovers.observe({ type: 'switched', failover: after, takeover: input.message.snapshot.takeover ?? null, recipe: this.recipe });
      const recorded = this.failovers.find(after.at, after.to);
      if (recorded) queueMicrotask(() => this.emit('failover', recorded));
    }
    for (const event of out.events) this.publishEvent(event);
    if (out.viewChanged) {
      // The two lowest rows: the leader and the node that takes over from it.
      if (input.type === 'stream-message') this.discovery.expectCoordinators?.(this.state.view.nodes.slice(0, 2).map((n) => n.id));
      this.publishView();
      this.followSuccessor();
    }
  }

  /**
   * ZooKeeper tells the gateway when the leader's election znode goes (the timeline's znode-deleted)
   * and when its registry entry goes with its session (a graceful stop's session-closed).
   */
  private watchLeaderZnode(leader: string): void {
    this.discovery.watchElectionZnode?.(leader, (at) => this.observeFailover({ type: 'znode-deleted', znode: leader, at }));
    this.discovery.watchRegistryEntry?.(leader, (at) => this.observeFailover({ type: 'registry-entry-deleted', znode: leader, at }));
  }

  /** A phase that arrives after the switch re-publishes the view, so the page's timeline fills in. */
  private observeFailover(o: FailoverObservation): void {
    if (this.failovers.observe(o) && this.started) this.publishView();
  }

  private compose(seq: number): ClusterView {
    const view = withSlots(this.state.view, this.slots ?? []);
    const last = view.lastFailover;
    const recorded = last ? this.failovers.find(last.at, last.to) : null;
    return { ...view, lastFailover: recorded ?? view.lastFailover, seq, recipe: this.recipe };
  }

  private publishView(): void {
    this.current = this.compose(this.current.seq + 1);
    this.emit('view', this.current);
  }

  private publishEvent(event: ClusterEvent): void {
    this.history.push(event);
    this.emit('event', event);
  }
}
