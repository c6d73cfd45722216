/**
 * Shared machinery of the fault tests and the chaos run: a real ZooKeeper (one standalone server,
 * or an ensemble of them), real node processes, one TCP proxy per node and server (so each node
 * can be cut off alone, from every server or from one), a ZooKeeper inspector that reads the tree
 * directly (not through any proxy), and the invariant checks.
 *
 * Invariants, and exactly what each check means:
 *  - `actingIntervals` / `overlaps`: from the nodes' own `acting-start` / `acting-stop` log lines
 *    (`at` = the node's Date.now(); all processes share this machine's clock). An interval that
 *    never logged its stop ends when the harness SIGKILLed the process (or saw it exit), and is
 *    open ("still acting") while the process is running — including while it is SIGSTOPped:
 *    a frozen leader counts as acting until it resumes and logs acting-stop. That is the *raw*
 *    overlap; the gateway's view is checked separately where a test needs it.
 *  - `settle`: the settled-cluster predicate of test/helpers/settled.ts over every live node's
 *    /internal/status and ZooKeeper's tree: "no orphans" — /election holds exactly one znode per
 *    live node, the workers registry exactly the live non-leaders, the coordinators registry
 *    exactly the one acting leader — exactly one node acts, the lowest, and every worker watches
 *    its predecessor. Waiting for it is event-driven (ZooKeeper child watches + node log lines);
 *    the timeout is only a guard.
 */
import { existsSync } from 'node:fs';
import { COORDINATORS_REGISTRY_PATH, ELECTION_PATH, WORKERS_REGISTRY_PATH, NODE_ROUTES, type NodeSelfStatus } from '@zkviz/shared';
import { ZOK, ZNONODE, ZkConnection } from '@zkviz/shared/zk';
import {
  GATEWAY_ENTRY,
  NODE_ENTRY,
  fourLetterWord,
  generateClusterToken,
  startGateway,
  startEnsemble,
  startHostControl,
  startNode,
  type HostControl,
  type LogEvent,
  type ManagedProcess,
  type ZooKeeperEnsemble,
  type ZooKeeperServer,
} from '@zkviz/launcher';
import { fetchJson } from '../helpers/index.js';
import { settledProblems } from '../helpers/settled.js';
import { TcpProxy, type ProxyMode } from '../helpers/tcp-proxy.js';

/** Session timeout the nodes ask for; ZooKeeper runs with tickTime 100 ms so it is honoured. */
export const SESSION_TIMEOUT_MS = Number(process.env.ZKVIZ_FAULTS_SESSION_MS ?? 1500);
export const TICK_MS = 100;
/** Failure guard for "eventually" waits. Never an asserted duration. */
export const GUARD_MS = Number(process.env.ZKVIZ_FAULTS_GUARD_MS ?? 20_000);

/**
 * The built node and gateway. Safeguard-removal runs (safeguards.sh) use these same builds with
 * named switches in the environment, which every child inherits (see shared/src/safeguards.ts).
 */
export const NODE_MAIN = NODE_ENTRY;
export const GATEWAY_MAIN = GATEWAY_ENTRY;
export const gatewayBuilt = (): boolean => existsSync(GATEWAY_MAIN);

export class FaultNode {
  /** When the harness SIGKILLed it (the latest moment it can have acted). */
  killedAt: number | null = null;
  /** When the harness saw it exit. */
  exitAt: number | null = null;
  /** Exits the test asked for (kill, stop, crash): anything else is an unplanned exit. */
  expectExit = false;
  frozen = false;

  constructor(
    readonly name: string,
    readonly proc: ManagedProcess,
    /** The node's way to each ZooKeeper server, in server id order (`proxies[0]` is server 1's). */
    readonly proxies: readonly TcpProxy[],
    /** Run under a slot supervisor (`proc` is the supervisor; its node may be down while it runs). */
    readonly supervised = false,
  ) {
    void proc.exited.then(() => {
      this.exitAt = Date.now();
    });
  }

  /** The node's way to its only ZooKeeper server (a standalone one); with an ensemble, `proxies`. */
  get proxy(): TcpProxy {
    if (this.proxies.length !== 1) throw new Error(`${this.name} talks to ${this.proxies.length} ZooKeeper servers: use proxies[id - 1]`);
    return this.proxies[0]!;
  }

  /** Cuts the node off from every server at once (`pass` heals). */
  setZooKeeperMode(mode: ProxyMode): void {
    for (const p of this.proxies) p.setMode(mode);
  }

  get port(): number {
    return this.proc.port!;
  }

  /** The node process runs (for a supervised node: its supervisor's last word is node-spawned). */
  get running(): boolean {
    if (!this.proc.running) return false;
    if (!this.supervised) return true;
    const events = this.proc.events;
    for (let i = events.length - 1; i >= 0; i--) {
      const ev = events[i]!.ev;
      if (ev === 'node-spawned') return true;
      if (ev === 'node-exit') return false;
    }
    return true;
  }

  async status(): Promise<NodeSelfStatus> {
    const { status, body } = await fetchJson<NodeSelfStatus>(`http://127.0.0.1:${this.port}${NODE_ROUTES.status}`, { signal: AbortSignal.timeout(3000) });
    if (status !== 200) throw new Error(`${this.name}: GET ${NODE_ROUTES.status} answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** SIGKILL; resolves once it has exited. */
  async kill(): Promise<void> {
    this.expectExit = true;
    this.killedAt = Date.now();
    this.proc.signal('SIGCONT');
    await this.proc.kill();
  }

  /** SIGTERM (graceful); resolves once it has exited. */
  async terminate(): Promise<void> {
    this.expectExit = true;
    await this.proc.stop(8000);
  }

  freeze(): void {
    this.frozen = true;
    this.proc.signal('SIGSTOP');
  }

  thaw(): void {
    this.frozen = false;
    this.proc.signal('SIGCONT');
  }

  /** Events after `since` (a `proc.cursor()`), or all kept ones. */
  eventsOf(ev: string): LogEvent[] {
    return this.proc.events.filter((e) => e.ev === ev);
  }
}

export interface ActingInterval {
  node: string;
  znode: string;
  fencingToken: number;
  start: number;
  /** Infinity while still acting. */
  end: number;
  /** How the end is known: a logged acting-stop, the harness's SIGKILL/exit, or still open. */
  endKnownBy: 'log' | 'killed' | 'exit' | 'open';
}

/** Every acting interval of every node, from the nodes' own log lines. */
export function actingIntervals(nodes: readonly FaultNode[]): ActingInterval[] {
  const out: ActingInterval[] = [];
  for (const node of nodes) {
    let open: ActingInterval | null = null;
    for (const e of node.proc.events) {
      if (e.ev === 'acting-start') {
        open = { node: node.name, znode: String(e.znode), fencingToken: Number(e.fencingToken), start: Number(e.at), end: Infinity, endKnownBy: 'open' };
        out.push(open);
      } else if (e.ev === 'acting-stop' && open) {
        open.end = Number(e.at);
        open.endKnownBy = 'log';
        open = null;
      } else if (e.ev === 'node-exit' && open) {
        // A supervised node died (crash, kill): its supervisor says when; the slot may run a new one.
        open.end = Number(e.at);
        open.endKnownBy = 'exit';
        open = null;
      }
    }
    if (open) {
      if (node.killedAt !== null) {
        open.end = node.killedAt;
        open.endKnownBy = 'killed';
      } else if (!node.running) {
        open.end = node.exitAt ?? Date.now();
        open.endKnownBy = 'exit';
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export interface Overlap {
  a: ActingInterval;
  b: ActingInterval;
  ms: number;
}

/** Pairs of intervals of different nodes that overlap in time (raw, from the logs). */
export function overlaps(intervals: readonly ActingInterval[]): Overlap[] {
  const out: Overlap[] = [];
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const a = intervals[i]!;
      const b = intervals[j]!;
      if (a.node === b.node) continue;
      const from = Math.max(a.start, b.start);
      const to = Math.min(a.end, b.end);
      if (to > from) out.push({ a, b, ms: to === Infinity ? Infinity : to - from });
    }
  }
  return out;
}

export function describeIntervals(intervals: readonly ActingInterval[]): string {
  return intervals.map((i) => `  ${i.node} ${i.znode.slice(-13)} [${i.start} .. ${i.end === Infinity ? 'open' : i.end}] (${i.endKnownBy})`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// ZooKeeper inspector
// ---------------------------------------------------------------------------------------------

export interface Tree {
  election: string[];
  coordinators: string[];
  workers: string[];
}

/** Reads the election tree straight from ZooKeeper (no proxy) and reports child changes. */
export class ZkInspector {
  readonly conn: ZkConnection;
  private listeners = new Set<() => void>();

  constructor(connect: string) {
    this.conn = new ZkConnection({
      connect,
      sessionTimeoutMs: 4000,
      logLevel: process.env.ZKVIZ_FAULTS_DEBUG ? 3 : 0,
      log: process.env.ZKVIZ_FAULTS_DEBUG
        ? (m, f) =>
            console.error(
              'inspector',
              Date.now(),
              m,
              JSON.stringify(f, (k, v: unknown) => (k === 'code' && typeof v === 'object' ? 'obj' : v)),
            )
        : undefined,
    });
  }

  async start(timeoutMs = GUARD_MS): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('inspector: no ZooKeeper session')), timeoutMs);
      this.conn.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.conn.start();
    await connected;
    // Any new session (e.g. after a ZooKeeper restart) must re-arm the watches.
    this.conn.on('connected', () => this.changed());
  }

  /** Call `fn` on every child change under the three parents (and on reconnect). Returns an off(). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  private async children(path: string, watch: boolean): Promise<string[]> {
    const { rc, children } = await this.conn.getChildren(path, watch ? () => this.changed() : undefined);
    if (rc === ZOK) return [...(children ?? [])].sort();
    if (rc === ZNONODE) {
      // Watch for the parent's creation through its own parent (the root): getChildren('/').
      if (watch) await this.conn.getChildren('/', () => this.changed());
      return [];
    }
    throw new Error(`inspector: getChildren ${path} failed rc=${rc}`);
  }

  /** The tree now; with `watch`, arms one-shot child watches that call the change listeners. */
  async tree(watch = false): Promise<Tree> {
    const [election, coordinators, workers] = await Promise.all([
      this.children(ELECTION_PATH, watch),
      this.children(COORDINATORS_REGISTRY_PATH, watch),
      this.children(WORKERS_REGISTRY_PATH, watch),
    ]);
    return { election, coordinators, workers };
  }

  async exists(path: string): Promise<boolean> {
    const { rc } = await this.conn.getData(path);
    return rc === ZOK;
  }

  async delete(path: string): Promise<number> {
    return (await this.conn.delete(path)).rc;
  }

  close(): void {
    void this.conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The cluster under test
// ---------------------------------------------------------------------------------------------

export interface FaultClusterOptions {
  nodes: number;
  sessionTimeoutMs?: number;
  /** ZooKeeper servers: 1 (default) standalone, more an ensemble on loopback. */
  ensemble?: number;
  /**
   * The launcher's host control beside the gateway (HOST_CONTROL_URL), as local mode runs it: the
   * gateway's ZooKeeper server routes then stop and start this cluster's servers.
   */
  hostControl?: boolean;
  /** Start ZooKeeper later (F12): the nodes start pointed at a port nobody serves yet. */
  deferZooKeeper?: boolean;
  gateway?: boolean;
  /** Every node in a slot under a supervisor (behind its harness proxy), as local mode runs them. */
  supervised?: boolean;
}

export interface SettledState {
  leader: FaultNode;
  leaderZnode: string;
  tree: Tree;
  statuses: Map<FaultNode, NodeSelfStatus>;
}

export class FaultCluster {
  ensemble: ZooKeeperEnsemble | null = null;
  inspector: ZkInspector | null = null;
  readonly nodes: FaultNode[] = [];
  gateway: ManagedProcess | null = null;
  hostControl: HostControl | null = null;
  readonly clusterToken = generateClusterToken();
  private counter = 0;
  /** Client ports of the servers, in id order (picked early when ZooKeeper starts later). */
  private zkPorts: number[] = [];

  private constructor(
    readonly sessionTimeoutMs: number,
    readonly supervised: boolean,
    readonly ensembleSize: number,
  ) {}

  static async start(options: FaultClusterOptions): Promise<FaultCluster> {
    const size = options.ensemble ?? 1;
    if (options.deferZooKeeper && size > 1) throw new Error('deferZooKeeper is for a standalone server');
    const cluster = new FaultCluster(options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS, options.supervised ?? false, size);
    try {
      if (options.deferZooKeeper) {
        const { freePort } = await import('@zkviz/launcher');
        cluster.zkPorts = [await freePort()];
      } else {
        await cluster.startZooKeeper();
      }
      await Promise.all(Array.from({ length: options.nodes }, () => cluster.addNode()));
      if (options.hostControl) {
        cluster.hostControl = await startHostControl({
          clusterToken: cluster.clusterToken,
          addSlot: async () => ({ slot: (await cluster.addNode({ waitReady: false })).name }),
          zookeeper: cluster.ensemble,
        });
      }
      if (options.gateway) await cluster.startGateway();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The first ZooKeeper server (the only one unless `ensemble` > 1). */
  get zk(): ZooKeeperServer | null {
    return this.ensemble?.servers[0] ?? null;
  }

  /** Every server, in id order, as the gateway and the inspector reach them (no proxy). */
  get zkConnect(): string {
    return this.zkPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  async startZooKeeper(): Promise<void> {
    this.ensemble = await startEnsemble({ size: this.ensembleSize, port: this.zkPorts[0], tickTime: TICK_MS });
    this.zkPorts = this.ensemble.servers.map((s) => s.port);
    this.inspector = new ZkInspector(this.ensemble.connectString);
    await this.inspector.start();
  }

  /** Each server's mode as its `srvr` says (`leader`, `follower`, `standalone`), null when not serving. */
  async zooKeeperModes(): Promise<Map<ZooKeeperServer, string | null>> {
    const servers = this.ensemble?.servers ?? [];
    const modes = await Promise.all(
      servers.map(async (s) => (s.serving ? (/Mode:\s*(\S+)/.exec(await fourLetterWord(s.host, s.port, 'srvr').catch(() => ''))?.[1] ?? null) : null)),
    );
    return new Map(servers.map((s, i) => [s, modes[i]!]));
  }

  /** Restarts every ZooKeeper server (wiped: a new, empty tree) and resolves once they serve. */
  async restartZooKeeper(options: { wipe?: boolean } = {}): Promise<void> {
    await this.ensemble!.restart(options);
  }

  /** Starts one more node behind its own proxy; `beforeStart` can arm the proxy first. */
  async addNode(options: { beforeStart?: (proxy: TcpProxy) => void; waitReady?: boolean } = {}): Promise<FaultNode> {
    const name = `node-${++this.counter}`;
    const proxies = await Promise.all(this.zkPorts.map((port, i) => TcpProxy.start(`127.0.0.1:${port}`, { name: `proxy-${name}-zk${i + 1}` })));
    for (const proxy of proxies) options.beforeStart?.(proxy);
    const proc = await startNode({
      zkConnect: proxies.map((p) => p.connectString).join(','),
      sessionTimeoutMs: this.sessionTimeoutMs,
      clusterToken: this.clusterToken,
      name,
      entry: NODE_MAIN,
      slot: this.supervised ? name : undefined,
      waitReady: false,
      env: { LOG_LEVEL: 'info' },
    });
    const node = new FaultNode(name, proc, proxies, this.supervised);
    this.nodes.push(node);
    if (options.waitReady !== false) await proc.waitFor('listening', { includeHistory: true, timeoutMs: GUARD_MS });
    return node;
  }

  async startGateway(): Promise<ManagedProcess> {
    this.gateway = await startGateway({
      zkConnect: this.zkConnect,
      clusterToken: this.clusterToken,
      sessionTimeoutMs: this.sessionTimeoutMs,
      entry: GATEWAY_MAIN,
      readyTimeoutMs: GUARD_MS,
      env: this.hostControl ? { HOST_CONTROL_URL: this.hostControl.url } : {},
    });
    return this.gateway;
  }

  get live(): FaultNode[] {
    return this.nodes.filter((n) => n.running);
  }

  /** Per-node log cursors, for "a new event after this point". */
  cursors(): Map<FaultNode, number> {
    return new Map(this.nodes.map((n) => [n, n.proc.cursor()]));
  }

  /**
   * Resolves with the first node that logs `acting-start` after `since` (cursors from `cursors()`;
   * nodes not in the map count from the beginning).
   */
  async nextActingStart(since: Map<FaultNode, number>, among: FaultNode[] = this.live, timeoutMs = GUARD_MS): Promise<{ node: FaultNode; event: LogEvent }> {
    const waits = among.map((node) => node.proc.waitFor('acting-start', { since: since.get(node) ?? 0, timeoutMs }).then((event) => ({ node, event })));
    try {
      return await Promise.any(waits);
    } catch (err) {
      const reasons = (err as AggregateError).errors?.map((e: Error) => e.message.split('\n')[0]).join('\n  ') ?? String(err);
      throw new Error(`no node started acting:\n  ${reasons}\n${describeIntervals(actingIntervals(this.nodes))}`, { cause: err });
    }
  }

  /**
   * Waits until the cluster has settled with no orphans (see the file comment) and returns it.
   * Re-checks on every ZooKeeper child change and every node log line; `timeoutMs` is a guard.
   */
  async settle(options: { timeoutMs?: number; expectLive?: FaultNode[] } = {}): Promise<SettledState> {
    const inspector = this.inspector!;
    const timeoutMs = options.timeoutMs ?? GUARD_MS;
    let lastProblem = 'not checked yet';
    return new Promise<SettledState>((resolve, reject) => {
      let running = false;
      let again = false;
      let done = false;
      const offs: (() => void)[] = [];
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const off of offs) off();
        fn();
      };
      const check = async (): Promise<void> => {
        if (done) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          const result = await this.checkSettled(options.expectLive);
          if (typeof result === 'string') lastProblem = result;
          else finish(() => resolve(result));
        } catch (err) {
          lastProblem = `check failed: ${(err as Error).message}`;
        } finally {
          running = false;
          if (again && !done) {
            again = false;
            void check();
          }
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`cluster did not settle (no orphans, one leader) within the ${timeoutMs} ms guard: ${lastProblem}`))),
        timeoutMs,
      );
      offs.push(inspector.onChange(() => void check()));
      // Belt and braces: watches die with a ZooKeeper session (e.g. when ZooKeeper is wiped), and a
      // node's status can change without a log line; re-check now and then as well.
      const slow = setInterval(() => void check(), 1000);
      offs.push(() => clearInterval(slow));
      for (const node of this.nodes) {
        const onEvent = () => void check();
        node.proc.on('event', onEvent);
        offs.push(() => node.proc.off('event', onEvent));
      }
      void check();
    });
  }

  /** One settle check: the settled state, or a string saying what is not settled yet. */
  private async checkSettled(expectLive?: FaultNode[]): Promise<SettledState | string> {
    const live = expectLive ?? this.live;
    const tree = await this.inspector!.tree(true);
    const statuses = new Map<FaultNode, NodeSelfStatus>();
    for (const node of live) {
      if (!node.running) return `${node.name} is not running`;
      try {
        statuses.set(node, await node.status());
      } catch (err) {
        return `${node.name} status unavailable: ${(err as Error).message}`;
      }
    }
    const problems = settledProblems(
      [...statuses].map(([node, s]) => ({ ...s, name: node.name })),
      tree,
    );
    if (problems.length) return problems.join('; ');
    const [leader, leaderStatus] = [...statuses].find(([, s]) => s.acting)!;
    return { leader, leaderZnode: leaderStatus.znode!, tree, statuses };
  }

  /** Asserts no two nodes' acting intervals overlap; returns the intervals for further checks. */
  assertAtMostOneActing(): ActingInterval[] {
    const intervals = actingIntervals(this.nodes);
    const found = overlaps(intervals);
    if (found.length) {
      const lines = found.map((o) => `  ${o.a.node} and ${o.b.node} both acting for ${o.ms} ms`);
      throw new Error(`more than one node acting at once:\n${lines.join('\n')}\nintervals:\n${describeIntervals(intervals)}`);
    }
    return intervals;
  }

  /** Nodes that exited although the test did not ask them to. */
  unplannedExits(): FaultNode[] {
    return this.nodes.filter((n) => !n.running && !n.expectExit);
  }

  async stop(): Promise<void> {
    if (this.gateway) await this.gateway.stop().catch(() => undefined);
    await this.hostControl?.close().catch(() => undefined);
    await Promise.all(
      this.nodes.map(async (n) => {
        n.expectExit = true;
        n.proc.signal('SIGCONT');
        await n.proc.stop(3000).catch(() => undefined);
        await Promise.all(n.proxies.map((p) => p.close().catch(() => undefined)));
      }),
    );
    this.inspector?.close();
    if (this.ensemble) await this.ensemble.stop().catch(() => undefined);
  }
}

/** Runs `fn` with a fresh cluster and always cleans up; on failure, adds the nodes' log tails. */
export async function withCluster<T>(options: FaultClusterOptions, fn: (cluster: FaultCluster) => Promise<T>): Promise<T> {
  const cluster = await FaultCluster.start(options);
  try {
    const result = await fn(cluster);
    const unplanned = cluster.unplannedExits();
    if (unplanned.length) throw new Error(`unplanned exits: ${unplanned.map((n) => `${n.name}\n${n.proc.tail(10)}`).join('\n')}`);
    return result;
  } catch (err) {
    if (process.env.ZKVIZ_FAULTS_TAILS === '0') throw err;
    let tails = `\n--- acting intervals ---\n${describeIntervals(actingIntervals(cluster.nodes))}`;
    for (const n of cluster.nodes) tails += `\n--- ${n.name} (${n.running ? 'running' : 'exited'}) ---\n${n.proc.tail(12)}`;
    // Some errors (a fetch timeout's DOMException) have a read-only message: wrap those instead
    // of masking them with a TypeError.
    if (err instanceof Error && Object.getOwnPropertyDescriptor(err, 'message')?.writable) {
      err.message += tails;
      throw err;
    }
    throw new Error(`${String(err)}${tails}`, { cause: err });
  } finally {
    await cluster.stop();
  }
}

/** A pause that is part of a fault (e.g. keep a partition longer than the session timeout). */
export function hold(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sequence number of an election znode name. */
export function seqOf(znode: string): number {
  return Number(znode.slice(znode.lastIndexOf('-n_') + 3));
}

/** Live nodes of a settled state in election order (lowest sequence first). */
export function inElectionOrder(settled: SettledState): { node: FaultNode; znode: string; watching: string | null }[] {
  return [...settled.statuses].map(([node, s]) => ({ node, znode: s.znode!, watching: s.watching })).sort((a, b) => seqOf(a.znode) - seqOf(b.znode));
}
