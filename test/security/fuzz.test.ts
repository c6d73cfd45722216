/**
 * A small, seeded fuzz of the gateway on a real local cluster (loopback only): random methods,
 * paths, headers and bodies against /api/*, random frames on /ws. Bounded in count and time.
 * Asserts: no 5xx, the gateway still answers /api/health, no node was killed (every process
 * runs, /election holds the same znodes). Set ZKVIZ_FUZZ_SEED to replay a failure.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ELECTION_PATH, type ClusterView } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { fetchJson, startLocalCluster, waitUntil, zkClient, type LocalCluster } from '../helpers/index.js';
import { rawRequest } from './raw-http.js';

const SEED = Number(process.env.ZKVIZ_FUZZ_SEED ?? 0x5eed2024);
const HTTP_CASES = 400;
const WS_FRAMES = 200;
const BUDGET_MS = 60_000; // a bound on the run, not a performance threshold

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

function randomBytes(max: number): Buffer {
  const b = Buffer.alloc(int(max));
  for (let i = 0; i < b.length; i++) b[i] = int(256);
  return b;
}

function randomString(max: number): string {
  const alphabet = 'abcdef0123456789-_n./%?#&=:;<>"\'\\ \u00e9\u4e2d\u0000AZ';
  let s = '';
  const len = int(max);
  for (let i = 0; i < len; i++) s += alphabet[int(alphabet.length)];
  return s;
}

function randomJson(depth = 0): unknown {
  switch (int(depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick([0, -1, 1e308, 3.5, Number.MAX_SAFE_INTEGER]);
    case 3:
      return randomString(40);
    case 4:
      return pick(['crash', 'graceful', 'ping', 'kill', '__proto__', `${'a'.repeat(32)}-n_0000000001`]);
    case 5:
      return Array.from({ length: int(4) }, () => randomJson(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(4); i > 0; i--) o[pick(['mode', 'type', 'target', 'id', 'leader', '__proto__', 'constructor', randomString(8)])] = randomJson(depth + 1);
      return o;
    }
  }
}

/** Ids that can never be a real node: real ones have random 32-hex prefixes, never these. */
function randomId(): string {
  return pick([
    () => `${'0'.repeat(32)}-n_${String(int(1e10)).padStart(10, '0')}`,
    () => encodeURIComponent(randomString(60)),
    () => randomString(30).replace(/[/?#%]/g, ''),
    () => '..%2F'.repeat(int(5)),
    () => 'a'.repeat(int(3000)),
    () => '%' + int(256).toString(16),
  ])();
}

function randomPath(): string {
  return pick([
    () => `/api/nodes/${randomId()}/kill`,
    () => `/api/nodes/${randomId()}`,
    () => `/api/${pick(['health', 'cluster', 'events', 'nodes', ''])}${pick(['', '/', '?x=1', '?' + randomString(20).replace(/[#]/g, '')])}`,
    () => `/api/${encodeURIComponent(randomString(20))}`,
    () => `/ws${pick(['', '?a=b', '/x'])}`,
    () => `/${randomString(30).replace(/[#?\s]/g, '')}`,
  ])();
}

function randomRequest(): { method: string; path: string; headers: Record<string, string>; body?: Buffer | string } {
  const method = pick(['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const headers: Record<string, string> = {};
  if (rand() < 0.8)
    headers['content-type'] = pick([
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/octet-stream',
      randomString(10).replace(/[^\x21-\x7e]/g, 'x') || 'x',
    ]);
  if (rand() < 0.3) headers.origin = pick(['https://evil.example', 'null', 'http://127.0.0.1']);
  if (rand() < 0.2) headers['x-zkviz-control-token'] = randomString(20).replace(/[^\x21-\x7e]/g, 'x');
  if (rand() < 0.2) headers['x-zkviz-cluster-token'] = randomString(20).replace(/[^\x21-\x7e]/g, 'x');
  let body: Buffer | string | undefined;
  if (method !== 'GET' && method !== 'HEAD' && rand() < 0.85) {
    body = pick([
      () => JSON.stringify(randomJson()),
      () => randomBytes(200),
      () => JSON.stringify({ mode: pick(['crash', 'graceful']) }),
      () => 'x'.repeat(int(10_000)),
    ])();
  }
  // Raw bytes in the path are refused by Node's own client; send them percent-encoded instead.
  const path = randomPath().replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return { method, path, headers, body };
}

let cluster: LocalCluster;
let zk: ZkConnection;
let znodesBefore: string[];

async function election(): Promise<string[]> {
  const { children } = await zk.getChildren(ELECTION_PATH);
  return (children ?? []).sort();
}

before(async () => {
  // A rate limit high enough that most fuzz kills reach validation (429s are also fine: not 5xx).
  cluster = await startLocalCluster({ nodes: 3, gatewayEnv: { KILL_RATE_LIMIT_PER_MIN: '100000' } });
  zk = await zkClient(cluster.zkConnect);
  await waitUntil(async () => (await fetchJson<ClusterView>(`${cluster.url}/api/cluster`)).body.status === 'ok', {
    timeoutMs: 20_000,
    description: 'the gateway to follow a leader',
  });
  znodesBefore = await election();
});
after(async () => {
  void zk?.close();
  await cluster?.stop();
});

describe(`fuzz (seed ${SEED}; replay with ZKVIZ_FUZZ_SEED=${SEED})`, () => {
  it(`${HTTP_CASES} random HTTP requests: no 5xx, every error is {error, message}`, async () => {
    const deadline = Date.now() + BUDGET_MS;
    const failures: string[] = [];
    for (let i = 0; i < HTTP_CASES && Date.now() < deadline; i++) {
      const req = randomRequest();
      let res;
      try {
        res = await rawRequest(`${cluster.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body, path: req.path });
      } catch (err) {
        failures.push(`#${i} ${req.method} ${req.path}: connection error ${String(err)}`);
        continue;
      }
      if (res.status >= 500) failures.push(`#${i} ${req.method} ${req.path} → ${res.status} ${res.body.slice(0, 200)}`);
      if (res.status >= 400 && req.method !== 'HEAD') {
        try {
          const body = JSON.parse(res.body) as Record<string, unknown>;
          if (typeof body.error !== 'string' || typeof body.message !== 'string')
            failures.push(`#${i} ${req.method} ${req.path}: error body ${res.body.slice(0, 200)}`);
        } catch {
          failures.push(`#${i} ${req.method} ${req.path} → ${res.status}: not JSON: ${res.body.slice(0, 200)}`);
        }
      }
      if (res.headers['access-control-allow-origin'] !== undefined) failures.push(`#${i}: Access-Control-Allow-Origin sent`);
    }
    assert.deepEqual(failures, []);
  });

  it(`${WS_FRAMES} random WebSocket frames: the server answers errors, survives, and its stream goes on`, async () => {
    const wsUrl = `${cluster.url!.replace('http', 'ws')}/ws`;
    /** One connection: every message or the close wakes whoever waits (no per-frame listeners). */
    const open = async () => {
      const socket = new WebSocket(wsUrl);
      const state = { closed: false, messages: 0, wake: null as (() => void) | null };
      socket.on('message', () => {
        state.messages++;
        state.wake?.();
      });
      socket.on('close', () => {
        state.closed = true;
        state.wake?.();
      });
      socket.on('error', () => {});
      await once(socket, 'open');
      // The greeting (snapshot + recent events) is not an answer to anything: let it arrive first.
      await new Promise<void>((resolve) => {
        state.wake = () => resolve();
        if (state.messages > 0) resolve();
      });
      return { socket, state };
    };
    let conn = await open();
    let closes = 0;
    for (let i = 0; i < WS_FRAMES; i++) {
      if (conn.state.closed) {
        closes++;
        conn = await open();
      }
      const frame = pick([() => JSON.stringify(randomJson()), () => randomBytes(300), () => randomString(200), () => 'x'.repeat(int(8000))])();
      const seen = conn.state.messages;
      const { state } = conn;
      // Every frame gets an answer (error or pong) or a close with a clear code (too big, bad UTF-8).
      const answered = new Promise<void>((resolve) => {
        state.wake = () => {
          if (state.closed || state.messages > seen) resolve();
        };
      });
      conn.socket.send(frame, { binary: typeof frame !== 'string' && rand() < 0.5 });
      await answered;
    }
    const socket = conn.socket;
    // Still served: a fresh client gets a snapshot.
    const probe = new WebSocket(wsUrl);
    const [first] = (await once(probe, 'message')) as [Buffer];
    assert.equal((JSON.parse(first.toString()) as { type: string }).type, 'snapshot');
    probe.close();
    socket.close();
    assert.ok(closes < WS_FRAMES, 'not every frame ended its connection');
  });

  it('afterwards: the gateway answers, every node runs, /election is unchanged', async () => {
    assert.deepEqual((await fetchJson(`${cluster.url}/api/health`)).body, {
      status: 'ok',
      controlProtected: false,
      // a real gateway reads slots from ZooKeeper; this cluster has no host control (not supervised)
      capabilities: { kill: true, freeze: true, partition: true, restart: true, addNode: false, zookeeperControl: false },
    });
    assert.ok(cluster.gateway!.running);
    assert.ok(
      cluster.nodes.every((n) => n.running),
      'every node process still runs',
    );
    assert.deepEqual(await election(), znodesBefore);
    assert.ok(!cluster.nodes.some((n) => n.events.some((e) => e.ev === 'dying')), 'no node was told to die');
  });
});
