/**
 * A small TCP proxy (node:net) to put between one cluster node and ZooKeeper, so that node alone
 * can be cut off. Give the node `ZK_CONNECT=127.0.0.1:<proxy.port>`. The slot supervisor runs its
 * node's ZooKeeper traffic through one (its partition action), and the fault tests put one in
 * front of every node they start themselves.
 *
 * Modes:
 *  - `pass`:  forward both ways.
 *  - `drop`:  a silent partition. Nothing is forwarded either way, sockets stay open, new
 *             connections are accepted and held. Bytes read meanwhile are kept in order and
 *             delivered if the mode goes back to `pass` (a healed partition delays TCP segments,
 *             it does not corrupt the stream); connections an endpoint closed meanwhile are
 *             closed on the other side then.
 *  - `reset`: every connection is reset (RST) at once, and new ones are accepted and reset.
 *
 * For precise races it can also inspect the ZooKeeper request stream (client → server) and hold
 * a connection at a chosen request, or lose the reply to it (see `interceptRequests`).
 */
import { EventEmitter } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'drop' | 'reset';

/** ZooKeeper request op codes we may want to recognise. */
export const ZK_OP = {
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getChildren: 8,
  ping: 11,
  getChildren2: 12,
  create2: 15,
  setWatches: 101,
  closeSession: -11,
} as const;

export interface ZkRequest {
  /** Which TCP connection (1-based, per proxy) it was sent on. */
  connection: number;
  xid: number;
  op: number;
  /** The request's path, for the ops that start with one (create, delete, exists, getData, ...). */
  path: string | null;
  /** For getData/exists/getChildren: the watch flag. */
  watch: boolean | null;
}

/**
 * What to do with one inspected request:
 *  - `forward`: send it on;
 *  - `{ hold: promise }`: keep it (and everything after it on that connection, in order) until
 *    the promise settles, then send it on;
 *  - `lose-reply`: send it on, then reset the connection as soon as the server answers anything,
 *    without passing the answer on. The server has applied the request; the client gets a
 *    connection loss for it.
 */
export type RequestVerdict = 'forward' | { hold: Promise<unknown> } | 'lose-reply';
export type RequestInterceptor = (request: ZkRequest) => RequestVerdict;

interface Pair {
  id: number;
  client: Socket;
  server: Socket;
  /** Bytes read from one side, not yet forwarded (drop mode or a held request). */
  toServer: Buffer[];
  toClient: Buffer[];
  /** Request parser state (client → server). */
  parse: { buf: Buffer; frames: number };
  /** A request hold is in effect: client → server bytes wait in `toServer`. */
  held: boolean;
  /** Reset the pair on the next server → client bytes. */
  loseNextReply: boolean;
  clientEnded: boolean;
  serverEnded: boolean;
  /** One side closed during a partition: close the other once the partition heals. */
  closeOnHeal: boolean;
  closed: boolean;
}

export interface TcpProxyEvents {
  connection: [id: number];
  request: [request: ZkRequest];
  'lost-reply': [request: ZkRequest];
}

export class TcpProxy extends EventEmitter<TcpProxyEvents> {
  private server: Server;
  private pairs = new Set<Pair>();
  private nextId = 0;
  private currentMode: ProxyMode = 'pass';
  private interceptor: RequestInterceptor | null = null;
  /** Total connections accepted so far. */
  connections = 0;

  private constructor(
    readonly targetHost: string,
    readonly targetPort: number,
    readonly name: string,
  ) {
    super();
    this.setMaxListeners(0);
    this.server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  /** Starts a proxy on 127.0.0.1:<free port> forwarding to `target` (`host:port`). */
  static async start(target: string, options: { name?: string; port?: number } = {}): Promise<TcpProxy> {
    const [host, port] = splitHostPort(target);
    const proxy = new TcpProxy(host, port, options.name ?? `proxy-${target}`);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.port ?? 0, '127.0.0.1', () => {
        proxy.server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What to give the node as ZK_CONNECT. */
  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  get mode(): ProxyMode {
    return this.currentMode;
  }

  /** Open proxied connections right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  setMode(mode: ProxyMode): void {
    this.currentMode = mode;
    if (mode === 'reset') {
      for (const pair of [...this.pairs]) this.closePair(pair, true);
    } else if (mode === 'pass') {
      for (const pair of [...this.pairs]) this.flush(pair);
    }
  }

  /** Inspect every request from now on (null: stop inspecting). */
  interceptRequests(interceptor: RequestInterceptor | null): void {
    this.interceptor = interceptor;
  }

  /** Closes the listener and every connection (reset). */
  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.closePair(pair, true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.connections++;
    if (this.currentMode === 'reset') {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const server = connect({ host: this.targetHost, port: this.targetPort });
    const pair: Pair = {
      id: ++this.nextId,
      client,
      server,
      toServer: [],
      toClient: [],
      parse: { buf: Buffer.alloc(0), frames: 0 },
      held: false,
      loseNextReply: false,
      clientEnded: false,
      serverEnded: false,
      closeOnHeal: false,
      closed: false,
    };
    this.pairs.add(pair);
    for (const s of [client, server]) {
      s.setNoDelay(true);
      s.on('error', () => this.closePair(pair, true));
      s.on('close', () => {
        // In a partition the other side must not learn of the close before the partition heals.
        if (this.currentMode === 'drop') pair.closeOnHeal = true;
        else this.closePair(pair, false);
      });
    }
    client.on('data', (chunk: Buffer) => this.fromClient(pair, chunk));
    server.on('data', (chunk: Buffer) => this.fromServer(pair, chunk));
    client.on('end', () => {
      pair.clientEnded = true;
      this.flush(pair);
    });
    server.on('end', () => {
      pair.serverEnded = true;
      this.flush(pair);
    });
    client.resume();
    this.emit('connection', pair.id);
  }

  private fromClient(pair: Pair, chunk: Buffer): void {
    if (this.interceptor) {
      for (const frame of this.frames(pair, chunk)) this.inspect(pair, frame);
    } else {
      pair.toServer.push(chunk);
    }
    this.flush(pair);
  }

  private fromServer(pair: Pair, chunk: Buffer): void {
    if (pair.loseNextReply && this.currentMode === 'pass') {
      this.closePair(pair, true);
      return;
    }
    pair.toClient.push(chunk);
    this.flush(pair);
  }

  /** Splits client → server bytes into length-prefixed ZooKeeper frames (keeps any partial tail). */
  private frames(pair: Pair, chunk: Buffer): Buffer[] {
    pair.parse.buf = pair.parse.buf.length ? Buffer.concat([pair.parse.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (pair.parse.buf.length >= 4) {
      const len = pair.parse.buf.readInt32BE(0);
      if (pair.parse.buf.length < 4 + len) break;
      out.push(pair.parse.buf.subarray(0, 4 + len));
      pair.parse.buf = pair.parse.buf.subarray(4 + len);
    }
    return out;
  }

  private inspect(pair: Pair, frame: Buffer): void {
    const index = pair.parse.frames++;
    // The first frame of every connection is the ConnectRequest, which has no xid/op header.
    const request = index === 0 || frame.length < 12 ? null : parseRequest(pair.id, frame);
    if (request) this.emit('request', request);
    const verdict = request && this.interceptor ? this.interceptor(request) : 'forward';
    if (verdict === 'forward') {
      pair.toServer.push(frame);
    } else if (verdict === 'lose-reply') {
      pair.toServer.push(frame);
      pair.loseNextReply = true;
      this.emit('lost-reply', request!);
    } else {
      // Everything from here on waits behind the held request, in order.
      pair.held = true;
      pair.toServer.push(frame);
      void verdict.hold.finally(() => {
        pair.held = false;
        this.flush(pair);
      });
    }
  }

  private flush(pair: Pair): void {
    if (pair.closed || this.currentMode !== 'pass') return;
    if (!pair.held) {
      for (const b of pair.toServer.splice(0)) if (!pair.server.destroyed) pair.server.write(b);
      if (pair.clientEnded && !pair.server.destroyed) pair.server.end();
    }
    for (const b of pair.toClient.splice(0)) if (!pair.client.destroyed) pair.client.write(b);
    if (pair.serverEnded && !pair.client.destroyed) pair.client.end();
    if (pair.closeOnHeal) {
      // end(), not destroy(): what was just written must still reach the other side.
      pair.closed = true;
      this.pairs.delete(pair);
      for (const s of [pair.client, pair.server]) if (!s.destroyed) s.end();
    }
  }

  private closePair(pair: Pair, reset: boolean): void {
    if (pair.closed) return;
    pair.closed = true;
    this.pairs.delete(pair);
    for (const s of [pair.client, pair.server]) {
      if (s.destroyed) continue;
      // Never reset a socket whose end() is still being flushed: Node 20 then fails the reset
      // with EINVAL but marks the handle closing without closing it, and the process spins at
      // 100 % CPU at exit (Environment::CleanupHandles waits for that handle for ever).
      if (reset && !s.connecting && !s.writableEnded) s.resetAndDestroy();
      else s.destroy();
    }
  }
}

function splitHostPort(target: string): [string, number] {
  const at = target.lastIndexOf(':');
  if (at < 0) throw new Error(`expected host:port, got "${target}"`);
  return [target.slice(0, at), Number(target.slice(at + 1))];
}

/** Ops whose request body starts with a path string. */
const PATH_OPS = new Set<number>([ZK_OP.create, ZK_OP.delete, ZK_OP.exists, ZK_OP.getData, ZK_OP.setData, ZK_OP.getChildren, ZK_OP.getChildren2, ZK_OP.create2]);
const WATCH_OPS = new Set<number>([ZK_OP.exists, ZK_OP.getData, ZK_OP.getChildren, ZK_OP.getChildren2]);

function parseRequest(connection: number, frame: Buffer): ZkRequest | null {
  try {
    const xid = frame.readInt32BE(4);
    const op = frame.readInt32BE(8);
    let path: string | null = null;
    let watch: boolean | null = null;
    if (PATH_OPS.has(op) && frame.length >= 16) {
      const len = frame.readInt32BE(12);
      if (len >= 0 && 16 + len <= frame.length) {
        path = frame.toString('utf8', 16, 16 + len);
        if (WATCH_OPS.has(op) && 16 + len < frame.length) watch = frame[16 + len] !== 0;
      }
    }
    return { connection, xid, op, path, watch };
  } catch {
    return null;
  }
}
