/**
 * Chaos run: random faults against a local cluster (real ZooKeeper, real node processes, one TCP
 * proxy per node, the gateway when built), with a checker recording
 *  - every acting interval (the nodes' acting-start / acting-stop log lines),
 *  - every change of the coordinators registry (a ZooKeeper watch),
 *  - every view the gateway pushed on /ws (a ws client),
 * then a summary. Exits non-zero when an invariant broke:
 *  - split-brain as seen through the gateway: a pushed view naming a leader whose fencing token is
 *    lower than one the gateway already showed in the same life of /election (it went back to a
 *    deposed leader; a wiped ZooKeeper starts the tokens again, in a new electionIncarnation);
 *  - raw acting overlap NOT explained by a SIGSTOP (a frozen process counts as acting until it
 *    resumes and logs acting-stop, which is reported separately as "explained");
 *  - orphan znodes once settled (after every fault and at the end);
 *  - the gateway not showing the settled leader (after every fault), the page's view of the truth;
 *  - unplanned process exits.
 *
 *   npm run chaos -- --minutes 10 --nodes 8 [--seed 42] [--session-ms 1500] [--faults zk-restart,leader-sigkill] [--routes] [--ensemble 3]
 *
 * --routes: every node runs in a slot under its supervisor (as in local mode and compose), and the
 * node faults go through the gateway's routes, as a user clicks them: kills (crash, graceful) via
 * POST /api/nodes/:id/kill, freezes and partitions via POST /api/slots/:slot/freeze|partition, and
 * a killed node comes back via POST /api/slots/:slot/restart; ZooKeeper servers are stopped and
 * started via POST /api/zookeeper/servers/:id/stop|start (the launcher's host control). Whole-ensemble
 * restarts and ZAB leader kills (SIGKILL) stay the harness's. With --routes the mix also draws
 * `scenario`: one of the page's guided scenarios the gateway lists as available, run to its end
 * through the scenario routes (it must end `done`).
 *
 * --ensemble N: ZooKeeper is an ensemble of N servers, and the mix adds its own faults: a follower
 * stopped for a while, the ZAB leader SIGKILLed (restarted after a while), the quorum lost (all but
 * a minority stopped) for longer than a session. zk-restart(-wiped) then restart every server.
 *
 * Loopback only; bounded in time; every process is stopped at the end (and on Ctrl-C).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { COORDINATORS_REGISTRY_PATH, GATEWAY_ROUTES, SCENARIO_ROUTES, scenarioRunPath, type ClusterView, type ScenarioList } from '@zkviz/shared';
import { fetchJson, killThroughGateway, waitUntil } from '../helpers/index.js';
import type { ZooKeeperServer } from '@zkviz/launcher';
import { FaultCluster, actingIntervals, gatewayBuilt, hold, overlaps, type ActingInterval, type FaultNode, type SettledState } from '../faults/harness.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '8' },
    seed: { type: 'string' },
    'session-ms': { type: 'string', default: '1500' },
    'settle-guard-ms': { type: 'string', default: '30000' },
    faults: { type: 'string' },
    routes: { type: 'boolean', default: false },
    ensemble: { type: 'string', default: '1' },
  },
});
const viaRoutes = values.routes === true;
const minutes = Number(values.minutes);
const nodeCount = Number(values.nodes);
const sessionMs = Number(values['session-ms']);
const settleGuardMs = Number(values['settle-guard-ms']);
const ensembleSize = Number(values.ensemble);
if (!(minutes > 0) || !(nodeCount >= 2) || !(sessionMs >= 400) || !(Number.isInteger(ensembleSize) && ensembleSize >= 1 && ensembleSize <= 7)) {
  console.error('usage: npm run chaos -- --minutes <n> --nodes <n >= 2> [--seed <n>] [--session-ms <ms >= 400>] [--ensemble <1..7>]');
  process.exit(2);
}

// Small deterministic PRNG (mulberry32) so a run can be replayed with --seed.
let seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const initialSeed = seed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const between = (a: number, b: number) => a + random() * (b - a);

/** Cuts `node` off from ZooKeeper (reset or silent drop) for a random `from`–`to` session timeouts. */
async function cutOff(node: FaultNode, mode: 'reset' | 'drop', from: number, to: number): Promise<void> {
  node.setZooKeeperMode(mode);
  await hold(between(from, to) * sessionMs);
  node.setZooKeeperMode('pass');
}

const log = (msg: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${msg}`);

interface Freeze {
  node: string;
  from: number;
  to: number;
}

/**
 * How the node faults are carried out: by the harness (signals, its proxies), or, with --routes,
 * through the gateway's routes as a user clicks them. `cutOff` draws its duration (`between`) once
 * either way, so a --seed replays the same draws.
 */
interface NodeFaults {
  crash(node: FaultNode): Promise<void>;
  terminate(node: FaultNode): Promise<void>;
  cutOff(node: FaultNode, mode: 'reset' | 'drop', from: number, to: number): Promise<void>;
  freeze(node: FaultNode, ms: number): Promise<void>;
  /** Stop / start one ZooKeeper server of the ensemble (resolves once the process is gone / back). */
  stopServer(server: ZooKeeperServer): Promise<void>;
  startServer(server: ZooKeeperServer): Promise<void>;
  /** --routes only: one guided scenario from the page's panel, run to its end as a presenter does. */
  scenario?(leader: FaultNode): Promise<void>;
}

const harnessFaults: NodeFaults = {
  crash: (node) => node.kill(),
  terminate: (node) => node.terminate(),
  cutOff,
  freeze: async (node, ms) => {
    node.freeze();
    await hold(ms);
    node.thaw();
  },
  stopServer: (server) => server.halt(),
  startServer: (server) => server.resume(),
};

/** What a fault sees when it runs: the settled cluster's leader and workers, and the records it may add to. */
interface FaultContext {
  cluster: FaultCluster;
  leader: FaultNode;
  workers: FaultNode[];
  freezes: Freeze[];
  settleFailures: string[];
  /** How node faults are carried out this run. */
  via: NodeFaults;
}

/** The ensemble's servers by mode now (`srvr`): the ZAB leader and the followers. */
async function ensembleRoles(cluster: FaultCluster): Promise<{ leader: ZooKeeperServer | null; followers: ZooKeeperServer[] }> {
  const modes = await cluster.zooKeeperModes();
  const of = (mode: string) => [...modes].filter(([, m]) => m === mode).map(([s]) => s);
  return { leader: of('leader')[0] ?? null, followers: of('follower') };
}

/**
 * The faults: one entry each, drawn with probability weight / total. A new fault is one entry.
 * Entries draw their own random numbers (`pick`, `between`) in the order they always did, so a
 * --seed replays the same run.
 */
interface Fault {
  kind: string;
  weight: number;
  /** Only with --ensemble > 1 (standalone runs draw exactly as before). */
  ensemble?: true;
  /** Only with --routes (runs without it draw exactly as before). */
  routes?: true;
  run: (ctx: FaultContext) => Promise<void>;
}

const FAULTS: readonly Fault[] = [
  { kind: 'leader-sigkill', weight: 3, run: ({ leader, via }) => via.crash(leader) },
  { kind: 'leader-sigterm', weight: 2, run: ({ leader, via }) => via.terminate(leader) },
  {
    kind: 'worker-sigkill',
    weight: 2,
    run: async ({ workers, via }) => {
      if (workers.length) await via.crash(pick(workers));
    },
  },
  { kind: 'leader-reset-long', weight: 2, run: ({ leader, via }) => via.cutOff(leader, 'reset', 1.3, 2.5) },
  { kind: 'leader-reset-short', weight: 2, run: ({ leader, via }) => via.cutOff(leader, 'reset', 0.05, 0.3) },
  { kind: 'leader-partition-long', weight: 3, run: ({ leader, via }) => via.cutOff(leader, 'drop', 1.3, 2.5) },
  { kind: 'worker-partition', weight: 2, run: ({ leader, workers, via }) => via.cutOff(workers.length ? pick(workers) : leader, 'drop', 0.3, 2.5) },
  { kind: 'zk-restart', weight: 1, run: ({ cluster }) => cluster.restartZooKeeper({ wipe: false }) },
  { kind: 'zk-restart-wiped', weight: 0.5, run: ({ cluster }) => cluster.restartZooKeeper({ wipe: true }) },
  {
    kind: 'leader-sigstop',
    weight: 2,
    run: async ({ leader, freezes, via }) => {
      const from = Date.now();
      await via.freeze(leader, between(1.3, 2.5) * sessionMs);
      freezes.push({ node: leader.name, from, to: Date.now() });
    },
  },
  {
    kind: 'start-stop-race',
    weight: 2,
    run: async ({ cluster, settleFailures }) => {
      const temp = await cluster.addNode({ waitReady: false });
      const trigger = pick(['listening', 'election-create', 'registry-register']);
      await temp.proc.waitFor(trigger, { includeHistory: true, timeoutMs: settleGuardMs }).catch(() => undefined);
      await temp.terminate();
      const exit = await temp.proc.exited;
      if (exit.code !== 0) settleFailures.push(`${temp.name} raced stop exited with ${JSON.stringify(exit)}`);
    },
  },
  {
    kind: 'zk-follower-stop',
    weight: 2,
    ensemble: true,
    run: async ({ cluster, via }) => {
      const { followers } = await ensembleRoles(cluster);
      const victim = followers.length ? pick(followers) : pick(cluster.ensemble!.servers);
      await via.stopServer(victim);
      await hold(between(0.3, 2.5) * sessionMs);
      await via.startServer(victim);
    },
  },
  {
    kind: 'zk-leader-kill',
    weight: 2,
    ensemble: true,
    run: async ({ cluster, via }) => {
      const { leader } = await ensembleRoles(cluster);
      const victim = leader ?? pick(cluster.ensemble!.servers);
      await victim.kill(); // a crash: no clean shutdown, the followers find out from the socket
      await hold(between(0.3, 2.5) * sessionMs);
      await via.startServer(victim);
    },
  },
  {
    kind: 'zk-quorum-loss',
    weight: 1.5,
    ensemble: true,
    run: async ({ cluster, via }) => {
      const servers = [...cluster.ensemble!.servers];
      // Keep a minority: stop the smallest majority, so no quorum is left.
      const stopped: ZooKeeperServer[] = [];
      while (stopped.length <= servers.length / 2) stopped.push(servers.splice(Math.floor(random() * servers.length), 1)[0]!);
      for (const s of stopped) await via.stopServer(s);
      await hold(between(1.3, 2.5) * sessionMs);
      await Promise.all(stopped.map((s) => via.startServer(s)));
    },
  },
  { kind: 'scenario', weight: 1.5, routes: true, run: ({ leader, via }) => via.scenario!(leader) },
];
// --faults a,b,c limits the run to those kinds (to reproduce one kind of fault alone).
const only = values.faults
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((k) => !FAULTS.some((f) => f.kind === k)) ?? [];
if (unknown.length) {
  console.error(`unknown fault kind(s): ${unknown.join(', ')}; known: ${FAULTS.map((f) => f.kind).join(', ')}`);
  process.exit(2);
}
const available = FAULTS.filter((f) => (ensembleSize > 1 || !f.ensemble) && (viaRoutes || !f.routes));
const enabled = only ? available.filter((f) => only.includes(f.kind)) : available;
if (enabled.length === 0) {
  console.error(`no fault to run: ${only?.join(', ')} need --ensemble 3 (or more)`);
  process.exit(2);
}
function pickFault(): Fault {
  const total = enabled.reduce((s, f) => s + f.weight, 0);
  let r = random() * total;
  for (const fault of enabled) if ((r -= fault.weight) < 0) return fault;
  return enabled[0]!;
}

interface GatewayView {
  at: number;
  status: string;
  leader: string | null;
  fencingToken: number | null;
  electionIncarnation: string | null;
  seq: number;
}

async function main(): Promise<number> {
  const withGateway = gatewayBuilt();
  if (viaRoutes && !withGateway) {
    console.error('--routes needs the gateway: run npm run build');
    return 2;
  }
  log(
    `seed ${initialSeed}; ${nodeCount} nodes; ZooKeeper ${ensembleSize > 1 ? `ensemble of ${ensembleSize}` : 'standalone'}; session timeout ${sessionMs} ms; ${minutes} min; gateway ${withGateway ? 'on' : 'NOT BUILT (gateway checks skipped)'}; node faults ${viaRoutes ? "through the gateway's routes (supervised slots)" : 'by the harness (signals, proxies)'}`,
  );
  const cluster = await FaultCluster.start({
    nodes: nodeCount,
    sessionTimeoutMs: sessionMs,
    gateway: withGateway,
    supervised: viaRoutes,
    ensemble: ensembleSize,
    hostControl: viaRoutes,
  });
  // The run's minutes are faults, not start-up (which a loaded machine can stretch a lot).
  const deadline = Date.now() + minutes * 60_000;
  let stopping = false;
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  const faults = new Map<string, number>();
  const freezes: Freeze[] = [];
  const settleFailures: string[] = [];
  /** Route calls that did not answer 202, or whose effect never came (--routes). */
  const routeFailures: string[] = [];
  /** Settled leaders the gateway never showed within the guard. */
  const gatewayLags: string[] = [];
  const registryChanges: { at: number; coordinators: string[] }[] = [];
  const gatewayViews: GatewayView[] = [];
  let gatewayNote = withGateway ? '' : 'gateway not built: no gateway-visible checks';
  let ws: WebSocket | null = null;

  try {
    // Registry recorder: every change of /coordinators_service_registry (watch, re-armed).
    const inspector = cluster.inspector!;
    const recordRegistry = async () => {
      if (stopping) return;
      const { rc, children } = await inspector.conn.getChildren(COORDINATORS_REGISTRY_PATH, () => void recordRegistry());
      if (rc !== 0) return; // parent missing (wiped) or reconnecting: the onChange below re-arms
      const list = [...(children ?? [])].sort();
      const last = registryChanges[registryChanges.length - 1];
      if (!last || last.coordinators.join() !== list.join()) registryChanges.push({ at: Date.now(), coordinators: list });
    };
    // Watches die with the inspector's session (e.g. ZooKeeper wiped): any tree change or new
    // session re-reads and re-arms (duplicates are dropped by the comparison above).
    inspector.onChange(() => void recordRegistry());
    await recordRegistry();

    // Gateway recorder: every view pushed on /ws.
    if (cluster.gateway) {
      const connectWs = () => {
        if (stopping) return;
        ws = new WebSocket(`ws://127.0.0.1:${cluster.gateway!.port}${GATEWAY_ROUTES.ws}`);
        ws.on('message', (data) => {
          try {
            const msg = JSON.parse(String(data)) as { type: string; view?: GatewayView };
            if (msg.type === 'snapshot' && msg.view) {
              const v = msg.view;
              gatewayViews.push({
                at: Date.now(),
                status: v.status,
                leader: v.leader,
                fencingToken: v.fencingToken,
                electionIncarnation: v.electionIncarnation,
                seq: v.seq,
              });
            }
          } catch {
            /* not JSON: ignore */
          }
        });
        ws.on('error', () => undefined);
        ws.on('close', () => {
          if (!stopping) setTimeout(connectWs, 500);
        });
      };
      connectWs();
    }

    const first = await cluster.settle({ timeoutMs: settleGuardMs });
    log(`settled: leader ${first.leader.name} (${first.leaderZnode.slice(-13)})`);

    const leaderNow = async (): Promise<FaultNode | null> => (await settledNow())?.leader ?? null;
    const settledNow = async () => {
      try {
        return await cluster.settle({ timeoutMs: settleGuardMs });
      } catch (err) {
        settleFailures.push((err as Error).message.split('\n')[0]!);
        dumpDiagnostics((err as Error).message);
        return null;
      }
    };
    // A settle failure is a liveness bug to chase: keep what is needed to chase it (the
    // server's log and every node's recent output), since the temp dirs go away at the end.
    const dumpDiagnostics = (why: string) => {
      const dir = join(tmpdir(), `zkviz-chaos-${initialSeed}-${settleFailures.length}`);
      mkdirSync(dir, { recursive: true });
      for (const s of cluster.ensemble?.servers ?? []) copyFileSync(join(s.dir, 'zookeeper.log'), join(dir, `zookeeper-${s.id}.log`));
      const nodes = cluster.nodes.map((n) => `== ${n.name} pid ${n.proc.pid} running=${n.running}\n${n.proc.tail(60)}`);
      writeFileSync(join(dir, 'nodes.txt'), `${why}\n\n${nodes.join('\n\n')}\n`);
      log(`diagnostics kept in ${dir}`);
    };
    const gatewayUrl = cluster.gateway ? `http://127.0.0.1:${cluster.gateway.port}` : '';
    const postJson = (path: string, body: unknown) =>
      fetchJson<{ error?: string; message?: string }>(`${gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    /** The gateway shows `leader` leading and `target` in its table: what the page would show before the click. */
    const gatewayShows = (leader: string, target: string) =>
      waitUntil(
        async () => {
          const v = (await fetchJson<ClusterView>(`${gatewayUrl}/api/cluster`)).body;
          return v.status === 'ok' && v.leader === leader && v.nodes.some((n) => n.id === target);
        },
        { timeoutMs: settleGuardMs, intervalMs: 50, description: `the gateway showing ${leader}`, on: [[cluster.gateway!, 'event']] },
      );
    const routeKill = async (node: FaultNode, znode: string, leaderZnode: string, mode: 'crash' | 'graceful') => {
      await gatewayShows(leaderZnode, znode);
      const since = node.proc.cursor();
      node.expectExit = true;
      const res = await killThroughGateway(gatewayUrl, znode, mode);
      if (res.status !== 202) return void routeFailures.push(`kill ${mode} ${node.name}: ${res.status} ${JSON.stringify(res.body)}`);
      await node.proc
        .waitFor('node-exit', { since, timeoutMs: settleGuardMs })
        .catch((err: Error) => routeFailures.push(`kill ${node.name}: ${err.message.split('\n')[0]}`));
    };
    const routeTimed = async (node: FaultNode, action: 'freeze' | 'partition', body: Record<string, unknown>, durationMs: number) => {
      const since = node.proc.cursor();
      const res = await postJson(`/api/slots/${node.name}/${action}`, { ...body, durationMs });
      if (res.status !== 202) return void routeFailures.push(`${action} ${node.name}: ${res.status} ${JSON.stringify(res.body)}`);
      const from = action === 'freeze' ? 'frozen' : 'partitioned';
      await node.proc
        .waitFor((e) => e.ev === 'slot-state' && e.from === from, { since, timeoutMs: durationMs + settleGuardMs })
        .catch((err: Error) => routeFailures.push(`${action} ${node.name} never ended: ${err.message.split('\n')[0]}`));
    };
    const routeServer = async (server: ZooKeeperServer, op: 'stop' | 'start') => {
      const res = await postJson(`/api/zookeeper/servers/${server.id}/${op}`, {});
      if (res.status !== 202) routeFailures.push(`ZooKeeper server ${server.id} ${op}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    /**
     * A guided scenario, as a presenter runs it: pick one the gateway lists as available, Next
     * whenever its step is up, until it ends. It must end `done` (each step's real event came in
     * time); its kills, freezes, cuts and ZooKeeper stops are the same route calls as above, so the
     * soak's checks (split brain, overlap, orphans, settling) judge them like any other fault. Its
     * nodes may exit (it restarts them itself); a zombie-leader's freeze explains its overlap.
     */
    const routeScenario = async (leader: FaultNode) => {
      const listed = (await fetchJson<ScenarioList>(`${gatewayUrl}${SCENARIO_ROUTES.list}`)).body;
      const choices = listed.scenarios.filter((s) => s.available);
      if (!choices.length) return void routeFailures.push(`scenario: none available (${listed.scenarios.map((s) => `${s.id}: ${s.why}`).join('; ')})`);
      const scenario = pick(choices);
      const live = cluster.live;
      for (const n of live) n.expectExit = true;
      const from = Date.now();
      const started = await postJson(scenarioRunPath(scenario.id), {});
      if (started.status !== 202) return void routeFailures.push(`scenario ${scenario.id}: ${started.status} ${JSON.stringify(started.body)}`);
      const ended = await waitUntil(
        async () => {
          const { run } = (await fetchJson<ScenarioList>(`${gatewayUrl}${SCENARIO_ROUTES.list}`)).body;
          if (!run || run.status !== 'running') return run;
          if (run.steps[run.current]?.state === 'ready') await postJson(SCENARIO_ROUTES.next, {});
          return null;
        },
        { timeoutMs: 10 * 60_000, intervalMs: 100, description: `scenario ${scenario.id} to end` },
      ).catch((err: Error) => {
        routeFailures.push(`scenario ${scenario.id}: ${err.message.split('\n')[0]}`);
        return null;
      });
      if (scenario.id === 'zombie-leader') freezes.push({ node: leader.name, from, to: Date.now() });
      for (const n of live) if (n.running) n.expectExit = false;
      if (ended && ended.status !== 'done') {
        const step = ended.steps[ended.current];
        routeFailures.push(`scenario ${scenario.id} ${ended.status} at step ${ended.current + 1} (${step?.title}): ${step?.problem}`);
      }
      log(`scenario ${scenario.id} ${ended?.status ?? 'never ended'} in ${Date.now() - from} ms`);
    };
    /** The node faults through the gateway's routes, for the cluster as settled before this fault. */
    const routeFaults = (settled: SettledState): NodeFaults => {
      const znodeOf = (n: FaultNode) => settled.statuses.get(n)!.znode!;
      return {
        crash: (node) => routeKill(node, znodeOf(node), settled.leaderZnode, 'crash'),
        terminate: (node) => routeKill(node, znodeOf(node), settled.leaderZnode, 'graceful'),
        cutOff: (node, mode, from, to) => routeTimed(node, 'partition', { style: mode }, Math.max(100, Math.round(between(from, to) * sessionMs))),
        freeze: (node, ms) => routeTimed(node, 'freeze', {}, Math.max(100, Math.round(ms))),
        stopServer: (server) => routeServer(server, 'stop'),
        startServer: (server) => routeServer(server, 'start'),
        scenario: (leader) => routeScenario(leader),
      };
    };
    const replace = async () => {
      if (viaRoutes) {
        // A killed node comes back in its slot, as the page's Restart does.
        for (const node of cluster.nodes.filter((n) => n.proc.running && !n.running)) {
          const since = node.proc.cursor();
          const res = await postJson(`/api/slots/${node.name}/restart`, {});
          if (res.status !== 202) {
            routeFailures.push(`restart ${node.name}: ${res.status} ${JSON.stringify(res.body)}`);
            continue;
          }
          node.expectExit = false;
          await node.proc.waitFor('node-spawned', { since, timeoutMs: settleGuardMs }).catch(() => undefined);
        }
      }
      while (cluster.live.length < nodeCount) await cluster.addNode();
    };

    while (Date.now() < deadline) {
      const fault = pickFault();
      const settledBefore = await settledNow();
      const leader = settledBefore?.leader ?? null;
      if (!leader || !settledBefore) {
        log(`not settled before a fault: ${settleFailures[settleFailures.length - 1]}`);
        await replace();
        continue;
      }
      const workers = cluster.live.filter((n) => n !== leader);
      faults.set(fault.kind, (faults.get(fault.kind) ?? 0) + 1);
      const started = Date.now();
      await fault.run({ cluster, leader, workers, freezes, settleFailures, via: viaRoutes ? routeFaults(settledBefore) : harnessFaults });
      await replace();
      const settledAfter = await settledNow();
      const after = settledAfter?.leader ?? null;
      log(`${fault.kind.padEnd(22)} → ${after ? `leader ${after.name}` : 'NOT SETTLED'} after ${Date.now() - started} ms`);
      // The settled leader is what the page must show: a gateway that never follows it (e.g. fencing
      // a wiped ZooKeeper's restarted tokens out) is a failure even when no route depends on it.
      if (settledAfter && cluster.gateway) {
        await gatewayShows(settledAfter.leaderZnode, settledAfter.leaderZnode).catch((err: Error) => {
          gatewayLags.push(`after ${fault.kind}: ${err.message.split('\n')[0]}`);
          log(`gateway lag: ${gatewayLags[gatewayLags.length - 1]}`);
        });
      }
      await hold(between(100, 600));
    }

    // Final settle: no orphans.
    const final = await leaderNow();
    log(final ? `final: settled, leader ${final.name}` : 'final: NOT SETTLED');
  } finally {
    stopping = true;
    (ws as WebSocket | null)?.close();
    // Intervals are read before stopping (stopping ends them by exit).
  }

  const intervals = actingIntervals(cluster.nodes);
  const unplanned = cluster.unplannedExits();
  await cluster.stop();

  // --- analysis -------------------------------------------------------------------------------
  const found = overlaps(intervals.map((i) => (i.end === Infinity ? { ...i, end: Date.now() } : i)));
  const explained = (i: ActingInterval) => freezes.some((f) => f.node === i.node && f.from >= i.start && f.from <= i.end);
  const explainedOverlaps = found.filter((o) => explained(o.a) || explained(o.b));
  const unexplained = found.filter((o) => !(explained(o.a) || explained(o.b)));
  const sum = (xs: { ms: number }[]) => xs.reduce((s, o) => s + o.ms, 0);

  // Longest leaderless gap: time with no node acting, between the first acting-start and the end.
  let longestGap = 0;
  let gapAt = 0;
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let covered = sorted[0]?.start ?? 0;
  for (const i of sorted) {
    if (i.start > covered && i.start - covered > longestGap) {
      longestGap = i.start - covered;
      gapAt = covered;
    }
    covered = Math.max(covered, i.end === Infinity ? Date.now() : i.end);
  }

  // Gateway-visible split brain: a view going back to a lower fencing token within one life of
  // /election (a wiped ZooKeeper starts the sequences again: a new incarnation, a new floor).
  let gatewaySplit = 0;
  let highest = -1;
  let incarnation: string | null = null;
  const pastIncarnations = new Set<string | null>();
  const splitDetails: string[] = [];
  for (const v of gatewayViews) {
    if (v.status !== 'ok' || v.fencingToken === null) continue;
    if (v.electionIncarnation !== incarnation) {
      // Going back to an earlier life of /election is going back to a deposed leader, too.
      if (pastIncarnations.has(v.electionIncarnation)) {
        gatewaySplit++;
        splitDetails.push(`seq ${v.seq}: back to election incarnation ${v.electionIncarnation} after ${incarnation}`);
      }
      pastIncarnations.add(incarnation);
      incarnation = v.electionIncarnation;
      highest = -1;
    }
    if (v.fencingToken < highest) {
      gatewaySplit++;
      splitDetails.push(`seq ${v.seq}: leader token ${v.fencingToken} after ${highest}`);
    }
    highest = Math.max(highest, v.fencingToken);
  }
  if (withGateway && gatewayViews.length === 0) gatewayNote = 'gateway pushed no views (ws failed?)';

  const orphanFailures = settleFailures.filter((s) => s.includes('orphan/extra'));
  console.log('\n================ chaos summary ================');
  console.log(
    `seed ${initialSeed}, ${nodeCount} nodes, ${ensembleSize > 1 ? `ensemble of ${ensembleSize}` : 'standalone ZooKeeper'}, session timeout ${sessionMs} ms, ${minutes} min${viaRoutes ? ", node faults through the gateway's routes" : ''}`,
  );
  console.log('faults per kind:');
  for (const { kind } of available) console.log(`  ${kind.padEnd(22)} ${faults.get(kind) ?? 0}`);
  console.log(`total faults: ${[...faults.values()].reduce((a, b) => a + b, 0)}`);
  console.log(`acting intervals: ${intervals.length}; coordinators registry changes: ${registryChanges.length}; gateway views: ${gatewayViews.length}`);
  console.log(`longest leaderless gap: ${longestGap} ms (from ${gapAt ? new Date(gapAt).toISOString() : '-'})`);
  console.log(`split-brain seen through the gateway: ${gatewaySplit}${gatewayNote ? ` (${gatewayNote})` : ''}`);
  for (const d of splitDetails.slice(0, 10)) console.log(`  ${d}`);
  console.log(`raw acting overlap explained by SIGSTOP: ${explainedOverlaps.length} intervals, ${sum(explainedOverlaps)} ms total`);
  console.log(`raw acting overlap NOT explained by SIGSTOP: ${unexplained.length} intervals, ${sum(unexplained)} ms total`);
  for (const o of unexplained.slice(0, 10)) console.log(`  ${o.a.node} & ${o.b.node}: ${o.ms} ms at ${new Date(Math.max(o.a.start, o.b.start)).toISOString()}`);
  console.log(`settle failures (incl. orphans): ${settleFailures.length} (orphans: ${orphanFailures.length})`);
  for (const s of settleFailures.slice(0, 10)) console.log(`  ${s}`);
  if (viaRoutes) {
    console.log(`route calls failed (--routes): ${routeFailures.length}`);
    for (const f of routeFailures.slice(0, 10)) console.log(`  ${f}`);
  }
  if (withGateway) {
    console.log(`settled leaders the gateway never showed: ${gatewayLags.length}`);
    for (const g of gatewayLags.slice(0, 10)) console.log(`  ${g}`);
  }
  console.log(`unplanned process exits: ${unplanned.length}`);
  for (const n of unplanned) console.log(`  ${n.name}: ${JSON.stringify(n.proc.exitStatus)}\n${n.proc.tail(8)}`);

  const broken =
    gatewaySplit > 0 || unexplained.length > 0 || settleFailures.length > 0 || unplanned.length > 0 || routeFailures.length > 0 || gatewayLags.length > 0;
  console.log(broken ? 'RESULT: INVARIANT BROKEN' : 'RESULT: all invariants held');
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('chaos run failed:', err);
    process.exit(1);
  },
);
