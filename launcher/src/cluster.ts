/**
 * Starting cluster nodes, the gateway, and whole local clusters as child processes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_GATEWAY_PORT } from '@zkviz/shared';
import { assertPortFree, freePort } from './ports.js';
import { ManagedProcess } from './process.js';
import { startEnsemble, type StartEnsembleOptions, type ZooKeeperEnsemble, type ZooKeeperServer } from './zookeeper.js';
import { startHostControl, type HostControl } from './host-control.js';

/** The repository root (this file lives in launcher/src or launcher/dist). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The node and the supervisor run as one bundled file each (cluster/scripts/bundle.mjs: start-up CPU and memory). */
export const NODE_ENTRY = join(REPO_ROOT, 'cluster', 'dist', 'bundle', 'main.js');
export const GATEWAY_ENTRY = join(REPO_ROOT, 'frontend', 'dist', 'gateway', 'main.js');
export const SUPERVISOR_ENTRY = join(REPO_ROOT, 'cluster', 'dist', 'bundle', 'supervisor', 'main.js');

export const DEFAULT_SESSION_TIMEOUT_MS = 2000;
export const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** A random per-run secret shared by the nodes and the gateway. */
export function generateClusterToken(): string {
  return randomBytes(24).toString('base64url');
}

function assertBuilt(entry: string, what: string): void {
  if (!existsSync(entry)) throw new Error(`${what} is not built (${entry} missing): run "npm run build" first`);
}

export interface StartNodeOptions {
  zkConnect: string;
  /** HTTP port; default: a free one. */
  port?: number;
  sessionTimeoutMs?: number;
  clusterToken?: string;
  /** Extra/overriding environment variables. */
  env?: Record<string, string | undefined>;
  /** Process name in messages; default `node-<port>`. */
  name?: string;
  /** Wait for `{"ev":"listening"}`; default true. */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Entry script; default cluster/dist/bundle/main.js. */
  entry?: string;
  /**
   * Run the node in a slot of this name, under a slot supervisor (cluster/dist/bundle/supervisor/main.js),
   * as local mode and compose do. The process is then the supervisor; the node's log lines come
   * through it unchanged, so `waitFor('listening')` and the acting lines work as before.
   */
  slot?: string;
}

/** Starts one cluster node (`node cluster/dist/bundle/main.js`), by default waiting until it listens. */
export async function startNode(options: StartNodeOptions): Promise<ManagedProcess> {
  const nodeEntry = options.entry ?? NODE_ENTRY;
  assertBuilt(nodeEntry, 'The cluster node');
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    ADVERTISED_ADDRESS: `127.0.0.1:${port}`,
    SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS),
  };
  let entry = nodeEntry;
  if (options.slot !== undefined) {
    assertBuilt(SUPERVISOR_ENTRY, 'The slot supervisor');
    entry = SUPERVISOR_ENTRY;
    const supervisorPort = await freePort();
    Object.assign(env, {
      SLOT: options.slot,
      SUPERVISOR_PORT: String(supervisorPort),
      SUPERVISOR_HOST: '127.0.0.1',
      SUPERVISOR_ADVERTISED_ADDRESS: `127.0.0.1:${supervisorPort}`,
    });
  }
  return spawnService(entry, options, { name: options.name ?? options.slot ?? `node-${port}`, port, env });
}

/** What starting a node and starting the gateway have in common: the process, its env, readiness. */
async function spawnService(
  entry: string,
  options: { zkConnect: string; clusterToken?: string; env?: Record<string, string | undefined>; waitReady?: boolean; readyTimeoutMs?: number },
  service: { name: string; port: number; env: Record<string, string> },
): Promise<ManagedProcess> {
  const proc = new ManagedProcess({
    name: service.name,
    command: process.execPath,
    args: [entry],
    port: service.port,
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ZK_CONNECT: options.zkConnect,
      PORT: String(service.port),
      HOST: '127.0.0.1',
      CLUSTER_TOKEN: options.clusterToken ?? generateClusterToken(),
      ...service.env,
      ...options.env,
    },
  });
  if (options.waitReady !== false) {
    await proc.waitFor('listening', { includeHistory: true, timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS });
  }
  return proc;
}

export interface StartGatewayOptions {
  zkConnect: string;
  /** HTTP port; default: a free one. An explicit port is checked first (one-line error if taken). */
  port?: number;
  clusterToken?: string;
  /** The gateway's own ZooKeeper session timeout (ZK_SESSION_TIMEOUT_MS; its default is 4000). */
  sessionTimeoutMs?: number;
  env?: Record<string, string | undefined>;
  name?: string;
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Entry script; default frontend/dist/gateway/main.js. */
  entry?: string;
}

/** Starts the gateway (`node frontend/dist/gateway/main.js`), by default waiting until it listens. */
export async function startGateway(options: StartGatewayOptions): Promise<ManagedProcess> {
  const entry = options.entry ?? GATEWAY_ENTRY;
  assertBuilt(entry, 'The gateway');
  let port: number;
  if (options.port !== undefined && options.port !== 0) {
    port = options.port;
    await assertPortFree(port, 'gateway', 'stop whatever listens there or choose another with --port');
  } else {
    port = await freePort();
  }
  return spawnService(entry, options, {
    name: options.name ?? 'gateway',
    port,
    env: options.sessionTimeoutMs !== undefined ? { ZK_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs) } : {},
  });
}

export interface LocalClusterOptions {
  /** Number of nodes to start. */
  nodes: number;
  /** Gateway port; default: a free one. `false`: no gateway. */
  gatewayPort?: number | false;
  /** Use an external ZooKeeper (host:port) instead of starting one. */
  zkConnect?: string;
  /** Options for the ZooKeeper we start (ignored with `zkConnect`); `size` > 1 starts an ensemble. */
  zookeeper?: StartEnsembleOptions;
  sessionTimeoutMs?: number;
  /** Default: a random token per run. */
  clusterToken?: string;
  /** Extra env for every node. */
  nodeEnv?: Record<string, string | undefined>;
  /** The node's entry script (default NODE_ENTRY; the bench runs another build beside this one). Not with `supervised`. */
  nodeEntry?: string;
  /**
   * Every node in a slot (`node-1`…) under a slot supervisor, and a host control server the
   * gateway uses to add slots and stop/start ZooKeeper (`npm start` does this). Then `nodes` are
   * the supervisors, whose output carries their nodes' log lines.
   */
  supervised?: boolean;
  /** Extra env for the gateway. */
  gatewayEnv?: Record<string, string | undefined>;
  readyTimeoutMs?: number;
}

export interface LocalCluster {
  /** The ZooKeeper servers we started (one by default), or null when an external one is used. */
  readonly ensemble: ZooKeeperEnsemble | null;
  /** The first of them (the only one unless `zookeeper.size` > 1), or null when external. */
  readonly zk: ZooKeeperServer | null;
  /** With `supervised`: the host control server the gateway was given (HOST_CONTROL_URL). */
  readonly hostControl: HostControl | null;
  readonly zkConnect: string;
  readonly clusterToken: string;
  readonly sessionTimeoutMs: number;
  /** Every node started so far, including ones that have died since (check `running`). */
  readonly nodes: ManagedProcess[];
  readonly gateway: ManagedProcess | null;
  /** `http://127.0.0.1:<gateway port>` (null without a gateway). */
  readonly url: string | null;
  /** Starts one more node and waits until it listens. */
  addNode(options?: { env?: Record<string, string | undefined> }): Promise<ManagedProcess>;
  /** Stops the gateway, every node, then ZooKeeper (if ours, every server). Idempotent. */
  stop(): Promise<void>;
}

/** ZooKeeper (unless external) + N nodes + the gateway, all on free ports unless told otherwise. */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const clusterToken = options.clusterToken ?? generateClusterToken();
  const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  const nodes: ManagedProcess[] = [];
  let gateway: ManagedProcess | null = null;
  let ensemble: ZooKeeperEnsemble | null = null;
  let hostControl: HostControl | null = null;
  let counter = 0;
  let stopping: Promise<void> | null = null;

  // Check an explicit gateway port before spending seconds on ZooKeeper.
  if (typeof options.gatewayPort === 'number' && options.gatewayPort !== 0) {
    await assertPortFree(options.gatewayPort, 'gateway', 'stop whatever listens there or choose another with --port');
  }

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (gateway) await gateway.stop();
      await hostControl?.close();
      await Promise.all(nodes.map((n) => n.stop()));
      if (ensemble) await ensemble.stop();
    })();
    return stopping;
  };

  try {
    ensemble = options.zkConnect ? null : await startEnsemble(options.zookeeper);
    const zkConnect = options.zkConnect ?? ensemble!.connectString;

    /** `awaitListening: false` returns once the process is spawned (the host's add-slot answers 202 then: accepted, not done). */
    const addNode = async (extra: { env?: Record<string, string | undefined>; awaitListening?: boolean } = {}): Promise<ManagedProcess> => {
      if (stopping) throw new Error('cluster is stopping');
      const index = ++counter;
      const port = await freePort();
      const node = await startNode({
        zkConnect,
        port,
        sessionTimeoutMs,
        clusterToken,
        name: `node-${index}`,
        slot: options.supervised ? `node-${index}` : undefined,
        env: { ...options.nodeEnv, ...extra.env },
        entry: options.nodeEntry,
        waitReady: false,
        readyTimeoutMs: options.readyTimeoutMs,
      });
      nodes.push(node);
      if (extra.awaitListening === false) return node;
      await node.waitFor('listening', { includeHistory: true, timeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS });
      return node;
    };

    await Promise.all(Array.from({ length: options.nodes }, () => addNode()));
    if (options.supervised) {
      hostControl = await startHostControl({ clusterToken, addSlot: async () => ({ slot: (await addNode({ awaitListening: false })).name }), zookeeper: ensemble });
    }
    if (options.gatewayPort !== false) {
      gateway = await startGateway({
        zkConnect,
        port: options.gatewayPort,
        clusterToken,
        // not the nodes' session timeout: the gateway keeps its own default (>= 1000 ms)
        env: { ...(hostControl ? { HOST_CONTROL_URL: hostControl.url } : {}), ...options.gatewayEnv },
        readyTimeoutMs: options.readyTimeoutMs,
      });
    }

    const url = gateway ? `http://127.0.0.1:${gateway.port}` : null;
    return { ensemble, zk: ensemble?.servers[0] ?? null, hostControl, zkConnect, clusterToken, sessionTimeoutMs, nodes, gateway, url, addNode, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { DEFAULT_GATEWAY_PORT };
