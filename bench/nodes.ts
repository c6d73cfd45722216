/**
 * Section 5: 4, 25 and 100 nodes in local mode on this machine (a fresh ZooKeeper per size, plus
 * the gateway). Start-up to a settled chain (as the gateway's view shows it), RSS per node, idle
 * CPU, and the herd check of one graceful leader failover: watch notifications and reads counted
 * by ZooKeeper itself (`mntr` deltas) and `predecessor-deleted` lines in the node logs.
 */
import { DEFAULT_SESSION_TIMEOUT_MS, startLocalCluster, startZooKeeper, type LogEvent } from '../launcher/src/index.js';
import { measureBareSessions } from './bare-sessions.js';
import {
  ViewWatcher,
  openInstrumentedPage,
  settleAll,
  cpuSinceExecMs,
  cursors,
  eventTime,
  eventsSince,
  idleWindow,
  mntr,
  mntrDelta,
  noteSessionTimeouts,
  pssMb,
  restKill,
  sleep,
  waitSettled,
  type Ctx,
  type SectionResult,
} from './common.js';
import { measurePageFailover } from './failover.js';
import { figure, summarize, type Figure } from './stats.js';

const READ_NAMESPACES = ['election', 'coordinators_service_registry', 'workers_service_registry'];

export async function runNodes(ctx: Ctx): Promise<SectionResult> {
  const sizes = ctx.options.quick ? [8, 12] : [8, 25, 100];
  // Failovers clicked on the page (100 rows and the chain graph at the largest size) at the
  // smallest and the largest size: the same figure at both, in one section, for the scale ratio.
  const pageSizes = new Set([sizes[0], sizes[sizes.length - 1]]);
  const pageFailovers = ctx.options.quick ? 2 : 5;
  const idleS = ctx.options.idleSeconds;
  const figures: Figure[] = [];
  const facts: Record<string, unknown> = { idleWindowS: idleS };
  const notes: string[] = [];

  for (const n of sizes) {
    const section = `5 nodes (${n})`;
    const zk = await startZooKeeper();
    let cluster: Awaited<ReturnType<typeof startLocalCluster>> | null = null;
    let eye: ViewWatcher | null = null;
    try {
      const t0 = Date.now();
      cluster = await startLocalCluster({ nodes: n, zkConnect: zk.connectString, readyTimeoutMs: 180_000 });
      const listening = Date.now() - t0;
      eye = await ViewWatcher.open(cluster.url!);
      const settled = await waitSettled(eye, n, 180_000);
      const startup = settled.at - t0;
      // CPU each node spent from exec to the settled chain: unlike wall time, barely inflated by
      // other work on a shared machine, and what bounds 100 nodes starting on 2 cores.
      const startupCpu = cluster.nodes.map((p) => cpuSinceExecMs(p.pid));
      noteSessionTimeouts(ctx, cluster.nodes);
      ctx.log(`  ${n} nodes settled in ${startup} ms`);

      // Memory and idle CPU
      await sleep(IDLE_PAUSE_MS);
      const pids = cluster.nodes.map((p) => p.pid);
      const others = { gateway: cluster.gateway!.pid, zookeeper: zk.pid };
      const idle = await idleWindow([...pids, ...Object.values(others)], idleS);
      const nodePct = pids.map(idle.pct);
      const totalPct = nodePct.reduce((a, b) => a + b, 0);
      const rssOf = (pid: number | null) => (pid === null ? NaN : (idle.after(pid)?.rssKb ?? NaN) / 1024);
      const rss = pids.map(rssOf);
      const pss = pids.map(pssMb);
      // Which nodes are the largest: the leader holds the whole cluster's view and the streams,
      // the next in line a warm copy of that view (the standby observer); the rest hold neither.
      const leaderPid = settled.view.nodes.find((x) => x.id === settled.view.leader)?.pid ?? null;
      const nextPid = settled.view.nodes.find((x) => x.watching === settled.view.leader && x.role === 'worker')?.pid ?? null;
      const rssRest = pids.filter((pid) => pid !== leaderPid && pid !== nextPid).map(rssOf);
      // A second idle window right after the first, at the largest size: how much of the first is
      // the start-up's after-effects (V8's memory reducer runs major GCs in the first idle tens of
      // seconds) rather than steady idling.
      let laterPct = NaN;
      if (n === sizes[sizes.length - 1]) {
        const later = await idleWindow(pids, idleS);
        laterPct = pids.reduce((sum, pid) => sum + later.pct(pid), 0);
      }

      figures.push(figure(section, 'start → settled chain in the gateway view', 'ms', [startup], { id: `nodes${n}.startup` }));
      figures.push(figure(section, 'CPU per node from exec to the settled chain', 'ms', startupCpu, { id: `nodes${n}.startupCpu` }));
      figures.push(figure(section, 'RSS per node', 'MB', rss, { targets: [{ stat: 'max', max: 60, label: '≤ 60 MB each' }], id: 'nodes.rss' }));
      figures.push(figure(section, 'PSS per node (its share of pages shared with the other nodes)', 'MB', pss, { id: `nodes${n}.pss` }));
      figures.push(figure(section, 'RSS of the leader', 'MB', [rssOf(leaderPid)].filter(Number.isFinite), { id: `nodes${n}.rssLeader` }));
      figures.push(figure(section, 'RSS of the next in line (standby observer)', 'MB', [rssOf(nextPid)].filter(Number.isFinite), { id: `nodes${n}.rssNext` }));
      figures.push(figure(section, 'RSS per node, the other nodes', 'MB', rssRest, { id: `nodes${n}.rssRest` }));
      figures.push(figure(section, `idle CPU per node over ${idleS} s`, '% of a core', nodePct));
      figures.push(
        figure(section, `idle CPU, all ${n} nodes together`, '% of a core', [totalPct], {
          targets: n >= 100 ? [{ stat: 'max', max: 5, label: '< 5 %' }] : undefined,
          id: `nodes${n}.idleCpu`,
        }),
      );
      if (Number.isFinite(laterPct))
        figures.push(figure(section, `idle CPU, all ${n} nodes together, the next ${idleS} s`, '% of a core', [laterPct], { id: `nodes${n}.idleCpuLater` }));

      // Herd check: one graceful leader failover
      const leader = settled.view.leader!;
      const nodes = cluster.nodes.filter((p) => p.running);
      const from = cursors(nodes);
      const m0 = await mntr(zk.connectString);
      const k0 = Date.now();
      await restKill(cluster.url!, leader, 'graceful');
      await waitSettled(eye, n - 1, 60_000);
      await sleep(1500); // stragglers (status rewrites, observer reads) land in the counters too
      const m1 = await mntr(zk.connectString);
      const woken = nodes.filter((p) => eventsSince(p, from, (e) => e.ev === 'predecessor-deleted').length > 0).length;
      const reacted = nodes.filter((p) => eventsSince(p, from, (e: LogEvent) => e.ev !== 'zk' && e.ev !== 'dying').length > 0).length;
      const dying = nodes.flatMap((p) => eventsSince(p, from, (e) => e.ev === 'dying'))[0];
      const acting = nodes.flatMap((p) => eventsSince(p, from, (e) => e.ev === 'acting-start'))[0];
      const herd = {
        predecessorDeletedLogged: woken,
        nodesThatLoggedAnything: reacted,
        zkDeletedWatchersNotified: mntrDelta(m0, m1, 'zk_sum_node_deleted_watch_count'),
        zkChildWatchersNotified: mntrDelta(m0, m1, 'zk_sum_node_children_watch_count'),
        zkDataChangedWatchersNotified: mntrDelta(m0, m1, 'zk_sum_node_changed_watch_count'),
        zkCreatedWatchersNotified: mntrDelta(m0, m1, 'zk_sum_node_created_watch_count'),
        // Reads per namespace count real reads only; `readlatency` also counts every session ping.
        zkReads: READ_NAMESPACES.reduce((sum, ns) => sum + mntrDelta(m0, m1, `zk_cnt_${ns}_read_per_namespace`), 0),
        zkReadsByNamespace: Object.fromEntries(READ_NAMESPACES.map((ns) => [ns, mntrDelta(m0, m1, `zk_cnt_${ns}_read_per_namespace`)])),
        zkPingsAndReads: mntrDelta(m0, m1, 'zk_cnt_readlatency'),
        windowMs: Date.now() - k0,
        zkWrites: mntrDelta(m0, m1, 'zk_cnt_updatelatency'),
        failoverDyingToActingMs: eventTime(acting) - eventTime(dying),
      };
      figures.push(figure(section, 'failover: nodes notified (predecessor-deleted)', 'count', [woken], { targets: [{ stat: 'max', max: 1, label: '= 1' }] }));
      figures.push(figure(section, 'failover: ZooKeeper delete-watch notifications', 'count', [herd.zkDeletedWatchersNotified]));
      figures.push(figure(section, 'failover: ZooKeeper reads (all clients)', 'count', [herd.zkReads]));
      const browser = pageSizes.has(n) ? await ctx.browser() : null;
      if (browser) {
        await cluster.addNode();
        await waitSettled(eye, n, 120_000);
        const page = await openInstrumentedPage(browser, cluster.url!);
        try {
          await settleAll(cluster, eye, page, n);
          const total: number[] = [];
          const repaint: number[] = [];
          const longest: number[] = [];
          for (let i = 0; i < pageFailovers; i++) {
            try {
              const r = await measurePageFailover(cluster, eye, page, n);
              total.push(r.total);
              repaint.push(r.repaint);
              longest.push(r.longestTask);
            } catch (err) {
              notes.push(`${n} nodes, page failover #${i + 1}: ${(err as Error).message.split('\n')[0]}`);
              break;
            }
          }
          figures.push(figure(section, 'graceful failover: click → new leader row in the DOM', 'ms', total, { id: `nodes${n}.failover` }));
          figures.push(figure(section, 'failover repaint: snapshot message in the page → leader row in the DOM', 'ms', repaint, { id: `nodes${n}.repaint` }));
          figures.push(figure(section, 'longest task from the click to the repaint (0: none ≥ 50 ms)', 'ms', longest, { id: `nodes${n}.longestTask` }));
        } finally {
          await page.close().catch(() => undefined);
        }
      }
      facts[`n${n}`] = {
        listeningMs: listening,
        settledMs: startup,
        startupCpuMsAllNodes: Math.round(startupCpu.reduce((a, b) => a + b, 0)),
        rssMb: round(summarize(rss)?.p50),
        pssMb: round(summarize(pss)?.p50),
        idleCpuPctAllNodes: round(totalPct),
        idleCpuPctAllNodesLaterWindow: round(laterPct),
        rssLeaderMb: round(rssOf(leaderPid)),
        rssNextInLineMb: round(rssOf(nextPid)),
        rssOthersMaxMb: round(Math.max(...rssRest)),
        idleCpuPctPerNodeP50: round(summarize(nodePct)?.p50),
        idleCpuPctGateway: round(idle.pct(others.gateway)),
        idleCpuPctZooKeeper: round(idle.pct(others.zookeeper)),
        zookeeperRssMb: round(rssOf(others.zookeeper)),
        herd,
      };
    } catch (err) {
      notes.push(`${n} nodes: ${(err as Error).message.split('\n')[0]}`);
      ctx.log(`  ${section} failed: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      eye?.close();
      await cluster?.stop();
      await zk.stop();
    }
  }
  // The bare limit at the largest size: as many bare ZooKeeper sessions, measured the same way.
  const n = sizes[sizes.length - 1]!;
  const section = `5 nodes (${n}): bare ZooKeeper sessions`;
  const zk = await startZooKeeper();
  try {
    ctx.log(`  ${n} bare ZooKeeper sessions`);
    const bare = await measureBareSessions(zk.connectString, n, DEFAULT_SESSION_TIMEOUT_MS, IDLE_PAUSE_MS, idleS);
    const totalPct = bare.idlePct.reduce((a, b) => a + b, 0);
    figures.push(figure(section, `start → all ${n} sessions connected`, 'ms', [bare.startupMs], { id: `bare${n}.startup` }));
    figures.push(figure(section, 'CPU per process from exec to connected', 'ms', bare.startupCpuMs, { id: `bare${n}.startupCpu` }));
    figures.push(figure(section, 'RSS per process', 'MB', bare.rssMb, { id: `bare${n}.rss` }));
    figures.push(figure(section, 'PSS per process', 'MB', bare.pssMb, { id: `bare${n}.pss` }));
    figures.push(figure(section, `idle CPU, all ${n} sessions together`, '% of a core', [totalPct], { id: `bare${n}.idleCpu` }));
    facts[`bare${n}`] = {
      startupMs: bare.startupMs,
      idleCpuPctAll: round(totalPct),
      rssMb: round(summarize(bare.rssMb)?.p50),
      pssMb: round(summarize(bare.pssMb)?.p50),
    };
  } catch (err) {
    notes.push(`${n} bare sessions: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await zk.stop();
  }
  return { figures, facts, notes };
}

/** From the settled chain (or the last session connected) to the idle window. */
const IDLE_PAUSE_MS = 2000;
const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? NaN : Math.round(v * 100) / 100);
