/**
 * Wires the pure tracker to the outside world: discovery says who leads, the feed follows that
 * leader's stream, and every resulting view/event is emitted once for the HTTP and WebSocket layers.
 */
import { EventEmitter } from 'node:events';
import { safeguardOff, type ClusterEvent, type ClusterView, type KillMode, type RegisteredLeader, type SlotRecord } from '@zkviz/shared';
import type { LeaderDiscovery } from '../discovery/types.js';
import type { StreamConnector, StreamHandle } from '../leader-client/stream-client.js';
import { slotEvents, withSlots } from '../slots/view.js';
import { EventHistory, killRequestedEvent } from './events.js';
import { applyInput, initialTrackerState, type TrackerInput, type TrackerState } from './leader-tracker.js';
import type { FeedLog } from './types.js';

export interface FeedEvents {
  view: [view: ClusterView];
  event: [event: ClusterEvent];
}

export class ClusterFeed extends EventEmitter<FeedEvents> {
  private state: TrackerState;
  private readonly history = new EventHistory(50);
  private stream: { leader: RegisteredLeader; handle: StreamHandle } | null = null;
  private started = false;
  /** What the slot supervisors published (null until first read); joined into every view. */
  private slots: SlotRecord[] | null = null;
  private slotChanges = 0;

  constructor(
    private readonly discovery: LeaderDiscovery,
    private readonly connectStream: StreamConnector,
    private readonly log: FeedLog,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.state = initialTrackerState(now());
  }

  get view(): ClusterView {
    return withSlots(this.state.view, this.slots ?? [], this.slotChanges);
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
  }

  /** The slot records changed: a new view, and timeline entries for what the change means. */
  setSlots(records: SlotRecord[]): void {
    const before = this.slots;
    this.slots = records;
    this.slotChanges++;
    // The first read is what was already there, not news.
    if (before) for (const event of slotEvents(before, records, this.now())) this.publishEvent(event);
    this.emit('view', this.view);
  }

  /** An entry for the timeline from elsewhere (ZooKeeper server control). */
  recordEvent(event: ClusterEvent): void {
    this.publishEvent(event);
  }

  /** Adds a kill to the timeline once the leader accepted it. */
  recordKill(target: string, mode: KillMode): void {
    this.publishEvent(killRequestedEvent(target, mode, this.now()));
  }

  private readonly onRegistry = (leader: RegisteredLeader | null): void => {
    this.apply({ type: 'registry', leader });
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
    const handle = this.connectStream(wanted, {
      onMessage: (message) => this.apply({ type: 'stream-message', via, message }),
      onDown: (reason) => this.apply({ type: 'stream-down', via, reason }),
    });
    this.stream = { leader: wanted, handle };
  }

  private apply(input: TrackerInput): void {
    const out = applyInput(this.state, input, this.now());
    this.state = out.state;
    if (out.rejected) this.log.debug({ via: 'via' in input ? input.via : undefined, reason: out.rejected }, 'fenced leader message');
    for (const notice of out.notices) this.log.info(notice, notice.ev);
    for (const event of out.events) this.publishEvent(event);
    if (out.viewChanged) this.emit('view', this.view);
  }

  private publishEvent(event: ClusterEvent): void {
    this.history.push(event);
    this.emit('event', event);
  }
}
