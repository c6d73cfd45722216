/**
 * Section 4: 10, 100 and 1,000 WebSocket viewers on one gateway (viewers live in a forked child,
 * loopback). An update is a real status change: the bench rewrites a worker's registry entry
 * (same status, new `updatedAt`), the leader's data watch fires, it streams a snapshot, the
 * gateway pushes a view. Per update: time from the view's `updatedAt` (gateway clock, the moment
 * it was built) until every viewer has it; gateway CPU and RSS from /proc; bytes per update.
 * Then one viewer that never reads its socket joins, and the same is measured again.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKERS_REGISTRY_PATH } from '@zkviz/shared';
import { ZNONODE, ZOK, ZkConnection } from '@zkviz/shared/zk';
import { startLocalCluster } from '../launcher/src/index.js';
import { ViewWatcher, cpuMs, noteSessionTimeouts, procSample, sleep, waitSettled, withTimeout, type Ctx, type SectionResult } from './common.js';
import { figure, percentile, summarize, type Figure } from './stats.js';

type ChildMsg =
  | { type: 'connected'; count: number; ms: number }
  | { type: 'complete'; seq: number; updatedAt: number; lat: number[]; bytes: number }
  | { type: 'slow-connected' }
  | { type: 'slow-report'; received: number; lastSeq: number; closed: string | null }
  | { type: 'error'; message: string };

class Viewers {
  private readonly child: ChildProcess;
  private readonly waiters = new Set<(m: ChildMsg) => void>();
  constructor() {
    this.child = fork(fileURLToPath(new URL('./viewer-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: ChildMsg) => {
      for (const w of [...this.waiters]) w(m);
    });
  }
  get pid(): number {
    return this.child.pid ?? -1;
  }
  send(m: unknown): void {
    this.child.send(m as never);
  }
  next<T extends ChildMsg['type']>(
    type: T,
    timeoutMs: number,
    pred: (m: Extract<ChildMsg, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ChildMsg, { type: T }>> {
    let waiter!: (m: ChildMsg) => void;
    const p = new Promise<Extract<ChildMsg, { type: T }>>((resolve, reject) => {
      waiter = (m) => {
        if (m.type === 'error') reject(new Error(`viewer child: ${m.message}`));
        else if (m.type === type && pred(m as Extract<ChildMsg, { type: T }>)) resolve(m as Extract<ChildMsg, { type: T }>);
      };
      this.waiters.add(waiter);
    });
    return withTimeout(p, timeoutMs, `viewer child "${type}"`).finally(() => this.waiters.delete(waiter));
  }
  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.send({ cmd: 'close' });
    await withTimeout(exited, 5000, 'viewer child exit').catch(() => this.child.kill('SIGKILL'));
  }
}

interface PhaseStats {
  all: number[]; // per update: last viewer's latency
  p50: number[]; // per update: median viewer's latency
  fromTrigger: number[]; // per update: trigger → last viewer
  incomplete: number;
  bytes: number;
  cpuPct: number;
  updates: number;
}

export async function runViewers(ctx: Ctx): Promise<SectionResult> {
  const sizes = ctx.options.quick ? [10, 100] : [10, 100, 1000, ...(ctx.options.big ? [5000] : [])];
  // The paused viewer joins the largest size up to 1,000 (the 5,000 row is about fan-out only).
  const slowAt = sizes.filter((n) => n <= 1000).pop();
  const updatesPerSize = ctx.options.quick ? 10 : 40;
  const section = '4 viewers';
  const figures: Figure[] = [];
  const facts: Record<string, unknown> = {};
  const notes: string[] = [];

  // All viewers come from one loopback address: lift the per-address connection budget (the
  // fan-out is measured here, not the budget; flood.ts measures that).
  const cluster = await startLocalCluster({ nodes: 4, readyTimeoutMs: 90_000, gatewayEnv: { WS_CONNECTIONS_PER_ADDRESS: '1000000' } });
  const zk = new ZkConnection({ connect: cluster.zkConnect, sessionTimeoutMs: 10_000, logLevel: 0 });
  const eye = await ViewWatcher.open(cluster.url!);
  try {
    const connected = new Promise((r) => zk.once('connected', r));
    zk.start();
    await withTimeout(connected, 10_000, 'a ZooKeeper session');
    const settled = await waitSettled(eye, 4);
    noteSessionTimeouts(ctx, cluster.nodes);
    eye.close(); // the bench's own eye is not a measured viewer
    let entryPath = `${WORKERS_REGISTRY_PATH}/${settled.view.nodes.find((n) => n.role === 'worker')!.id}`;
    let entryVanished = 0;
    const gwPid = cluster.gateway!.pid;
    facts.gatewayRssBeforeViewersMb = mb(procSample(gwPid)?.rssKb);

    /** One status change: the worker's entry rewritten with a new updatedAt. */
    const touch = async (): Promise<void> => {
      const { rc, data } = await zk.getData(entryPath);
      if (rc === ZNONODE) {
        // The worker re-joined under a new znode (e.g. its session expired under load): follow it.
        entryVanished++;
        const { children } = await zk.getChildren(WORKERS_REGISTRY_PATH);
        if (!children?.length) throw new Error('no worker registered');
        entryPath = `${WORKERS_REGISTRY_PATH}/${children[0]}`;
        return touch();
      }
      if (rc !== ZOK || !data) throw new Error(`read ${entryPath}: rc ${rc}`);
      const entry = JSON.parse(data.toString()) as { updatedAt: number };
      entry.updatedAt = Date.now();
      const set = await zk.setData(entryPath, JSON.stringify(entry));
      if (set.rc !== ZOK) throw new Error(`write ${entryPath}: rc ${set.rc}`);
    };

    const measure = async (viewers: Viewers, count: number): Promise<PhaseStats> => {
      const s: PhaseStats = { all: [], p50: [], fromTrigger: [], incomplete: 0, bytes: 0, cpuPct: NaN, updates: updatesPerSize };
      const cpu0 = procSample(gwPid);
      const t0 = Date.now();
      for (let i = 0; i < updatesPerSize; i++) {
        const trigger = Date.now();
        const done = viewers.next('complete', 3000, (m) => m.updatedAt >= trigger);
        await touch();
        try {
          const m = await done;
          const sorted = [...m.lat].sort((a, b) => a - b);
          s.all.push(sorted[sorted.length - 1]!);
          s.p50.push(percentile(sorted, 50));
          s.fromTrigger.push(m.updatedAt + sorted[sorted.length - 1]! - trigger);
          s.bytes = m.bytes;
        } catch {
          s.incomplete++;
        }
        await sleep(50);
      }
      s.cpuPct = (cpuMs(cpu0, procSample(gwPid)) / (Date.now() - t0)) * 100;
      void count;
      return s;
    };

    const report = (label: string, n: number, s: PhaseStats, withTargets: boolean) => {
      const t1000 = withTargets && n >= 1000 ? [{ stat: 'p99' as const, max: 200, label: 'p99 ≤ 200 ms' }] : undefined;
      figures.push(
        figure(section, `${label}: view built → every viewer has it`, 'ms', s.all, { targets: t1000, id: withTargets ? `viewers${n}.latency` : undefined }),
      );
      figures.push(figure(section, `${label}: view built → median viewer has it`, 'ms', s.p50));
      figures.push(figure(section, `${label}: ZooKeeper write → every viewer has it`, 'ms', s.fromTrigger));
    };

    for (const n of sizes) {
      const viewers = new Viewers();
      try {
        viewers.send({ cmd: 'connect', url: cluster.url, count: n });
        const c = await viewers.next('connected', 120_000);
        await sleep(300);
        const s = await measure(viewers, n);
        const after = procSample(gwPid);
        report(`${n} viewers`, n, s, true);
        figures.push(figure(section, `gateway peak RSS (VmHWM) with ${n} viewers`, 'MB', [mb(after?.hwmKb)], { id: `viewers${n}.rss` }));
        facts[`v${n}`] = {
          connectMs: c.ms,
          bytesPerMessage: s.bytes,
          bytesPerUpdateAllViewers: s.bytes * n,
          gatewayCpuPctOfOneCore: round(s.cpuPct),
          gatewayRssMb: mb(after?.rssKb),
          gatewayPeakRssMb: mb(after?.hwmKb),
          incompleteUpdates: s.incomplete,
          viewerChildCpuNote: 'viewers share one process; its event loop is part of the latency',
        };
        if (n >= 1000 && (after?.rssKb ?? 0) / 1024 > 200) notes.push(`gateway RSS ${mb(after?.rssKb)} MB with ${n} viewers exceeds the 200 MB target`);

        if (n === slowAt) {
          // The same again with one viewer that never reads.
          viewers.send({ cmd: 'slow', url: cluster.url });
          await viewers.next('slow-connected', 10_000);
          const slow = await measure(viewers, n);
          report(`${n} viewers + 1 paused viewer`, n, slow, false);
          viewers.send({ cmd: 'resume-slow' });
          const r = await viewers.next('slow-report', 15_000);
          const a = summarize(s.all);
          const b = summarize(slow.all);
          facts.slowViewer = {
            updatesWhilePaused: slow.updates,
            receivedAfterResume: r.received,
            lastSeq: r.lastSeq,
            closedByGateway: r.closed,
            othersP50Ms: { without: a?.p50, with: b?.p50 },
            othersP99Ms: { without: a?.p99, with: b?.p99 },
            gatewayRssMbAfter: mb(procSample(gwPid)?.rssKb),
          };
        }
      } finally {
        await viewers.close();
      }
      await sleep(500);
    }
    facts.gatewayPeakRssMb = mb(procSample(gwPid)?.hwmKb);
    facts.workerEntryVanished = entryVanished;
    facts.nodeSessions = cluster.nodes.map((p) => new Set(p.events.filter((e) => e.ev === 'zk' && e.timeoutMs !== undefined).map((e) => e.session)).size);
    facts.gatewayLeaderEvents = cluster.gateway!.events.filter((e) => e.ev === 'leader-lost' || e.ev === 'leader-switched').length;
    figures.push(
      figure(section, 'gateway peak RSS (VmHWM) after all sizes', 'MB', [mb(procSample(gwPid)?.hwmKb)], {
        targets: [{ stat: 'max', max: 200, label: '≤ 200 MB' }],
      }),
    );
  } finally {
    eye.close();
    void zk.close();
    await cluster.stop();
  }
  return { figures, facts, notes };
}

const mb = (kb: number | undefined) => (kb === undefined || !Number.isFinite(kb) ? NaN : Math.round((kb / 1024) * 10) / 10);
const round = (v: number) => Math.round(v * 10) / 10;
