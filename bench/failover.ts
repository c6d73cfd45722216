/**
 * Sections 1–3: failover and propagation as the eye sees them. One local cluster (real ZooKeeper,
 * 4 nodes, gateway) and one Chromium page; the kill is a real click on the page's button, the end
 * is the moment the page's DOM shows the change (MutationObserver inside the page). One machine,
 * one clock: log lines carry Date.now() (`time`/`at`), the page records Date.now() too.
 *
 * When the page is not built (or Chromium cannot start), the "eye" is a plain WebSocket client
 * and the kill a REST call; figures are then labelled "ws-eye".
 */
import type { ClusterView, KillMode } from '@zkviz/shared';
import { startGateway, startZooKeeper, startLocalCluster, type LocalCluster, type LogEvent, type ManagedProcess } from '../launcher/src/index.js';
import {
  LEADER_ROW,
  ViewWatcher,
  cursors,
  eventTime,
  eventsSince,
  firstOf,
  noteSessionTimeouts,
  openInstrumentedPage,
  pageBuilt,
  pageMarks,
  resetMarks,
  restKill,
  settleAll,
  waitInPage,
  sleep,
  afterNextFrame,
  longestTaskBetween,
  markWhen,
  messageBefore,
  waitSettled,
  deliverySkew,
  type Ctx,
  type SectionResult,
} from './common.js';
import { ZOO_EPHEMERAL, ZkConnection } from '@zkviz/shared/zk';
import { BARE_PHASES, BareRig } from './bare-failover.js';
import { figure, type Figure, type Target } from './stats.js';

type Page = import('playwright-core').Page;

/** The issue's measurements are at 8 nodes; the bare path runs the same number of candidates. */
export const UI_NODES = 8;

export interface UiRig {
  cluster: LocalCluster;
  eye: ViewWatcher;
  page: Page | null;
  /** Why there is no page, if there is none. */
  noPage: string | null;
  /** A second gateway of the same cluster with the ZooKeeper view and the recording off, and its page. */
  plain: { gateway: ManagedProcess; eye: ViewWatcher; page: Page } | null;
  /** The bare limit (bench/bare/) on its own ZooKeeper, same browser, same node count. */
  bare: BareRig | null;
  stop(): Promise<void>;
}

/** `compare`: also the plain gateway and the bare path (the graceful section compares against them). */
export async function openUiRig(ctx: Ctx, compare = false): Promise<UiRig> {
  const cluster = await startLocalCluster({
    nodes: UI_NODES,
    readyTimeoutMs: 90_000,
    gatewayEnv: { ZOOKEEPER_VIEW: ctx.options.zookeeperView === false ? 'off' : 'on' },
  });
  ctx.log(`  gateway ZooKeeper view: ${ctx.options.zookeeperView === false ? 'off' : 'on'}`);
  const url = cluster.url!;
  const eye = await ViewWatcher.open(url);
  await settleAll(cluster, eye, null, UI_NODES);
  let page: Page | null = null;
  let noPage: string | null = null;
  if (!(await pageBuilt(url))) noPage = 'page not built (frontend/dist/web); eye = WebSocket client, kill = REST';
  else {
    const browser = await ctx.browser();
    if (!browser) noPage = 'Chromium could not be launched; eye = WebSocket client, kill = REST';
    else page = await openInstrumentedPage(browser, url);
  }
  if (noPage) ctx.log(`  note: ${noPage}`);
  await settleAll(cluster, eye, page, UI_NODES);
  noteSessionTimeouts(ctx, cluster.nodes);
  let plain: UiRig['plain'] = null;
  let bare: BareRig | null = null;
  let bareZk: Awaited<ReturnType<typeof startZooKeeper>> | null = null;
  const browser = page ? await ctx.browser() : null;
  if (browser && compare && ctx.options.compare) {
    const gateway = await startGateway({
      zkConnect: cluster.zkConnect,
      clusterToken: cluster.clusterToken,
      name: 'gateway-plain',
      readyTimeoutMs: 90_000,
      env: { ZOOKEEPER_VIEW: 'off', RECORDING: 'off' },
    });
    const plainUrl = `http://127.0.0.1:${gateway.port}`;
    const plainEye = await ViewWatcher.open(plainUrl);
    const plainPage = await openInstrumentedPage(browser, plainUrl);
    await settleAll(cluster, plainEye, plainPage, UI_NODES);
    plain = { gateway, eye: plainEye, page: plainPage };
    // Its own ZooKeeper (same Debian server, same launcher settings): the bare sessions must not
    // show up in zkviz's ZooKeeper view and make it push.
    bareZk = await startZooKeeper();
    bare = await BareRig.open(browser, bareZk.connectString, UI_NODES);
  }
  return {
    cluster,
    eye,
    page,
    noPage,
    plain,
    bare,
    async stop() {
      await bare?.stop();
      await bareZk?.stop();
      await plain?.page.close().catch(() => undefined);
      plain?.eye.close();
      await plain?.gateway.stop();
      await page?.close().catch(() => undefined);
      eye.close();
      await cluster.stop();
    },
  };
}

function procOf(cluster: LocalCluster, view: ClusterView, id: string): ManagedProcess {
  const pid = view.nodes.find((n) => n.id === id)?.pid;
  const proc = cluster.nodes.find((p) => p.pid === pid && p.running);
  if (!proc) throw new Error(`no running process for node ${id} (pid ${pid})`);
  return proc;
}

const running = (cluster: LocalCluster) => cluster.nodes.filter((n) => n.running);

/**
 * Waits for the first matching event of `proc` after its cursor and reads a time from it: its
 * log time unless `read` picks another field; NaN if it does not come.
 */
async function timeOf(
  proc: ManagedProcess | undefined,
  since: number | undefined,
  pred: (e: LogEvent) => boolean,
  read: (e: LogEvent) => number = eventTime,
): Promise<number> {
  if (!proc) return NaN;
  try {
    return read(await proc.waitFor(pred, { since: since ?? 0, timeoutMs: 3000 }));
  } catch {
    return NaN;
  }
}

const isCoordinatorsRegister = (e: LogEvent): boolean => e.ev === 'registry-register' && e.registry === 'coordinators';
/** When the successor sent its coordinators create: the log line is written at the answer and carries `sent`. */
const sentTime = (e: LogEvent): number => Number((e as Record<string, unknown>).sent);

/** Clicks a button of a row in the page (the rig's, or `on`), or falls back to REST. */
export async function kill(rig: UiRig, id: string, mode: KillMode, on: Page | null = rig.page): Promise<void> {
  if (on) {
    await on.click(`[data-testid="node-row"][data-node-id="${id}"] [data-testid="kill-${mode}"]`, { timeout: 5000 });
  } else {
    await restKill(rig.cluster.url!, id, mode);
  }
}

const PHASES = [
  'kill-requested (gateway)',
  'dying (old leader)',
  'leader-lost (gateway)',
  'predecessor-deleted (successor)',
  'coordinators create sent (successor)',
  'registry-register coordinators',
  'acting-start',
  'leader-switched (gateway)',
  'ws view received',
  'ws view with the leader row',
  'page rendered',
] as const;

/**
 * Context for the phases: one ZooKeeper read and one write, as a client in this machine sees them
 * (the same native client the nodes use; the successor needs 2 reads + 2 writes before acting).
 */
export async function zkRoundTrips(zkConnect: string, count: number): Promise<{ read: number[]; write: number[] }> {
  const zk = new ZkConnection({ connect: zkConnect, sessionTimeoutMs: 10_000, logLevel: 0 });
  const read: number[] = [];
  const write: number[] = [];
  try {
    const connected = new Promise((r) => zk.once('connected', r));
    zk.start();
    await connected;
    const path = '/zkviz-bench-rtt';
    await zk.create(path, '0', ZOO_EPHEMERAL);
    for (let i = 0; i < count; i++) {
      let t = performance.now();
      await zk.getData(path);
      read.push(performance.now() - t);
      t = performance.now();
      await zk.setData(path, String(i));
      write.push(performance.now() - t);
      await sleep(5);
    }
  } finally {
    void zk.close();
  }
  return { read, write };
}

/**
 * The plain gateway's page watches (attached: its URL, settled) or not (about:blank: no viewer,
 * no rendering). Only the graceful section's compare rounds attach it; everything else in the rig
 * then runs with one gateway's page, as the bare path has one.
 */
async function attachPlainPage(plain: NonNullable<UiRig['plain']>, cluster: LocalCluster, attached: boolean): Promise<void> {
  const url = `http://127.0.0.1:${plain.gateway.port}`;
  const isAttached = plain.page.url().startsWith(url);
  if (attached === isAttached) return;
  await plain.page.goto(attached ? url : 'about:blank', { waitUntil: 'domcontentloaded' });
  if (attached) await settleAll(cluster, plain.eye, plain.page, UI_NODES);
}

/** Sections 1 and 2: kill the leader `count` times from the page; replace the node each time. */
export async function runLeaderFailover(ctx: Ctx, rig: UiRig, mode: KillMode, count: number): Promise<SectionResult> {
  const { cluster, eye, page } = rig;
  const section = mode === 'graceful' ? '1 graceful failover' : '2 crash failover';
  const totals: number[] = [];
  const frames: number[] = [];
  const wsTotals: number[] = [];
  const pageWork: number[] = [];
  const skew: number[] = [];
  const viewsPerFailover: number[] = [];
  const rowlessViews: number[] = [];
  const phases = new Map<string, number[]>(PHASES.map((p) => [p, []]));
  const failures: string[] = [];
  // Graceful only: the same failover as the page of the plain gateway (view and recording off)
  // sees it, both on the wall clock from the same click; and the bare path, one round after each.
  // Rounds alternate: a solo round (the plain gateway's page detached, so zkviz runs with one
  // gateway's page as the bare path runs with one page: these give the total and the ratio) and a
  // compare round (both pages watch the same failover: these give view on vs off).
  const plainRig = mode === 'graceful' ? rig.plain : null;
  const bare = mode === 'graceful' ? rig.bare : null;
  const viewOn: number[] = [];
  const viewOff: number[] = [];
  const comparedTotals: number[] = [];
  const bareTotals: number[] = [];
  const barePhases = new Map<string, number[]>(BARE_PHASES.map((p) => [p, []]));
  const timeout = mode === 'crash' ? cluster.sessionTimeoutMs + 10_000 : 10_000;
  if (rig.plain && !plainRig) await attachPlainPage(rig.plain, cluster, false);

  for (let i = 0; i < count; i++) {
    const solo = !plainRig || i % 2 === 0;
    if (plainRig) await attachPlainPage(plainRig, cluster, !solo);
    const plain = solo ? null : plainRig;
    const before = eye.latest!.view;
    const old = before.leader!;
    const oldProc = procOf(cluster, before, old);
    const nodes = running(cluster);
    const from = cursors([...nodes, cluster.gateway!]);
    if (page) await resetMarks(page);
    if (plain) await resetMarks(plain.page);
    // Compare rounds alternate the page clicked, so neither gateway always handles the kill request.
    const clickPage = plain && (i >> 1) % 2 === 1 ? plain.page : page;
    const t0 = Date.now();
    const views0 = eye.count;
    // Views in which the new leader is known but no row is marked leader (the new leader's first
    // snapshots, before its registry reads are in): the page shows every node as a candidate then.
    let leaderlessRows = 0;
    let wsLeaderRowAt = NaN;
    const onView = ({ view, at }: { view: ClusterView; at: number }) => {
      if (view.status !== 'ok' || view.leader === old) return;
      if (!view.nodes.some((n) => n.role === 'leader')) leaderlessRows++;
      else if (Number.isNaN(wsLeaderRowAt) && view.nodes.some((n) => n.id === view.leader && n.role === 'leader')) wsLeaderRowAt = at;
    };
    eye.on('view', onView);
    try {
      const seen = eye.waitFor((v) => v.status === 'ok' && v.leader !== null && v.leader !== old, timeout, 'a new leader');
      await kill(rig, old, mode, clickPage);
      const ws = await seen;
      const newLeader = ws.view.leader!;
      let start = t0;
      let rendered = ws.at;
      if (page) {
        const expr = `(() => { const el = document.querySelector(${JSON.stringify(LEADER_ROW)}); return !!el && el.getAttribute('data-node-id') === ${JSON.stringify(newLeader)}; })()`;
        await waitInPage(page, expr, timeout);
        await afterNextFrame(page);
        const marks = await pageMarks(page);
        const click = (clickPage === page ? marks : await pageMarks(clickPage!)).clicks[0];
        const shown = marks.leaders.find((m) => m.id === newLeader);
        if (!click || !shown) throw new Error('page marks missing (click or render not recorded)');
        start = click.wall;
        rendered = shown.wall;
        (solo ? totals : comparedTotals).push(clickPage === page ? shown.perf - click.perf : shown.wall - click.wall);
        if (plain) {
          await waitInPage(plain.page, expr, timeout);
          const off = (await pageMarks(plain.page)).leaders.find((m) => m.id === newLeader);
          if (off) {
            viewOn.push(shown.wall - click.wall);
            viewOff.push(off.wall - click.wall);
          }
        }
        const msg = messageBefore(marks, shown.perf);
        if (solo && msg) pageWork.push(shown.perf - msg.perf);
        if (solo) skew.push(...deliverySkew(marks, eye));
        if (solo && shown.frame !== undefined) frames.push(shown.frame - click.perf);
      } else {
        (solo ? totals : comparedTotals).push(ws.at - t0);
      }
      // The phases are the solo rounds' (one gateway's page, as the bare path has one page).
      if (solo) {
        wsTotals.push(ws.at - start);

        const successor = await firstOf(nodes, from, (e) => e.ev === 'acting-start', 3000, 'acting-start of the successor');
        const sp = successor.proc;
        const gw = cluster.gateway!;
        const at = {
          'kill-requested (gateway)': await timeOf(gw, from.get(gw), (e) => e.ev === 'kill-requested'),
          'dying (old leader)': await timeOf(oldProc, from.get(oldProc), (e) => e.ev === 'dying'),
          'leader-lost (gateway)': await timeOf(gw, from.get(gw), (e) => e.ev === 'leader-lost'),
          'predecessor-deleted (successor)': await timeOf(sp, from.get(sp), (e) => e.ev === 'predecessor-deleted'),
          'coordinators create sent (successor)': await timeOf(sp, from.get(sp), isCoordinatorsRegister, sentTime),
          'registry-register coordinators': await timeOf(sp, from.get(sp), isCoordinatorsRegister),
          'acting-start': eventTime(successor.event),
          'leader-switched (gateway)': await timeOf(gw, from.get(gw), (e) => e.ev === 'leader-switched' && e.leader === newLeader),
          'ws view received': ws.at,
          'ws view with the leader row': wsLeaderRowAt,
          'page rendered': page ? rendered : NaN,
        } satisfies Record<(typeof PHASES)[number], number>;
        for (const p of PHASES) phases.get(p)!.push(at[p] - start);
      }
    } catch (err) {
      failures.push(`#${i + 1}: ${(err as Error).message.split('\n')[0]}`);
      ctx.log(`  ${section} #${i + 1} failed: ${(err as Error).message.split('\n')[0]}`);
    }
    // Back to a full, settled cluster before the next kill.
    await settleAll(cluster, eye, page, UI_NODES - 1).catch(() => undefined);
    viewsPerFailover.push(eye.count - views0);
    eye.off('view', onView);
    rowlessViews.push(leaderlessRows);
    await cluster.addNode();
    await settleAll(cluster, eye, page, UI_NODES);
    if (plain) await settleAll(cluster, plain.eye, plain.page, UI_NODES);
    noteSessionTimeouts(ctx, cluster.nodes);
    if (bare) {
      try {
        const b = await bare.round();
        bareTotals.push(b.total);
        for (const p of BARE_PHASES) barePhases.get(p)!.push(b.phases[p] ?? NaN);
      } catch (err) {
        failures.push(`bare #${i + 1}: ${(err as Error).message.split('\n')[0]}`);
        ctx.log(`  bare #${i + 1} failed: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }

  const eyeName = page ? 'click → new leader row in the DOM' : 'REST kill → new leader view on the WebSocket (ws-eye)';
  const timeoutMs = Math.max(...ctx.sessionTimeouts, cluster.sessionTimeoutMs);
  const targets: Target[] =
    mode === 'graceful'
      ? [] // as a ratio to the bare limit: the target table
      : [{ stat: 'p99', max: timeoutMs + 250, label: `p99 ≤ session timeout + 250 ms (${timeoutMs + 250} ms)` }];
  const figures: Figure[] = [figure(section, `${eyeName} (${UI_NODES} nodes)`, 'ms', totals, { targets, id: `${mode}.total` })];
  if (bare) {
    figures.push(figure(section, `bare limit (bench/bare/, ${UI_NODES} candidates): click → new leader row in the DOM`, 'ms', bareTotals, { id: 'graceful.bare' }));
    for (const p of BARE_PHASES) {
      const values = barePhases.get(p)!;
      if (values.some(Number.isFinite)) figures.push(figure(section, `  bare +${p}`, 'ms since click', values));
    }
  }
  if (plainRig) {
    figures.push(figure(section, `compare rounds: ${eyeName}, a second gateway's page watching the same failover`, 'ms', comparedTotals));
    figures.push(figure(section, 'same failovers, wall clock: page of the gateway with ZooKeeper view + recording on', 'ms', viewOn, { id: 'graceful.viewOn' }));
    figures.push(figure(section, 'same failovers, wall clock: page of a second gateway with both off', 'ms', viewOff, { id: 'graceful.viewOff' }));
  }
  if (mode === 'crash') {
    figures.push(
      figure(
        section,
        `${eyeName} minus session timeout (${timeoutMs} ms)`,
        'ms',
        totals.map((t) => t - timeoutMs),
        {
          targets: [{ stat: 'p99', max: 250, label: 'p99 ≤ 250 ms' }],
        },
      ),
    );
  }
  if (frames.length) figures.push(figure(section, 'click → next animation frame after the DOM change', 'ms', frames));
  if (page) {
    figures.push(figure(section, 'click → WebSocket client has the new view', 'ms', wsTotals));
    figures.push(figure(section, 'snapshot message in the page → leader row in the DOM', 'ms', pageWork));
    figures.push(figure(section, 'same view: bench WebSocket client → page WebSocket (delivery skew)', 'ms', skew));
  }
  figures.push(figure(section, 'views pushed from kill to settled chain', 'count', viewsPerFailover));
  figures.push(figure(section, 'views with a new leader but no row marked leader', 'count', rowlessViews));
  for (const p of PHASES) {
    const values = phases.get(p)!;
    if (values.some(Number.isFinite)) figures.push(figure(section, `  +${p}`, 'ms since click', values));
  }
  if (mode === 'graceful') {
    const rtt = await zkRoundTrips(cluster.zkConnect, 50);
    figures.push(figure(section, 'context: one ZooKeeper read (getData) from a client here', 'ms', rtt.read));
    figures.push(figure(section, 'context: one ZooKeeper write (setData) from a client here', 'ms', rtt.write));
  }
  return {
    figures,
    facts: { samples: count, failures, eye: page ? 'chromium' : 'ws-eye', sessionTimeoutMs: timeoutMs },
    notes: failures.length ? [`${failures.length} of ${count} iterations failed: ${failures.join('; ')}`] : [],
  };
}

let ctimeClient: ZkConnection | null = null;

/** ctime of a znode (epoch ms, ZooKeeper's clock = this machine's); NaN if unreadable. */
async function znodeCtime(zkConnect: string, path: string): Promise<number> {
  if (!ctimeClient) {
    const zk = new ZkConnection({ connect: zkConnect, sessionTimeoutMs: 10_000, logLevel: 0 });
    const connected = new Promise((r) => zk.once('connected', r));
    zk.start();
    await connected;
    ctimeClient = zk;
  }
  const { stat } = await ctimeClient.getData(path);
  return Number((stat as unknown as { ctime?: number } | undefined)?.ctime ?? NaN);
}

/** Section 3: a worker killed (graceful, from the page) → its row gone; a node added → its row shown. */
export async function runPropagation(ctx: Ctx, rig: UiRig, count: number): Promise<SectionResult> {
  const { cluster, eye, page } = rig;
  const section = '3 propagation';
  if (rig.plain) await attachPlainPage(rig.plain, cluster, false);
  const killed: number[] = [];
  const killedWs: number[] = [];
  const added: number[] = [];
  const addedWorker: number[] = [];
  const addedWs: number[] = [];
  const spawnToRow: number[] = [];
  const pageWork: number[] = [];
  /** Where a worker kill's time goes (page rounds): click → each step, from the logs' `at`. */
  const killPhases = { 'kill-requested (gateway)': [] as number[], 'dying (target)': [] as number[] };
  const failures: string[] = [];

  for (let i = 0; i < count; i++) {
    try {
      // A worker killed
      const before = eye.latest!.view;
      const workers = before.nodes.filter((n) => n.role === 'worker');
      const victim = workers[i % workers.length]!.id;
      if (page) await resetMarks(page);
      const gateway = cluster.gateway;
      const from = cursors([...running(cluster), ...(gateway ? [gateway] : [])]);
      const t0 = Date.now();
      const gone = eye.waitFor((v) => !v.nodes.some((n) => n.id === victim), 10_000, `${victim} gone`);
      await kill(rig, victim, 'graceful');
      const ws = await gone;
      if (page) {
        const expr = `!document.querySelector('[data-testid="node-row"][data-node-id="${victim}"]')`;
        await waitInPage(page, expr, 10_000);
        const marks = await pageMarks(page);
        const click = marks.clicks[0]!;
        const shown = marks.rows.find((m) => m.perf >= click.perf && !m.ids.some((r) => r.startsWith(`${victim}:`)))!;
        killed.push(shown.perf - click.perf);
        const msg = messageBefore(marks, shown.perf);
        if (msg) pageWork.push(shown.perf - msg.perf);
        killedWs.push(ws.at - click.wall);
        const requested = gateway ? eventsSince(gateway, from, (e) => e.ev === 'kill-requested' && e.target === victim)[0] : undefined;
        const dying = [...from.keys()].flatMap((p) => eventsSince(p, from, (e) => e.ev === 'dying'))[0];
        killPhases['kill-requested (gateway)'].push(eventTime(requested) - click.wall);
        killPhases['dying (target)'].push(eventTime(dying) - click.wall);
      } else {
        killed.push(ws.at - t0);
      }
      await settleAll(cluster, eye, page, UI_NODES - 1);

      // A node added
      if (page) await resetMarks(page);
      const spawnAt = Date.now();
      const proc = await cluster.addNode();
      const created = await proc.waitFor((e) => e.ev === 'election-create' && e.rc === 'ZOK', { includeHistory: true, timeoutMs: 10_000 });
      const id = String(created.znode).split('/').pop()!;
      // When ZooKeeper created the znode (its ctime, same machine clock); the node's own log line
      // comes later, once it has processed the reply, which can be after the leader saw the child.
      const ctime = await znodeCtime(cluster.zkConnect, `/election/${id}`);
      const createdAt = Math.min(eventTime(created), ctime);
      const wsAdded = await eye.waitFor((v) => v.nodes.some((n) => n.id === id), 10_000, `${id} shown`);
      addedWs.push(wsAdded.at - createdAt);
      if (page) {
        const expr = `!!document.querySelector('[data-testid="node-row"][data-node-id="${id}"][data-role="worker"]')`;
        await waitInPage(page, expr, 10_000);
        const marks = await pageMarks(page);
        const row = marks.rows.find((m) => m.ids.some((r) => r.startsWith(`${id}:`)))!;
        const worker = marks.rows.find((m) => m.ids.includes(`${id}:worker`))!;
        added.push(row.wall - createdAt);
        const msg = messageBefore(marks, row.perf);
        if (msg) pageWork.push(row.perf - msg.perf);
        addedWorker.push(worker.wall - createdAt);
        spawnToRow.push(worker.wall - spawnAt);
      } else {
        const w = await eye.waitFor((v) => v.nodes.some((n) => n.id === id && n.role === 'worker'), 10_000, `${id} worker`);
        added.push(wsAdded.at - createdAt);
        addedWorker.push(w.at - createdAt);
        spawnToRow.push(w.at - spawnAt);
      }
      await settleAll(cluster, eye, page, UI_NODES);
    } catch (err) {
      failures.push(`#${i + 1}: ${(err as Error).message.split('\n')[0]}`);
      ctx.log(`  ${section} #${i + 1} failed: ${(err as Error).message.split('\n')[0]}`);
      while (running(cluster).length < UI_NODES) await cluster.addNode();
      await settleAll(cluster, eye, page, UI_NODES);
    }
  }
  void ctimeClient?.close();
  ctimeClient = null;
  const crashedGhost: number[] = [];
  const crashedGone: number[] = [];
  if (page) {
    for (let i = 0; i < (ctx.options.quick ? 2 : 5); i++) {
      try {
        const workers = eye.latest!.view.nodes.filter((n) => n.role === 'worker');
        const r = await measureWorkerCrash(rig, workers[i % workers.length]!.id);
        crashedGhost.push(r.ghost);
        crashedGone.push(r.gone);
      } catch (err) {
        failures.push(`crash #${i + 1}: ${(err as Error).message.split('\n')[0]}`);
        ctx.log(`  ${section} worker crash #${i + 1} failed: ${(err as Error).message.split('\n')[0]}`);
        while (running(cluster).length < UI_NODES) await cluster.addNode();
        await settleAll(cluster, eye, page, UI_NODES).catch(() => undefined);
      }
    }
  }
  const targets: Target[] = [
    { stat: 'p50', max: 30, label: 'p50 ≤ 30 ms' },
    { stat: 'p99', max: 100, label: 'p99 ≤ 100 ms' },
  ];
  const eye1 = page ? 'click' : 'REST kill';
  const eye2 = page ? 'row in the DOM' : 'view on the WebSocket (ws-eye)';
  const figures = [
    figure(section, `worker killed (graceful): ${eye1} → row gone from the ${page ? 'DOM' : 'view'}`, 'ms', killed, { targets, id: 'propagation.workerKilled' }),
    ...(page
      ? [
          figure(section, 'worker crashed: click → row marked ghost (process gone, session held)', 'ms', crashedGhost, {
            targets: [{ stat: 'p50', max: 30, label: 'p50 ≤ 30 ms' }],
            id: 'propagation.workerCrashed',
          }),
          figure(section, 'worker crashed: click → row gone (session expired)', 'ms', crashedGone),
        ]
      : []),
    ...(page
      ? Object.entries(killPhases).map(([step, values]) =>
          figure(section, `worker killed: click → ${step} (wall clock, from its log)`, 'ms', values.filter(Number.isFinite)),
        )
      : []),
    ...(page ? [figure(section, 'worker killed: click → WebSocket client has the view', 'ms', killedWs, { id: 'propagation.workerKilledWs' })] : []),
    figure(section, `node added: znode created → ${eye2} (as candidate)`, 'ms', added, { targets }),
    figure(section, `node added: znode created → ${eye2} as worker`, 'ms', addedWorker, { targets }),
    ...(page ? [figure(section, 'node added: znode created → WebSocket client has the row', 'ms', addedWs)] : []),
    figure(section, 'node added: process spawned → row as worker (incl. Node start-up)', 'ms', spawnToRow),
    ...(page ? [figure(section, 'snapshot message in the page → row change in the DOM', 'ms', pageWork)] : []),
  ];
  return { figures, facts: { samples: count, failures }, notes: failures.length ? [`${failures.length} iterations failed: ${failures.join('; ')}`] : [] };
}

/**
 * One graceful leader failover clicked on `page` (any cluster size), then back to `n` settled nodes.
 * total: click → new leader row in the DOM; repaint: the snapshot message that carried it → that
 * DOM change (the page's own work); longestTask: the longest task ≥ 50 ms from the click until
 * 100 ms after the change (0: none).
 */
export async function measurePageFailover(
  cluster: LocalCluster,
  eye: ViewWatcher,
  page: Page,
  n: number,
): Promise<{ total: number; repaint: number; longestTask: number }> {
  const old = eye.latest!.view.leader!;
  await resetMarks(page);
  const seen = eye.waitFor((v) => v.status === 'ok' && v.leader !== null && v.leader !== old, 30_000, 'a new leader');
  await page.click(`[data-testid="node-row"][data-node-id="${old}"] [data-testid="kill-graceful"]`, { timeout: 10_000 });
  const newLeader = (await seen).view.leader!;
  const expr = `(() => { const el = document.querySelector(${JSON.stringify(LEADER_ROW)}); return !!el && el.getAttribute('data-node-id') === ${JSON.stringify(newLeader)}; })()`;
  await waitInPage(page, expr, 30_000);
  await afterNextFrame(page);
  const marks = await pageMarks(page);
  const click = marks.clicks[0];
  const shown = marks.leaders.find((m) => m.id === newLeader);
  if (!click || !shown) throw new Error('page marks missing (click or render not recorded)');
  const msg = messageBefore(marks, shown.perf);
  const result = {
    total: shown.perf - click.perf,
    repaint: msg ? shown.perf - msg.perf : NaN,
    longestTask: longestTaskBetween(marks, click.perf, shown.perf + 100),
  };
  await waitSettled(eye, n - 1, 120_000);
  await cluster.addNode();
  await settleAll(cluster, eye, page, n);
  return result;
}

/**
 * A worker crashed from the page (kill-crash: no session close) → its row marked as a ghost (the
 * ZooKeeper view's verdict); then its session expires, the row goes, and a node replaces it.
 */
async function measureWorkerCrash(rig: UiRig, victim: string): Promise<{ ghost: number; gone: number }> {
  const { cluster, eye, page } = rig;
  if (!page) throw new Error('needs the page');
  await resetMarks(page);
  const row = `[data-testid="node-row"][data-node-id="${victim}"]`;
  const ghostExpr = `!!document.querySelector(${JSON.stringify(`${row} [data-testid="ghost-note"]`)})`;
  const goneExpr = `!document.querySelector(${JSON.stringify(row)})`;
  await markWhen(page, 'ghost', ghostExpr);
  await markWhen(page, 'gone', goneExpr);
  await kill(rig, victim, 'crash');
  await waitInPage(page, goneExpr, cluster.sessionTimeoutMs + 15_000);
  const marks = await pageMarks(page);
  const click = marks.clicks[0];
  if (!click) throw new Error('click not recorded');
  const at = (name: string) => (marks.when[name] ? marks.when[name].perf - click.perf : NaN);
  await settleAll(cluster, eye, page, UI_NODES - 1);
  await cluster.addNode();
  await settleAll(cluster, eye, page, UI_NODES);
  return { ghost: at('ghost'), gone: at('gone') };
}
