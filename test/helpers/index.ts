/**
 * What integration, e2e and fault tests need: the launcher API, a shared ZooKeeper per test file,
 * connected ZooKeeper clients, and waiting helpers that wake up on events instead of sleeping.
 *
 *   import { useZooKeeper, waitForEvent } from '../helpers/index.js';
 *   const zk = useZooKeeper();                 // before(): start; after(): stop
 *   it('...', async () => { const c = await zk.client(); ... });
 *
 * Everything started through these helpers is stopped in the test file's after() hook, and the
 * launcher kills any leftover child if the test process dies.
 */
import { after, before } from 'node:test';
import type { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { gatewayKillPath } from '@zkviz/shared';
import { ZkConnection, type SessionInfo } from '@zkviz/shared/zk';
import {
  startEnsemble,
  startLocalCluster as launchLocalCluster,
  type LocalCluster,
  type LocalClusterOptions,
  type StartEnsembleOptions,
  type StartZooKeeperOptions,
  type ZooKeeperEnsemble,
  type ZooKeeperServer,
} from '../../launcher/src/index.js';

export * from '../../launcher/src/index.js';
export * from './settled.js';

/**
 * How long a test waits for each process of a cluster to listen. Tests share a 2-core machine with
 * other jobs, where a node can take far longer than the launcher's own default to start.
 */
export const TEST_READY_TIMEOUT_MS = 60_000;

/** The launcher's startLocalCluster with the tests' ready timeout (a test may still pass its own). */
export function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  return launchLocalCluster({ readyTimeoutMs: TEST_READY_TIMEOUT_MS, ...options });
}

// ---------------------------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------------------------

/** Rejects with `what` if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Resolves with the arguments of the first `event` emitted by `emitter` for which `filter`
 * (default: any) returns true. Rejects after `timeoutMs` (default 10 s).
 */
export function waitForEvent<A extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  options: { filter?: (...args: A) => boolean; timeoutMs?: number; description?: string } = {},
): Promise<A> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<A>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (options.filter && !options.filter(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.description ?? `"${event}"`}`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}

/**
 * Resolves once `check()` returns a truthy value (which is returned). Re-checks whenever one of
 * the given emitters emits one of the given events, so it follows the system instead of sleeping;
 * `intervalMs` (default 250 ms) is only a safety net for state that changes without an event
 * (e.g. an HTTP view). Rejects after `timeoutMs` with the last check's error, if any.
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; description?: string; on?: Array<[EventEmitter, string]> } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let wake: (() => void) | null = null;
  const poke = () => wake?.();
  for (const [emitter, ev] of options.on ?? []) emitter.on(ev, poke);
  try {
    for (;;) {
      try {
        const value = await check();
        if (value) return value;
        lastError = null;
      } catch (err) {
        lastError = err;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const why = lastError ? `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}` : '';
        throw new Error(`timed out after ${timeoutMs} ms waiting until ${options.description ?? check.toString()}${why}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, options.intervalMs ?? 250));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    for (const [emitter, ev] of options.on ?? []) emitter.off(ev, poke);
  }
}

// ---------------------------------------------------------------------------------------------
// ZooKeeper
// ---------------------------------------------------------------------------------------------

export interface ZkClientOptions {
  sessionTimeoutMs?: number;
  /** How long to wait for the first session; default 10 s. */
  timeoutMs?: number;
}

/** A `ZkConnection` to `connect`, resolved once its first session is up. The caller closes it. */
export async function zkClient(connect: string, options: ZkClientOptions = {}): Promise<ZkConnection> {
  const conn = new ZkConnection({ connect, sessionTimeoutMs: options.sessionTimeoutMs ?? 4000, logLevel: 0 });
  const connected = waitForEvent<[SessionInfo, boolean]>(conn, 'connected', {
    timeoutMs: options.timeoutMs ?? 10_000,
    description: `a ZooKeeper session with ${connect}`,
  });
  conn.start();
  try {
    await connected;
  } catch (err) {
    void conn.close();
    throw err;
  }
  return conn;
}

export interface SharedZooKeeper {
  /** The server, the first of an ensemble (available inside tests, after the before() hook ran). */
  readonly server: ZooKeeperServer;
  /** Every server (one unless `size` > 1). */
  readonly ensemble: ZooKeeperEnsemble;
  /** Every server of the ensemble. */
  readonly connectString: string;
  /** A connected client (to any server), closed automatically in after(). */
  client(options?: ZkClientOptions): Promise<ZkConnection>;
}

/**
 * One ZooKeeper for the whole test file: started in before(), stopped in after(). Call at the top
 * level of the file (or of a describe()). `size: 3` starts an ensemble, as `npm start -- --ensemble 3`.
 */
export function useZooKeeper(options: StartZooKeeperOptions & StartEnsembleOptions = {}): SharedZooKeeper {
  let ensemble: ZooKeeperEnsemble | null = null;
  const clients: ZkConnection[] = [];
  before(async () => {
    ensemble = await startEnsemble(options);
  });
  after(async () => {
    for (const c of clients.splice(0)) void c.close();
    await ensemble?.stop();
  });
  const get = (): ZooKeeperEnsemble => {
    if (!ensemble) throw new Error('useZooKeeper(): the server is only available inside tests (after before() ran)');
    return ensemble;
  };
  return {
    get server() {
      return get().servers[0]!;
    },
    get ensemble() {
      return get();
    },
    get connectString() {
      return get().connectString;
    },
    async client(clientOptions) {
      const c = await zkClient(get().connectString, clientOptions);
      clients.push(c);
      return c;
    },
  };
}

/**
 * A local cluster (ZooKeeper + nodes + gateway) for the whole test file, stopped in after().
 * `cluster.current` is available inside tests.
 */
export function useCluster(options: LocalClusterOptions): { readonly current: LocalCluster } {
  let cluster: LocalCluster | null = null;
  before(async () => {
    cluster = await startLocalCluster(options);
  });
  after(async () => {
    await cluster?.stop();
  });
  return {
    get current() {
      if (!cluster) throw new Error('useCluster(): the cluster is only available inside tests');
      return cluster;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/**
 * fetch + JSON with the status attached; throws on network errors only. Those are rethrown as an
 * Error naming the request: fetch rejects with a TypeError whose reason is in `cause`, and a
 * timed-out signal with a DOMException, which the test runner prints as `{}`. The default
 * timeout is a failure guard, generous for a loaded 2-core machine (never an asserted duration).
 */
const FETCH_GUARD_MS = 15_000;

export async function fetchJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  let text: string;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(FETCH_GUARD_MS) });
    text = await res.text();
  } catch (err) {
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${reason(err)}`, { cause: err });
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T };
}

/** An error's message and its cause's (fetch's "fetch failed" says nothing without its cause). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return inspect(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.name}: ${err.message}${cause}`;
}

/** `POST /api/nodes/:id/kill` on a gateway, the way the page does it. */
export function killThroughGateway(gatewayUrl: string, id: string, mode: 'crash' | 'graceful'): Promise<{ status: number; body: unknown }> {
  return fetchJson(`${gatewayUrl}${gatewayKillPath(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
}
