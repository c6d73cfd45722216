/**
 * Section 7: one misbehaving client. While one client floods — WebSocket pings as fast as its
 * socket takes them (reconnecting whenever it is cut off), or GET /api/cluster in 8 keep-alive
 * loops — how late does another viewer get an update, and how long is the API's longest stall
 * for another client? Beside the same figures idle. The flood runs in a child process from its
 * own loopback address (127.0.0.3), the probes from others, so the gateway's per-address budgets
 * see them as different clients.
 *
 * Twice: on the gateway with its default budgets, and on a second gateway of the same cluster
 * with budgets too large to matter ("no budgets": what the gateway did before them).
 *
 * Viewer update: a worker's registry entry is rewritten (the leader's data watch fires, it streams
 * a snapshot, the gateway pushes a view); time from the ZooKeeper write until a viewer on
 * 127.0.0.1 has a view with a higher seq. API: back-to-back GET /api/cluster from 127.0.0.2
 * (20 ms apart), each answer's latency; a probe that got no answer within 5 s counts as 5 s.
 */
import http from 'node:http';
import { WORKERS_REGISTRY_PATH } from '@zkviz/shared';
import { ZOK, ZkConnection } from '@zkviz/shared/zk';
import { startGateway, startLocalCluster, type ManagedProcess } from '../launcher/src/index.js';
import { startFlooder, type Flooder } from '../test/helpers/flooder.js';
import { ViewWatcher, cpuMs, noteSessionTimeouts, procSample, sleep, waitSettled, withTimeout, type Ctx, type SectionResult } from './common.js';
import { figure, summarize, type Figure } from './stats.js';

const SECTION = '7 one client flooding';
const PROBE_TIMEOUT_MS = 5000;
const UNLIMITED = {
  READ_RATE_LIMIT_PER_MIN: '10000000',
  WS_CONNECTIONS_PER_ADDRESS: '1000000',
  WS_MESSAGE_BURST: '1000000',
  WS_MESSAGES_PER_SEC: '1000000',
};

type Phase = 'idle' | 'WebSocket flood' | 'HTTP flood';

/** Sequential GETs from one address until stopped; latencies in ms. */
function probeApi(baseUrl: string, localAddress: string): { stop(): Promise<number[]> } {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const one = () =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const req = http.get({ host: u.hostname, port: Number(u.port), path: '/api/cluster', agent, localAddress, timeout: PROBE_TIMEOUT_MS }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : NaN));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(Math.min(PROBE_TIMEOUT_MS, performance.now() - t0)));
    });
  const loop = (async () => {
    while (running) {
      latencies.push(await one());
      await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return latencies;
    },
  };
}

/**
 * After a flood the gateway may still be working through what the kernel had buffered for it
 * (without budgets: every queued ping). The next phase starts once a read is quick again.
 */
async function drained(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const t = performance.now();
    const ok = await fetch(`${baseUrl}/api/cluster`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ok && performance.now() - t < 50) return;
    await sleep(100);
  }
}

export async function runFlood(ctx: Ctx): Promise<SectionResult> {
  const seconds = ctx.options.quick ? 4 : 10;
  const figures: Figure[] = [];
  const facts: Record<string, unknown> = {};
  const notes: string[] = [];

  const cluster = await startLocalCluster({ nodes: 4, readyTimeoutMs: 90_000 });
  const zk = new ZkConnection({ connect: cluster.zkConnect, sessionTimeoutMs: 10_000, logLevel: 0 });
  let unlimited: ManagedProcess | null = null;
  try {
    const connected = new Promise((r) => zk.once('connected', r));
    zk.start();
    await withTimeout(connected, 10_000, 'a ZooKeeper session');
    unlimited = await startGateway({ zkConnect: cluster.zkConnect, clusterToken: cluster.clusterToken, name: 'gateway-unlimited', env: UNLIMITED });
    const gateways: Array<{ label: string; url: string; proc: ManagedProcess }> = [
      { label: 'default budgets', url: cluster.url!, proc: cluster.gateway! },
      { label: 'no budgets', url: `http://127.0.0.1:${unlimited.port}`, proc: unlimited },
    ];

    for (const gw of gateways) {
      const eye = await ViewWatcher.open(gw.url);
      try {
        const settled = await waitSettled(eye, 4);
        noteSessionTimeouts(ctx, cluster.nodes);
        const worker = settled.view.nodes.find((n) => n.role === 'worker')!;
        const entryPath = `${WORKERS_REGISTRY_PATH}/${worker.id}`;

        for (const phase of ['idle', 'WebSocket flood', 'HTTP flood'] as Phase[]) {
          ctx.log(`flood: ${gw.label}, ${phase}`);
          let flooder: Flooder | null = null;
          if (phase !== 'idle') {
            flooder = startFlooder();
            if (phase === 'WebSocket flood') {
              flooder.send({ cmd: 'ws', url: `${gw.url.replace(/^http/, 'ws')}/ws`, localAddress: '127.0.0.3', reconnect: true });
            } else {
              flooder.send({ cmd: 'http', url: gw.url, path: '/api/cluster', localAddress: '127.0.0.3', concurrency: 8 });
            }
            await sleep(1000); // the child starts (tsx) and its flood is under way
          }
          const cpu0 = procSample(gw.proc.pid);
          const t0 = Date.now();
          const probe = probeApi(gw.url, '127.0.0.2');
          const updates: number[] = [];
          let missed = 0;
          const deadline = Date.now() + seconds * 1000;
          while (Date.now() < deadline) {
            const seq = eye.latest!.view.seq;
            const got = eye.waitFor((v) => v.seq > seq, PROBE_TIMEOUT_MS, 'the update');
            const { data } = await zk.getData(entryPath);
            const entry = JSON.parse(data!.toString()) as { updatedAt: number };
            entry.updatedAt = Date.now();
            const t = performance.now();
            const set = await zk.setData(entryPath, JSON.stringify(entry));
            if (set.rc !== ZOK) throw new Error(`write ${entryPath}: rc ${set.rc}`);
            try {
              await got;
              updates.push(performance.now() - t);
            } catch {
              missed++;
              updates.push(PROBE_TIMEOUT_MS);
            }
            await sleep(200);
          }
          const api = await probe.stop();
          const cpuPct = (cpuMs(cpu0, procSample(gw.proc.pid)) / (Date.now() - t0)) * 100;
          const totals = flooder ? await flooder.stop() : null;
          if (flooder) await drained(gw.url);
          const label = `${gw.label}, ${phase}`;
          figures.push(figure(SECTION, `${label}: another viewer's update latency`, 'ms', updates));
          figures.push(figure(SECTION, `${label}: another client's GET /api/cluster (max = longest stall)`, 'ms', api.filter(Number.isFinite)));
          facts[label] = {
            gatewayCpuPctOfOneCore: Math.round(cpuPct),
            apiProbes: api.length,
            apiFailed: api.filter((v) => !Number.isFinite(v)).length,
            apiLongestStallMs: Math.round(summarize(api.filter(Number.isFinite))?.max ?? NaN),
            updatesMissed: missed,
            ...(totals && phase === 'WebSocket flood'
              ? {
                  floodConnections: totals.ws.length,
                  floodPingsSent: totals.ws.reduce((a, c) => a + c.sent, 0),
                  floodPongs: totals.ws.reduce((a, c) => a + c.pongs, 0),
                  floodCloseCodes: [...new Set(totals.ws.map((c) => c.code))],
                }
              : {}),
            ...(totals && phase === 'HTTP flood' ? { floodAnswers: totals.http } : {}),
          };
        }
      } finally {
        eye.close();
      }
    }
    facts.cutoffLogLines = cluster.gateway!.events.filter((e) => e.ev === 'rate-limited').map((e) => `${String(e.limit)} ${String(e.client)}`);
    facts.gatewayRunning = { default: cluster.gateway!.running, unlimited: unlimited.running };
  } finally {
    await zk.close();
    await unlimited?.stop();
    await cluster.stop();
  }
  notes.push('"no budgets" is a second gateway of the same cluster with every budget set out of reach: what one client could do before the budgets');
  return { figures, facts, notes };
}
