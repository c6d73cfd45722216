/**
 * Fans the acting leader's snapshots out to its stream subscribers (the gateway) as ndjson.
 * Each line is serialised once for all subscribers. A heartbeat every second lets a subscriber
 * tell a live but quiet leader from a frozen one. When acting stops, every stream is ended at
 * once: a leader that may have been replaced must not keep talking. A subscriber that stops
 * reading is dropped once its unsent lines pass MAX_BUFFERED_BYTES, so a stuck gateway costs
 * the node bounded memory (it reconnects and gets the latest snapshot first).
 */
import type { ServerResponse } from 'node:http';
import type { ClusterSnapshot, LeaderStreamMessage } from '@zkviz/shared';
import type { Leadership } from '../node.js';

export const HEARTBEAT_MS = 1000;
/** About a hundred full 100-node snapshots: far more than a reading subscriber ever has queued. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/**
 * How long a stream request that arrives between winning the election and acting waits for the
 * acting to start (see `park`); the gateway's own connect bound is 3 s.
 */
export const PARK_MS = 2000;

/**
 * Why a stream waits: `acting`, it came between winning and acting (see `park`); `standby`, the
 * gateway opened it ahead to the node next in line (STANDBY_STREAM_QUERY), so it waits as long as
 * this node stays next in line, with no timer.
 */
export type ParkedKind = 'acting' | 'standby';

export class StreamHub {
  /**
   * `mayPublish` is asked before every line goes out (the node's freeze check); `onDropped` hears
   * of each subscriber dropped for not reading.
   */
  constructor(
    private readonly mayPublish: () => boolean = () => true,
    private readonly onDropped: (bufferedBytes: number) => void = () => {},
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {}

  private readonly subscribers = new Set<ServerResponse>();
  /** Stream requests waiting for leader duties to start (see `park`), with their give-up timers and refusals. */
  private readonly parked = new Map<ServerResponse, { kind: ParkedKind; timer: NodeJS.Timeout | null; refuse: (res: ServerResponse) => void }>();
  private heartbeat: NodeJS.Timeout | null = null;
  private latest: ClusterSnapshot | null = null;
  private leader: Leadership | null = null;

  get size(): number {
    return this.subscribers.size;
  }

  /** Leader duties on: start heartbeats for this leader. */
  open(leader: Leadership): void {
    this.leader = leader;
    this.latest = null;
    this.heartbeat ??= setInterval(() => {
      if (!this.leader) return;
      this.broadcast({ type: 'heartbeat', leader: this.leader.id, fencingToken: this.leader.fencingToken, at: Date.now() });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    for (const [res, { timer }] of this.parked) {
      if (timer) clearTimeout(timer);
      this.subscribe(res);
    }
    this.parked.clear();
  }

  /**
   * A stream request that came after this node won the election but before it acts: the gateway
   * reads the registry as soon as our coordinators entry exists, which can be before our own
   * answer to that create arrives. It waits here, silent, instead of being refused (the refusal
   * costs the gateway a retry backoff, on the failover's critical path). `open` makes it a
   * subscriber; `refuseParked` (acting will not follow) or PARK_MS without acting refuses it as
   * before (a standby stream has no timer: it waits as long as its node stays next in line).
   * Nothing is written to it before acting starts, so it says nothing a leader would say.
   */
  park(res: ServerResponse, refuse: (res: ServerResponse) => void, kind: ParkedKind = 'acting'): void {
    const timer =
      kind === 'standby'
        ? null
        : setTimeout(() => {
            if (!this.parked.delete(res)) return;
            refuse(res);
          }, PARK_MS);
    timer?.unref();
    // A standby waits as long as its node stays next in line: answer now, so the gateway knows the
    // request arrived (its connect bound ends at the answer) while nothing is said until acting.
    if (kind === 'standby') {
      writeStreamHead(res);
      res.flushHeaders();
    }
    this.parked.set(res, { kind, timer, refuse });
    res.on('close', () => {
      const p = this.parked.get(res);
      if (p?.timer) clearTimeout(p.timer);
      this.parked.delete(res);
    });
  }

  /** Refuses now (not at their timers) every parked stream whose reason to wait is gone: `waits(kind)` says false. */
  refuseParked(waits: (kind: ParkedKind) => boolean = () => false): void {
    for (const [res, { kind, timer, refuse }] of [...this.parked]) {
      if (waits(kind)) continue;
      this.parked.delete(res);
      if (timer) clearTimeout(timer);
      refuse(res);
    }
  }

  /** Leader duties off: end every stream now. */
  close(): void {
    this.leader = null;
    this.latest = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }

  publish(snapshot: ClusterSnapshot): void {
    if (!this.leader) return;
    this.latest = snapshot;
    this.broadcast({ type: 'snapshot', snapshot });
  }

  /** Adds a subscriber; it gets the latest snapshot at once if there is one. */
  subscribe(res: ServerResponse): void {
    if (!res.headersSent) writeStreamHead(res);
    this.subscribers.add(res);
    res.on('close', () => this.subscribers.delete(res));
    if (this.latest) res.write(`${JSON.stringify({ type: 'snapshot', snapshot: this.latest } satisfies LeaderStreamMessage)}\n`);
  }

  private broadcast(message: LeaderStreamMessage): void {
    if (!this.mayPublish()) return;
    const line = `${JSON.stringify(message)}\n`;
    for (const res of this.subscribers) {
      if (res.writableLength > this.maxBufferedBytes) {
        this.subscribers.delete(res);
        this.onDropped(res.writableLength);
        res.destroy();
        continue;
      }
      res.write(line);
    }
  }
}

function writeStreamHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', connection: 'close' });
}
