/**
 * Keeps the ZooKeeperView current, off the failover path: its own timers and sockets, nothing the
 * table or the kill route waits for. A slow or refusing server only makes this view late or
 * partial.
 *
 * When it reads:
 *   - on demand (a child watch fired on the three paths, the cluster changed, the session came
 *     back): coalesced — a request during a read makes exactly one more read after it;
 *   - otherwise once a second;
 *   - `cons` alone every 25 ms while a crash kill is pending, so the moment a crashed
 *     process's connection disappears is seen at once; a change there triggers a full read (the
 *     ghost verdict always comes from one full read, so a graceful close, whose session is gone
 *     from `dump` by then, is never mistaken for a crash).
 * While held (`holdUntil`: the gateway is between leaders), on-demand and timed reads wait for the
 * hold to end; the `cons` polling does not.
 */
import { EventEmitter } from 'node:events';
import type { KillMode, ZooKeeperView } from '@zkviz/shared';
import { ELECTION_PATH } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { parseCons, sendFourLetterWord, type FourLetterAnswer, type FourLetterOptions, type FourLetterWord } from '@zkviz/shared/zk/four-letter';
import type { FeedLog } from '../feed/types.js';
import { buildZooKeeperView, rememberConnections, VIEW_WORDS, type LastSeen, type ServerReading, type ViewWord, type ZnodeReading } from './build-view.js';
import { serversOf, type ZooKeeperServerAddress } from './connect-string.js';
import { ElapsedClock } from './elapsed-clock.js';
import { ZnodeReader } from './znode-reader.js';

export type FourLetterSender = (host: string, port: number, word: FourLetterWord, options?: FourLetterOptions) => Promise<FourLetterAnswer>;

export interface ZooKeeperViewSourceOptions {
  connectString: string;
  /** The gateway's own ZooKeeper connection: znode reads and the `gateway` session. */
  zk: ZkConnection | null;
  log: FeedLog;
  now?: () => number;
  intervalMs?: number;
  fastIntervalMs?: number;
  /** How long a pending kill keeps `cons` polled quickly at most. */
  pendingWindowMs?: number;
  wordTimeoutMs?: number;
  maxBytes?: number;
  send?: FourLetterSender;
}

export interface ZooKeeperViewEvents {
  view: [view: ZooKeeperView];
}

const normalizeSession = (id: string) => `0x${BigInt(`0x${id.replace(/^0x/i, '') || '0'}`).toString(16)}`;

export class ZooKeeperViewSource extends EventEmitter<ZooKeeperViewEvents> {
  private readonly servers: ZooKeeperServerAddress[];
  private readonly answers = new Map<number, Partial<Record<ViewWord, FourLetterAnswer>>>();
  private readonly answeredAt = new Map<number, Partial<Record<ViewWord, number>>>();
  private readonly clocks = new Map<number, ElapsedClock>();
  private readonly lastSeen = new Map<string, LastSeen>();
  private readonly znodeReader: ZnodeReader | null;
  private znodes: ZnodeReading | null = null;
  private current: ZooKeeperView | null = null;
  private currentKey = '';
  /** The read loop running now, if any. */
  private loop: Promise<void> | null = null;
  private dirty = false;
  private stopped = true;
  private interval: NodeJS.Timeout | null = null;
  private fastTimer: NodeJS.Timeout | null = null;
  private fastPolling = false;
  /** Full reads wait until then (see holdUntil); 0: not held. */
  private heldUntil = 0;
  private holdTimer: NodeJS.Timeout | null = null;
  private connectedSessions = '';
  /** Node id → until when a kill of it is awaited, and how. */
  private readonly pending = new Map<string, { until: number; mode: KillMode }>();
  private readonly now: () => number;
  private readonly send: FourLetterSender;

  constructor(private readonly options: ZooKeeperViewSourceOptions) {
    super();
    this.servers = serversOf(options.connectString);
    for (const s of this.servers) this.clocks.set(s.id, new ElapsedClock());
    this.now = options.now ?? Date.now;
    this.send = options.send ?? sendFourLetterWord;
    this.znodeReader = options.zk ? new ZnodeReader(options.zk, () => this.requestRefresh()) : null;
  }

  get view(): ZooKeeperView | null {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.options.zk?.on('connected', this.onConnected);
    this.interval = setInterval(() => this.requestRefresh(), this.options.intervalMs ?? 1000);
    this.interval.unref();
    this.requestRefresh();
  }

  stop(): void {
    this.stopped = true;
    this.options.zk?.off('connected', this.onConnected);
    if (this.interval) clearInterval(this.interval);
    if (this.fastTimer) clearTimeout(this.fastTimer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.interval = this.fastTimer = this.holdTimer = null;
  }

  /**
   * A kill of this node was routed (or whoever runs the process is about to end it): watch `cons`
   * closely until its connection is gone. Only crashes: a graceful stop deletes its own znodes,
   * which the child watches report, and never leaves a ghost; polling then would only load
   * ZooKeeper during the failover.
   */
  expectExit(nodeId: string, mode: KillMode = 'crash'): void {
    if (mode !== 'crash') return;
    this.pending.set(nodeId, { until: this.now() + (this.options.pendingWindowMs ?? 5000), mode });
    this.scheduleFast();
  }

  /**
   * Postpones full reads until `at` (epoch ms; 0 or the past ends the hold at once, reading then
   * if a read was asked for meanwhile). The gateway holds them while it is between leaders: a
   * full read is ~2N+3 znode reads and four words per server, then a view message of every znode
   * and session to each viewer (150 KB at 100 nodes), all on the CPU the failover's successor,
   * the gateway's switch and the page need at that moment.
   */
  holdUntil(at: number): void {
    // The gateway says so with every view; only a new deadline changes anything (re-arming the
    // timer on each view dropped it, and a read asked for while held then waited for the next one).
    if (at === this.heldUntil) return;
    this.heldUntil = at;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (!this.dirtyWhileHeld) return;
    const wait = this.held;
    if (wait > 0) return this.endHoldIn(wait);
    this.dirtyWhileHeld = false;
    this.requestRefresh();
  }

  private endHoldIn(ms: number): void {
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = null;
      this.holdUntil(0);
    }, ms);
    this.holdTimer.unref();
  }

  private dirtyWhileHeld = false;

  private get held(): number {
    return Math.max(0, this.heldUntil - this.now());
  }

  requestRefresh(): void {
    if (this.stopped) return;
    const wait = this.held;
    if (wait > 0) {
      this.dirtyWhileHeld = true;
      return this.endHoldIn(wait);
    }
    if (this.loop) {
      this.dirty = true;
      return;
    }
    this.loop = this.readLoop();
  }

  /**
   * Resolves once no read runs and none is asked for: after it, a refresh asked for earlier has
   * been read (or dropped by a hold). Tests await it before asserting that no further read came.
   */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private readonly onConnected = (): void => this.requestRefresh();

  private async readLoop(): Promise<void> {
    try {
      do {
        this.dirty = false;
        await this.fullRead();
      } while (this.dirty && !this.stopped);
    } catch (err) {
      this.options.log.warn({ err: String(err) }, 'zookeeper view read failed');
    } finally {
      this.loop = null;
    }
  }

  private wordOptions(): FourLetterOptions {
    return { timeoutMs: this.options.wordTimeoutMs ?? 1000, maxBytes: this.options.maxBytes };
  }

  private async ask(server: ZooKeeperServerAddress, word: ViewWord): Promise<void> {
    const sentAt = this.now();
    const answer = await this.send(server.host, server.port, word, this.wordOptions());
    const receivedAt = this.now();
    const answers = this.answers.get(server.id) ?? {};
    answers[word] = answer;
    this.answers.set(server.id, answers);
    const at = this.answeredAt.get(server.id) ?? {};
    at[word] = receivedAt;
    this.answeredAt.set(server.id, at);
    if (word === 'cons' && answer.ok) this.learnFromCons(server, sentAt, receivedAt, answer.text);
  }

  private learnFromCons(server: ZooKeeperServerAddress, sentAt: number, receivedAt: number, text: string): void {
    const parsed = parseCons(text);
    if (!parsed.ok) return;
    const lresp = new Map<string, number>();
    for (const c of parsed.value) if (c.sessionId && c.lastResponseElapsed !== null) lresp.set(c.address, c.lastResponseElapsed);
    this.clocks.get(server.id)!.observe(sentAt, receivedAt, lresp);
    rememberConnections(this.lastSeen, server.id, parsed.value);
  }

  private async fullRead(): Promise<void> {
    const reads: Promise<unknown>[] = [];
    for (const server of this.servers) for (const word of VIEW_WORDS) reads.push(this.ask(server, word));
    const znodes = this.znodeReader ? this.znodeReader.read().catch((err: unknown) => ({ ok: false as const, message: String(err) })) : Promise.resolve(null);
    const [z] = await Promise.all([znodes, ...reads]);
    this.znodes = z;
    if (this.stopped) return;
    this.publish();
  }

  private publish(readings: ServerReading[] = this.readings()): void {
    const session = this.options.zk?.currentSession?.id;
    const view = buildZooKeeperView({
      readings,
      znodes: this.znodes,
      gatewaySession: session ? normalizeSession(session) : null,
      clocks: this.clocks,
      lastSeen: this.lastSeen,
      now: this.now(),
    });
    if (this.forgetGone(view)) return this.publish(readings); // first seen gone: the expiry estimate changed
    this.settlePending(view);
    this.connectedSessions = connectedKey(view);
    const key = changeKey(view);
    const changed = key !== this.currentKey;
    this.current = view;
    this.currentKey = key;
    if (changed) this.emit('view', view);
    this.scheduleFast();
  }

  private readings(): ServerReading[] {
    return this.servers.map((server) => ({ server, answers: this.answers.get(server.id) ?? {}, receivedAt: this.answeredAt.get(server.id) ?? {} }));
  }

  /** Forgets sessions ZooKeeper no longer lists; notes when a session was first found without a connection. */
  private forgetGone(view: ZooKeeperView): boolean {
    const listed = new Map(view.sessions.map((s) => [s.id, s]));
    let noted = false;
    for (const [id, seen] of this.lastSeen) {
      const session = listed.get(id);
      if (!session) this.lastSeen.delete(id);
      else if (session.connected) delete seen.goneSince;
      else if (session.connected === false && seen.goneSince === undefined) {
        seen.goneSince = this.now();
        noted = true;
      }
    }
    return noted;
  }

  /** Sessions of nodes whose crash kill is pending: their connection vanishing is a ghost for sure. */
  private crashPendingSessions(): Set<string> {
    const sessions = new Set<string>();
    for (const [id, { mode }] of this.pending) {
      if (mode !== 'crash') continue;
      const znode = this.current?.znodes.find((z) => z.path === `${ELECTION_PATH}/${id}`);
      if (znode) sessions.add(znode.stat.ephemeralOwner);
    }
    return sessions;
  }

  /** A pending kill is over once its node's session has no connection, or its znode is gone. */
  private settlePending(view: ZooKeeperView): void {
    const now = this.now();
    for (const [id, { until }] of this.pending) {
      const znode = view.znodes.find((z) => z.path === `${ELECTION_PATH}/${id}`);
      const session = znode ? view.sessions.find((s) => s.id === znode.stat.ephemeralOwner) : undefined;
      if (until < now || (view.source.includes('znodes') && !znode) || session?.connected === false) this.pending.delete(id);
    }
  }

  /**
   * Only while a crash kill is pending. Once its ghost is shown, ZooKeeper itself reports the end
   * (the znode's deletion fires a child watch), so polling on would only load ZooKeeper during the
   * failover (measured: +100–200 ms crash failover p50 on this 2-core machine when it did).
   */
  private fastWanted(): boolean {
    const now = this.now();
    for (const { until } of this.pending.values()) if (until >= now) return true;
    return false;
  }

  private scheduleFast(): void {
    if (this.stopped || this.fastTimer || !this.fastWanted()) return;
    this.fastTimer = setTimeout(() => void this.fastPoll(), this.options.fastIntervalMs ?? 25);
    this.fastTimer.unref();
  }

  private async fastPoll(): Promise<void> {
    this.fastTimer = null;
    if (this.stopped || this.fastPolling) return;
    this.fastPolling = true;
    try {
      await Promise.all(this.servers.map((s) => this.ask(s, 'cons')));
    } finally {
      this.fastPolling = false;
    }
    if (this.stopped) return;
    const readings = this.readings();
    const key = connectedKeyOf(readings);
    if (key !== null && key !== this.connectedSessions) {
      const connected = new Set(key.split(','));
      // A crash kill's session: ZooKeeper keeps it (dump) until it expires, so the fresh `cons`
      // with the last full read is already the truth. Publish at once; the full read follows.
      if ([...this.crashPendingSessions()].some((s) => !connected.has(s))) this.publish(readings);
      this.connectedSessions = key;
      this.requestRefresh();
    }
    this.scheduleFast();
  }
}

/**
 * What counts as a change worth a message: not the figures that move on every read (latency,
 * a connected session's expiry, renewed by each ping). `GET /api/zookeeper` still has them fresh;
 * without this every viewer got (and the page re-rendered) a message a second for nothing, which
 * the bench showed as slower failovers on a loaded machine.
 */
export function changeKey(view: ZooKeeperView): string {
  return JSON.stringify({
    ...view,
    updatedAt: 0,
    servers: view.servers.map((s) => ({ ...s, latency: null, outstanding: null })),
    sessions: view.sessions.map((s) => (s.connected ? { ...s, expiresAt: null } : s)),
  });
}

function connectedKey(view: ZooKeeperView): string {
  return view.sessions
    .filter((s) => s.connected)
    .map((s) => s.id)
    .sort()
    .join(',');
}

/** The sessions with a connection per the latest `cons` answers; null unless every server answered. */
function connectedKeyOf(readings: readonly ServerReading[]): string | null {
  const ids: string[] = [];
  for (const r of readings) {
    const answer = r.answers.cons;
    if (!answer?.ok) return null;
    const parsed = parseCons(answer.text);
    if (!parsed.ok) return null;
    for (const c of parsed.value) if (c.sessionId) ids.push(c.sessionId);
  }
  return [...new Set(ids)].sort().join(',');
}
