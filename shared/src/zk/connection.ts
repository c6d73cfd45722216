/**
 * A thin, honest wrapper around the `zookeeper` npm client (the C client underneath).
 *
 * It does three things and nothing else:
 *  1. turns every operation into a promise of `{ rc, ... }` — return codes, never booleans, so a
 *     connection loss can never be mistaken for "no such node";
 *  2. reports the session's life as a small set of events (connected / suspended / lost), including
 *     a *local* expiry timer, because this client only learns of expiry after it reconnects;
 *  3. throws a client away once its session is lost and builds a fresh one, because calling into a
 *     closed client can hang or crash the process.
 *
 * It makes no decisions: the election and the gateway do that from the events.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { safeguardOff } from '../safeguards.js';
import {
  ZCLOSING,
  ZOK,
  ZOO_CHANGED_EVENT,
  ZOO_CHILD_EVENT,
  ZOO_CONNECTED_STATE,
  ZOO_CREATED_EVENT,
  ZOO_DELETED_EVENT,
  ZOO_EXPIRED_SESSION_STATE,
  ZOO_PERSISTENT,
  ZNODEEXISTS,
} from './codes.js';

export type WatchEventKind = 'created' | 'deleted' | 'changed' | 'child';
export type Watcher = (kind: WatchEventKind, path: string) => void;

export interface ZkStat {
  version: number;
  cversion: number;
  ephemeralOwner: string;
  numChildren: number;
  dataLength: number;
  mzxid: number;
  czxid: number;
}

export interface SessionInfo {
  /** Hex session id as the server knows it. */
  id: string;
  /** Negotiated session timeout in ms (may differ from what was requested). */
  timeoutMs: number;
  /** Increases with every client this connection creates. */
  generation: number;
}

export type SessionLostReason = 'expired' | 'local-timeout' | 'auth-failed' | 'restarted';

export interface ZkConnectionEvents {
  /** A session is usable; `reconnected` is true when it is the same session as before a suspension. */
  connected: [session: SessionInfo, reconnected: boolean];
  /** The connection dropped; the session may still be alive on the server. Stop acting on it. */
  suspended: [session: SessionInfo];
  /** The session is gone for good; ephemerals it owned are (or will be) deleted. A new session follows. */
  lost: [session: SessionInfo | null, reason: SessionLostReason];
}

export interface ZkConnectionOptions {
  /** host:port[,host:port][/chroot] */
  connect: string;
  /** Requested session timeout; the server may negotiate another value (read `session.timeoutMs`). */
  sessionTimeoutMs: number;
  /** Native client log level: 0 none .. 4 debug. */
  logLevel?: number;
  /**
   * Period of the state poll (see openClient) while the connection is not vigilant. Absent: the
   * poll always runs at its vigilant period (the gateway). A node sets it and is vigilant only
   * while it acts as leader (a slot supervisor never is): F15 is about a leader that keeps
   * acting, and the fast poll was 4 of an idle worker's 7 wake-ups a second.
   */
  relaxedStatePollMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Pause before replacing a client the library closed before it ever got a session. */
const RETRY_UNCONNECTED_MS = 250;
/** Minimum pause before a dropped client is replaced (see loseSession). */
const REOPEN_AFTER_CLOSE_MS = 20;
/** How long a client without a session may try before it is replaced by a fresh one. */
const CONNECT_WATCHDOG_MS = 5000;

// The addon is CommonJS and native; load it lazily so pure modules can import our types freely.
const require = createRequire(import.meta.url);

interface NativeClient extends EventEmitter {
  client_id: string;
  /** zoo_state() of the handle: 3 = connected. */
  state: number;
  timeout: number;
  connect(options: Record<string, unknown>, cb: (err: Error | null) => void): void;
  close(): void;
  a_create(path: string, data: string | Buffer, flags: number, cb: (rc: number, err: string, path: string) => void): number;
  a_get(path: string, watch: boolean, cb: (rc: number, err: string, stat: ZkStat, data: Buffer | string | null) => void): number;
  aw_get(
    path: string,
    w: (type: number, state: number, path: string) => void,
    cb: (rc: number, err: string, stat: ZkStat, data: Buffer | string | null) => void,
  ): number;
  aw_exists(path: string, w: (type: number, state: number, path: string) => void, cb: (rc: number, err: string, stat: ZkStat) => void): number;
  a_get_children(path: string, watch: boolean, cb: (rc: number, err: string, children: string[]) => void): number;
  aw_get_children(path: string, w: (type: number, state: number, path: string) => void, cb: (rc: number, err: string, children: string[]) => void): number;
  a_set(path: string, data: string | Buffer, version: number, cb: (rc: number, err: string, stat: ZkStat) => void): number;
  a_delete_(path: string, version: number, cb: (rc: number, err: string) => void): number;
}

type NativeCtor = new () => NativeClient;
let nativeCtor: NativeCtor | null = null;
function loadNative(): NativeCtor {
  nativeCtor ??= (require('zookeeper') as { ZooKeeper: NativeCtor }).ZooKeeper;
  return nativeCtor;
}

const EVENT_KINDS: Record<number, WatchEventKind> = {
  [ZOO_CREATED_EVENT]: 'created',
  [ZOO_DELETED_EVENT]: 'deleted',
  [ZOO_CHANGED_EVENT]: 'changed',
  [ZOO_CHILD_EVENT]: 'child',
};

export class ZkConnection extends EventEmitter<ZkConnectionEvents> {
  private client: NativeClient | null = null;
  /** Reads (getData, getChildren) per top-level namespace, as ZooKeeper's `*_read_per_namespace` counts them. */
  private readonly reads = new Map<string, { issued: number; completed: number }>();
  private generation = 0;
  private session: SessionInfo | null = null;
  private connected = false;
  private localExpiryTimer: NodeJS.Timeout | null = null;
  /** Reads the current client's state and suspends if it left CONNECTED unannounced (see openClient). */
  private checkState: (() => void) | null = null;
  private statePoll: NodeJS.Timeout | null = null;
  private vigilant: boolean;
  /** Resolvers of operations in flight on the current client, settled with ZCLOSING if we drop it. */
  private pending = new Set<(rc: number) => void>();
  private closed = false;

  constructor(private readonly options: ZkConnectionOptions) {
    super();
    this.vigilant = options.relaxedStatePollMs === undefined;
  }

  /**
   * Vigilant: the state poll runs at its fast period (a sixth of the session timeout, at most
   * 250 ms), and turning it on checks once right away, so a disconnection the client never
   * announced is noticed as soon as if the poll had always run fast. Not vigilant: every
   * `relaxedStatePollMs`. No-op without that option.
   */
  setVigilant(vigilant: boolean): void {
    if (this.options.relaxedStatePollMs === undefined || vigilant === this.vigilant) return;
    this.vigilant = vigilant;
    this.restartStatePoll();
    // Not synchronously: the caller may be inside an election callback, and a suspension must
    // reach the election as its own event.
    if (vigilant) setImmediate(() => this.checkState?.());
  }

  private restartStatePoll(): void {
    if (this.statePoll) clearInterval(this.statePoll);
    this.statePoll = null;
    if (!this.checkState) return;
    const vigilantMs = Math.max(50, Math.min(250, Math.floor(this.options.sessionTimeoutMs / 6)));
    this.statePoll = setInterval(this.checkState, this.vigilant ? vigilantMs : (this.options.relaxedStatePollMs ?? vigilantMs));
    this.statePoll.unref();
  }

  /** Starts the first client. Returns at once; watch the `connected` event. */
  start(): void {
    if (this.closed || this.client) return;
    this.openClient();
  }

  /**
   * How many reads this connection issued and got answered under a namespace (`election` for
   * /election and its children): who measures ZooKeeper's reads can subtract its own.
   */
  readCount(namespace: string): { issued: number; completed: number } {
    const c = this.reads.get(namespace);
    return c ? { ...c } : { issued: 0, completed: 0 };
  }

  /** Counts one read of `path` and passes its answer through. */
  private counted<T>(path: string, read: Promise<T>): Promise<T> {
    const namespace = path.split('/')[1] ?? '';
    const c = this.reads.get(namespace) ?? { issued: 0, completed: 0 };
    this.reads.set(namespace, c);
    c.issued++;
    return read.finally(() => c.completed++);
  }

  get currentSession(): SessionInfo | null {
    return this.session;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /**
   * Closes the session (its ephemerals are deleted by the server at once) and stops for good.
   * Resolves once the native client has been closed (see dropClient).
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.dropClient();
  }

  /** Gives up the current session on purpose (its ephemerals go with it) and starts a new one. */
  restartSession(): void {
    if (this.closed) return;
    this.loseSession('restarted');
  }

  private log(msg: string, fields?: Record<string, unknown>): void {
    this.options.log?.(msg, fields);
  }

  private openClient(): void {
    const Native = loadNative();
    const generation = ++this.generation;
    const client = new Native();
    this.client = client;
    this.connected = false;

    // A client that has never had a session has no local expiry timer to fall back on. If it is
    // still not connected after a while — the server may be down, or the addon may be waiting on
    // a poll handle that will never fire — a fresh client costs nothing and breaks such stalls.
    const connectWatchdog = setTimeout(() => {
      if (client !== this.client || this.session !== null) return;
      this.log('zk client never connected; replacing it', { afterMs: CONNECT_WATCHDOG_MS });
      void this.dropClient();
      this.reopenAfter(REOPEN_AFTER_CLOSE_MS);
    }, CONNECT_WATCHDOG_MS);
    connectWatchdog.unref();

    client.on('connect', () => {
      if (client !== this.client) return;
      const id = client.client_id;
      const reconnected = this.session !== null && this.session.id === id && this.session.generation === generation;
      this.session = { id, timeoutMs: client.timeout, generation };
      this.connected = true;
      this.clearLocalExpiry();
      this.log('zk session connected', { session: id, timeoutMs: client.timeout, reconnected });
      this.emit('connected', this.session, reconnected);
    });

    /** `via` says which noticed first: the addon's CONNECTING event or the state poll below. */
    const suspend = (via: 'connecting-event' | 'state-poll') => {
      if (client !== this.client || !this.connected || !this.session) return;
      this.connected = false;
      const session = this.session;
      this.log('zk connection suspended', { session: session.id, via });
      this.emit('suspended', session);
      // The server expires the session after timeoutMs without hearing from us; by then another
      // node may lead. We cannot learn that while cut off, so we assume the worst on our own clock.
      if (safeguardOff('local-expiry-timer')) return;
      this.localExpiryTimer = setTimeout(() => {
        if (client !== this.client || this.connected) return;
        this.log('zk session presumed expired (local timer)', { session: session.id });
        this.loseSession('local-timeout');
      }, session.timeoutMs);
    };
    client.on('connecting', () => suspend('connecting-event'));
    // The C client does not always announce a lost connection: a request whose send() fails (the
    // socket was reset and the client has not read that yet) closes the socket and leaves the
    // CONNECTED state without a CONNECTING session event (zookeeper.c nonblocking_send), and the
    // failed reconnects that follow are not announced either. A leader that never hears
    // 'connecting' keeps acting while another takes over (F15 forces it). So we also read the
    // handle's state, which the C client updates at once, and suspend on it (setVigilant: how often).
    this.checkState = () => {
      if (client !== this.client) return;
      if (this.connected && client.state !== ZOO_CONNECTED_STATE && !safeguardOff('state-poll')) suspend('state-poll');
    };
    this.restartStatePoll();

    // The addon emits ('close', <the client object>, <state code>): the code is the SECOND argument.
    client.on('close', (...args: unknown[]) => {
      if (client !== this.client) return; // a client we dropped ourselves
      const code = args.find((a): a is number => typeof a === 'number');
      const reason: SessionLostReason = code === ZOO_EXPIRED_SESSION_STATE ? 'expired' : 'auth-failed';
      this.log('zk client closed by the library', { code, reason, wasConnected: this.session !== null });
      // The addon also closes a handle itself, reported as "expired", after ~10 polls without a
      // server response (e.g. while the server is down); a fresh handle can hit that within a
      // millisecond when its fd receives ghost events (a socket inherited by a child process:
      // see shared/scripts/zookeeper-cloexec.mjs). A client that never got a session is therefore
      // retried after a pause, never in a hot loop (which starved the process).
      this.loseSession(reason, this.session === null ? RETRY_UNCONNECTED_MS : 0);
    });

    client.connect(
      {
        connect: this.options.connect,
        timeout: this.options.sessionTimeoutMs,
        debug_level: this.options.logLevel ?? 1,
        host_order_deterministic: false,
        data_as_buffer: true,
      },
      () => undefined, // connection is reported through the events above
    );
  }

  private clearLocalExpiry(): void {
    if (this.localExpiryTimer) clearTimeout(this.localExpiryTimer);
    this.localExpiryTimer = null;
  }

  /**
   * Forgets the current client at once (its late callbacks are ignored, its pending operations
   * settle with ZCLOSING) and closes it natively in the next check phase — never synchronously:
   * this may run inside one of the client's own callbacks (promise continuations run when the
   * addon's callback returns to C), and closing there frees the handle the C client is still
   * using. A replacement is opened only later (reopenAfter), after the close phase.
   */
  private dropClient(): Promise<void> {
    this.clearLocalExpiry();
    const client = this.client;
    this.client = null;
    this.checkState = null;
    this.restartStatePoll(); // stops it
    this.connected = false;
    for (const settle of this.pending) settle(ZCLOSING);
    this.pending.clear();
    if (!client) return Promise.resolve();
    return new Promise((resolve) =>
      setImmediate(() => {
        try {
          client.close();
        } catch (err) {
          this.log('zk close failed', { err: String(err) });
        }
        resolve();
      }),
    );
  }

  private loseSession(reason: SessionLostReason, retryAfterMs = 0): void {
    const lost = this.session;
    this.session = null;
    void this.dropClient();
    this.emit('lost', lost, reason);
    // A brand-new client, never a closed one: reusing it can crash the process.
    this.reopenAfter(Math.max(retryAfterMs, REOPEN_AFTER_CLOSE_MS));
  }

  /**
   * Opens a fresh client later — never in the same loop turn (no setImmediate): the old client's
   * poll handle finishes closing only in libuv's close phase, after the check phase. A new client
   * whose socket reuses the old fd number before then has its epoll registration removed with the
   * old handle and waits for events that never come.
   */
  private reopenAfter(ms: number): void {
    if (this.closed) return;
    setTimeout(() => !this.closed && !this.client && this.openClient(), ms);
  }

  /**
   * Runs one native call on the current client and settles once: with the callback's result, or
   * with ZCLOSING if the client is dropped first, or with the call's own error code if the client
   * refused it synchronously (a closed client never calls back).
   */
  private call<T extends { rc: number }>(invoke: (client: NativeClient, done: (result: T) => void) => number, failed: (rc: number) => T): Promise<T> {
    const client = this.client;
    if (!client) return Promise.resolve(failed(ZCLOSING));
    return new Promise<T>((resolve) => {
      let settled = false;
      const settleRc = (rc: number) => finish(failed(rc));
      const finish = (result: T) => {
        if (settled) return;
        settled = true;
        this.pending.delete(settleRc);
        resolve(result);
      };
      this.pending.add(settleRc);
      let ret: number;
      try {
        ret = invoke(client, finish);
      } catch (err) {
        this.log('zk call threw', { err: String(err) });
        ret = ZCLOSING;
      }
      if (typeof ret === 'number' && ret !== ZOK) settleRc(ret);
    });
  }

  /** Wraps a watcher so only real node events reach it, and only from the client that set it. */
  private wrapWatcher(watcher: Watcher): (type: number, state: number, path: string) => void {
    const client = this.client;
    return (type, _state, path) => {
      // The C client also calls every watcher with session events on disconnect/reconnect.
      const kind = EVENT_KINDS[type];
      if (!kind || client !== this.client) return;
      watcher(kind, path);
    };
  }

  create(path: string, data: string | Buffer, flags: number): Promise<{ rc: number; path?: string }> {
    return this.call(
      (c, done) => c.a_create(path, data, flags, (rc, _e, created) => done({ rc, path: rc === ZOK ? created : undefined })),
      (rc) => ({ rc }),
    );
  }

  getData(path: string, watcher?: Watcher): Promise<{ rc: number; stat?: ZkStat; data?: Buffer }> {
    const onData = (done: (r: { rc: number; stat?: ZkStat; data?: Buffer }) => void) => (rc: number, _e: string, stat: ZkStat, data: Buffer | string | null) =>
      done(rc === ZOK ? { rc, stat, data: data == null ? Buffer.alloc(0) : Buffer.from(data) } : { rc });
    return this.counted(
      path,
      this.call(
        (c, done) => (watcher ? c.aw_get(path, this.wrapWatcher(watcher), onData(done)) : c.a_get(path, false, onData(done))),
        (rc) => ({ rc }),
      ),
    );
  }

  /**
   * Whether the node exists, leaving a watch either way: on a missing node it fires on its
   * creation (ZOK: exists; ZNONODE: the watch waits for the create). Unlike getData's watch, one
   * on a node that is never created stays until the session ends: use it only for a node that
   * is expected soon.
   */
  exists(path: string, watcher: Watcher): Promise<{ rc: number }> {
    return this.counted(
      path,
      this.call(
        (c, done) => c.aw_exists(path, this.wrapWatcher(watcher), (rc) => done({ rc })),
        (rc) => ({ rc }),
      ),
    );
  }

  getChildren(path: string, watcher?: Watcher): Promise<{ rc: number; children?: string[] }> {
    const onChildren = (done: (r: { rc: number; children?: string[] }) => void) => (rc: number, _e: string, children: string[]) =>
      done(rc === ZOK ? { rc, children: children ?? [] } : { rc });
    return this.counted(
      path,
      this.call(
        (c, done) => (watcher ? c.aw_get_children(path, this.wrapWatcher(watcher), onChildren(done)) : c.a_get_children(path, false, onChildren(done))),
        (rc) => ({ rc }),
      ),
    );
  }

  setData(path: string, data: string | Buffer, version = -1): Promise<{ rc: number }> {
    return this.call(
      (c, done) => c.a_set(path, data, version, (rc) => done({ rc })),
      (rc) => ({ rc }),
    );
  }

  delete(path: string, version = -1): Promise<{ rc: number }> {
    return this.call(
      (c, done) => c.a_delete_(path, version, (rc) => done({ rc })),
      (rc) => ({ rc }),
    );
  }

  /** Creates a persistent path and its parents; an existing node counts as success. */
  async ensurePath(path: string): Promise<{ rc: number }> {
    const parts = path.split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current += `/${part}`;
      const { rc } = await this.create(current, '', ZOO_PERSISTENT);
      if (rc !== ZOK && rc !== ZNODEEXISTS) return { rc };
    }
    return { rc: ZOK };
  }
}
