/**
 * What every bench section shares: the run context, /proc readings, ZooKeeper `mntr`, a WebSocket
 * "eye" on the gateway, the instrumented Chromium page and the "settled" check. No election or
 * gateway logic lives here: the bench drives the real processes through the launcher.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import WebSocket from 'ws';
import { GATEWAY_ROUTES, gatewayKillPath, type ClusterView, type KillMode, type ServerMessage } from '@zkviz/shared';
import { fourLetterWord, type LocalCluster, type LogEvent, type ManagedProcess } from '../launcher/src/index.js';
import type { Figure } from './stats.js';
import { settledProblems, withTimeout } from '../test/helpers/index.js';
export { withTimeout };

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

export interface BenchOptions {
  /** `--zookeeper-view off`: the gateway without its ZooKeeper view (ZOOKEEPER_VIEW=off), to compare failover times. */
  zookeeperView?: boolean;
  /** Graceful failover beside the bare limit and a gateway with view + recording off (default on; `--no-compare`). */
  compare: boolean;
  /** `--page-baseline DIR`: a second build of the page the page section feeds the same rounds (before/after). */
  pageBaseline?: string;
  /** `--big`: the expensive rows too (5,000 viewers). */
  big: boolean;
  quick: boolean;
  only: Set<string> | null;
  /** Seconds of idle CPU measurement per cluster size (nodes section). */
  idleSeconds: number;
}

export interface SectionResult {
  figures: Figure[];
  /** Anything worth keeping that is not a distribution: counts, sizes, explanations. */
  facts: Record<string, unknown>;
  notes: string[];
}

export interface Ctx {
  options: BenchOptions;
  log(message: string): void;
  /** Shared headless Chromium (launched on first use), or null when it cannot be launched. */
  browser(): Promise<import('playwright-core').Browser | null>;
  /** Negotiated session timeouts seen in node logs (ms). */
  sessionTimeouts: Set<number>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Machine and /proc
// ---------------------------------------------------------------------------------------------

export const CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64

export interface ProcSample {
  /** utime + stime in clock ticks. */
  ticks: number;
  rssKb: number;
  hwmKb: number;
}

/** CPU ticks and memory of one process; null once it is gone. */
export function procSample(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 3 → index 0; utime 14 → index 11; stime 15 → index 12
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { ticks, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Proportional set size in MB: the process's private pages plus its share of pages shared with
 * other processes (the node binary's ~40 MB is mapped by every node). What one more node costs,
 * where RSS counts the shared pages whole in each. NaN once the process is gone.
 */
export function pssMb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU time in ms between two samples. */
export function cpuMs(before: ProcSample | null, after: ProcSample | null): number {
  if (!before || !after) return NaN;
  return ((after.ticks - before.ticks) * 1000) / CLK_TCK;
}

/** CPU time in ms a process has spent since exec; NaN once it is gone. */
export function cpuSinceExecMs(pid: number): number {
  const sample = procSample(pid);
  return sample ? (sample.ticks * 1000) / CLK_TCK : NaN;
}

/** What `idleWindow` measured: each process's CPU over the window, and its sample at the end. */
export interface IdleWindow {
  /** % of a core; NaN for a process gone meanwhile. */
  pct: (pid: number) => number;
  /** The sample taken as the window ended (RSS then), null if gone. */
  after: (pid: number) => ProcSample | null;
}

/** Samples `pids`, waits `seconds`, samples again: the idle CPU of each over that wall time. */
export async function idleWindow(pids: readonly number[], seconds: number): Promise<IdleWindow> {
  const before = new Map(pids.map((pid) => [pid, procSample(pid)]));
  const w0 = Date.now();
  await sleep(seconds * 1000);
  const wall = Date.now() - w0;
  const after = new Map(pids.map((pid) => [pid, procSample(pid)]));
  return { pct: (pid) => (cpuMs(before.get(pid) ?? null, after.get(pid) ?? null) / wall) * 100, after: (pid) => after.get(pid) ?? null };
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------------------
// ZooKeeper
// ---------------------------------------------------------------------------------------------

/** `mntr` as numbers (non-numeric lines dropped). */
export async function mntr(zkConnect: string): Promise<Map<string, number>> {
  const [host, port] = zkConnect.split(',')[0]!.split(':');
  const answer = await fourLetterWord(host!, Number(port), 'mntr', 3000);
  const out = new Map<string, number>();
  for (const line of answer.split('\n')) {
    const [k, v] = line.split('\t');
    if (k && v !== undefined && /^-?\d+(\.\d+)?$/.test(v.trim())) out.set(k, Number(v));
  }
  return out;
}

export function mntrDelta(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

/** Negotiated session timeouts from the nodes' `zk` log lines. */
export function noteSessionTimeouts(ctx: Ctx, nodes: readonly ManagedProcess[]): void {
  for (const n of nodes) {
    for (const e of n.events) if (e.ev === 'zk' && typeof e.timeoutMs === 'number') ctx.sessionTimeouts.add(e.timeoutMs);
  }
}

// ---------------------------------------------------------------------------------------------
// The WebSocket eye: the gateway's views as a plain client receives them
// ---------------------------------------------------------------------------------------------

export interface ReceivedView {
  view: ClusterView;
  at: number;
  bytes: number;
}

export class ViewWatcher extends EventEmitter<{ view: [ReceivedView] }> {
  latest: ReceivedView | null = null;
  /** Views received so far. */
  count = 0;
  /** view.seq → Date.now() of arrival (the last 500). */
  readonly arrivals = new Map<number, number>();
  private constructor(private readonly socket: WebSocket) {
    super();
    this.setMaxListeners(0);
    socket.on('message', (data) => {
      const at = Date.now();
      const text = data.toString();
      const msg = JSON.parse(text) as ServerMessage;
      if (msg.type !== 'snapshot') return;
      this.latest = { view: msg.view, at, bytes: Buffer.byteLength(text) };
      this.count++;
      this.arrivals.set(msg.view.seq, at);
      if (this.arrivals.size > 500) this.arrivals.delete(this.arrivals.keys().next().value!);
      this.emit('view', this.latest);
    });
  }

  static async open(baseUrl: string): Promise<ViewWatcher> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${GATEWAY_ROUTES.ws}`);
    const w = new ViewWatcher(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      5000,
      'the WebSocket to open',
    );
    return w;
  }

  /** Resolves with the first view (latest included) matching `pred`. */
  waitFor(pred: (v: ClusterView) => boolean, timeoutMs: number, what: string): Promise<ReceivedView> {
    if (this.latest && pred(this.latest.view)) return Promise.resolve(this.latest);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('view', on);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a view where ${what}; last: ${JSON.stringify(summariseView(this.latest?.view))}`));
      }, timeoutMs);
      const on = (r: ReceivedView) => {
        if (!pred(r.view)) return;
        clearTimeout(timer);
        this.off('view', on);
        resolve(r);
      };
      this.on('view', on);
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

export function summariseView(v: ClusterView | undefined): unknown {
  if (!v) return null;
  return { status: v.status, leader: v.leader?.slice(-12), nodes: v.nodes.map((n) => `${n.sequence}:${n.role}:${n.watching?.slice(-4) ?? '-'}`) };
}

/**
 * Settled as the gateway shows it: `n` nodes, status ok, and the settled-cluster predicate of
 * test/helpers/settled.ts over the view (the lowest leads, every other node is a worker watching
 * its immediate predecessor and is in the workers registry).
 */
export function isSettled(v: ClusterView, n: number): boolean {
  if (v.status !== 'ok' || v.stale || v.nodes.length !== n) return false;
  const nodes = v.nodes.map((node) => ({ name: node.id, znode: node.id, role: node.role, watching: node.watching, acting: node.id === v.leader }));
  const workers = v.nodes.filter((node) => node.inWorkersRegistry).map((node) => node.id);
  return settledProblems(nodes, { workers }).length === 0;
}

export async function waitSettled(eye: ViewWatcher, n: number, timeoutMs = 30_000): Promise<ReceivedView> {
  return eye.waitFor((v) => isSettled(v, n), timeoutMs, `the chain of ${n} nodes is settled`);
}

/** POST /api/nodes/:id/kill on the gateway. */
export async function restKill(baseUrl: string, id: string, mode: KillMode): Promise<void> {
  const res = await fetch(`${baseUrl}${gatewayKillPath(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  if (res.status !== 202) throw new Error(`kill ${id} (${mode}) answered ${res.status}: ${await res.text()}`);
}

// ---------------------------------------------------------------------------------------------
// Log events
// ---------------------------------------------------------------------------------------------

/** Epoch ms of a log event: its own `at` when it has one (the moment it happened), else pino's `time`. */
export function eventTime(e: LogEvent | undefined): number {
  if (!e) return NaN;
  return typeof e.at === 'number' ? e.at : typeof e.time === 'number' ? e.time : NaN;
}

/** Cursors of every running node, for `waitFor(..., { since })` and history scans. */
export function cursors(procs: readonly ManagedProcess[]): Map<ManagedProcess, number> {
  return new Map(procs.map((p) => [p, p.cursor()]));
}

/** Events of `proc` after its cursor in `from`, matching `pred`. */
export function eventsSince(proc: ManagedProcess, from: Map<ManagedProcess, number>, pred: (e: LogEvent) => boolean): LogEvent[] {
  // `events` is bounded history; the cursor counts every event ever seen.
  const all = proc.events;
  const since = from.get(proc) ?? 0;
  const skip = all.length - (proc.cursor() - since);
  return all.slice(Math.max(0, skip)).filter(pred);
}

/** The first event matching `pred` on any of `procs` after the cursors; with the process it came from. */
export function firstOf(
  procs: readonly ManagedProcess[],
  from: Map<ManagedProcess, number>,
  pred: (e: LogEvent) => boolean,
  timeoutMs: number,
  what: string,
): Promise<{ proc: ManagedProcess; event: LogEvent }> {
  return withTimeout(
    Promise.any(
      procs
        .filter((p) => p.running)
        .map((p) => p.waitFor(pred, { since: from.get(p) ?? p.cursor(), timeoutMs: timeoutMs + 1000 }).then((event) => ({ proc: p, event }))),
    ),
    timeoutMs,
    what,
  );
}

// ---------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Does the gateway serve the page? (It serves the API only when the page is not built.) */
export async function pageBuilt(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/`);
    return res.status === 200 && (res.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

export const ROW = '[data-testid="node-row"]';
export const LEADER_ROW = '[data-testid="node-row"][data-role="leader"]';

/**
 * Installed in the page: a MutationObserver records, with the page's clock, each change of the
 * rendered leader row and of the set of rendered rows, and a capture listener records every click.
 * `wall` is Date.now() (comparable with the processes' log times); `perf` is performance.now().
 * A string, not a function: tsx wraps named inner functions in a `__name()` helper the page lacks.
 */
const INSTRUMENT_PAGE = `(() => {
  if (window.__bench) return;
  const bench = (window.__bench = { clicks: [], leaders: [], rows: [], msgs: [] });
  const now = () => ({ perf: performance.now(), wall: Date.now() });
  // Every snapshot the page's WebSocket receives, timed before the page's own handler runs.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !e.data.startsWith('{"type":"snapshot"')) return;
        // Timed first; the seq without a second JSON.parse of a 100-node view (only a view has "seq":).
        const mark = now();
        const at = e.data.lastIndexOf('"seq":');
        const seq = at < 0 ? null : parseInt(e.data.slice(at + 6, at + 26), 10);
        bench.msgs.push(Object.assign(mark, { seq: Number.isFinite(seq) ? seq : null }));
        if (bench.msgs.length > 200) bench.msgs.splice(0, 100);
      });
    }
  };
  document.addEventListener('click', () => bench.clicks.push(now()), true);
  // Tasks of 50 ms or more (Chromium's longtask entries), for "longest task during a failover".
  bench.tasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) bench.tasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // Named one-shot marks: the first moment a condition holds (see markWhen).
  bench.when = {};
  let lastLeader;
  let lastRows = '';
  const check = () => {
    const at = now(); // before this check's own work
    const el = document.querySelector(${JSON.stringify(LEADER_ROW)});
    const leader = el ? el.getAttribute('data-node-id') : null;
    const rows = [...document.querySelectorAll('[data-testid="node-row"]')].map((r) => r.getAttribute('data-node-id') + ':' + r.getAttribute('data-role'));
    const key = rows.join(',');
    if (leader !== lastLeader) {
      lastLeader = leader;
      const mark = Object.assign({ ...at }, { id: leader });
      bench.leaders.push(mark);
      requestAnimationFrame(() => { mark.frame = performance.now(); });
    }
    if (key !== lastRows) {
      lastRows = key;
      bench.rows.push(Object.assign({ ...at }, { ids: rows }));
    }
  };
  const start = () => {
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-role', 'data-node-id'] });
    check();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})()`;

export interface PageMarks {
  clicks: Array<{ perf: number; wall: number }>;
  leaders: Array<{ perf: number; wall: number; id: string | null; frame?: number }>;
  rows: Array<{ perf: number; wall: number; ids: string[] }>;
  /** Snapshot messages as the page's WebSocket received them. */
  msgs: Array<{ perf: number; wall: number; seq: number | null }>;
  /** Long tasks (≥ 50 ms, PerformanceObserver 'longtask'), page clock. */
  tasks: Array<{ start: number; duration: number }>;
  /** markWhen results by name. */
  when: Record<string, { perf: number; wall: number }>;
}

/** The longest task that overlaps [from, to] (page clock); 0 when none of ≥ 50 ms did. */
export function longestTaskBetween(marks: PageMarks, from: number, to: number): number {
  return marks.tasks.filter((t) => t.start + t.duration >= from && t.start <= to).reduce((m, t) => Math.max(m, t.duration), 0);
}

/**
 * Records in the page (marks.when[name]) the first moment the JS expression `condition` holds,
 * checked on every DOM change. Arm it before the action, read it with pageMarks after waitInPage.
 */
export async function markWhen(page: import('playwright-core').Page, name: string, condition: string): Promise<void> {
  await page.evaluate(`(() => {
    const b = window.__bench;
    delete b.when[${JSON.stringify(name)}];
    const ok = () => (${condition});
    const obs = new MutationObserver(() => { if (ok()) { b.when[${JSON.stringify(name)}] = { perf: performance.now(), wall: Date.now() }; obs.disconnect(); } });
    obs.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  })()`);
}

/** For each snapshot the page received that the bench's own WebSocket client also received: page − bench arrival (ms). */
export function deliverySkew(marks: PageMarks, eye: ViewWatcher): number[] {
  return marks.msgs.flatMap((m) => {
    const at = m.seq === null ? undefined : eye.arrivals.get(m.seq);
    return at === undefined ? [] : [m.wall - at];
  });
}

/** The last snapshot message the page received at or before `perf` (what the render was about). */
export function messageBefore(marks: PageMarks, perf: number): { perf: number; wall: number } | undefined {
  return marks.msgs.filter((m) => m.perf <= perf).pop();
}

export async function openInstrumentedPage(browser: import('playwright-core').Browser, url: string): Promise<import('playwright-core').Page> {
  const page = await browser.newPage();
  page.on('dialog', (d) => void d.accept()); // a confirm() on kill, if the page asks
  await page.addInitScript({ content: INSTRUMENT_PAGE });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return page;
}

export async function pageMarks(page: import('playwright-core').Page): Promise<PageMarks> {
  return page.evaluate<PageMarks>('window.__bench');
}

/** Forgets the marks recorded so far (keeps the current leader/rows state). */
export async function resetMarks(page: import('playwright-core').Page): Promise<void> {
  await page.evaluate(
    '(() => { const b = window.__bench; b.clicks.length = 0; b.leaders.length = 0; b.rows.length = 0; b.msgs.length = 0; b.tasks.length = 0; })()',
  );
}

/** Waits until the page renders exactly `ids` (in any order) with the leader `leader`; no polling: mutation-driven. */
export async function waitPageShows(page: import('playwright-core').Page, ids: readonly string[], leader: string, timeoutMs = 10_000): Promise<void> {
  const want = JSON.stringify([...ids].sort());
  const expr = `(() => {
    const shown = JSON.stringify([...document.querySelectorAll('[data-testid="node-row"]')].map((r) => r.getAttribute('data-node-id')).sort());
    const el = document.querySelector('[data-testid="node-row"][data-role="leader"]');
    return shown === ${JSON.stringify(want)} && !!el && el.getAttribute('data-node-id') === ${JSON.stringify(leader)};
  })()`;
  await waitInPage(page, expr, timeoutMs);
}

/** Lets the page paint once (bounded: headless frames can be throttled), so rAF marks are in. */
export async function afterNextFrame(page: import('playwright-core').Page): Promise<void> {
  await page.evaluate('new Promise((r) => { const t = setTimeout(r, 250); requestAnimationFrame(() => setTimeout(() => { clearTimeout(t); r(); }, 0)); })');
}

/**
 * Resolves once the JS expression `condition` is true in the page. Poll-free: re-evaluated by a
 * MutationObserver inside the page on every DOM change.
 */
export async function waitInPage(page: import('playwright-core').Page, condition: string, timeoutMs = 10_000): Promise<void> {
  const script = `new Promise((resolve, reject) => {
    const ok = () => (${condition});
    if (ok()) return resolve(true);
    const obs = new MutationObserver(() => { if (ok()) { obs.disconnect(); clearTimeout(timer); resolve(true); } });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('page condition not met within ${timeoutMs} ms: ' + ${JSON.stringify(condition.slice(0, 160))})); }, ${timeoutMs});
    obs.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  })`;
  await page.evaluate(script);
}

/** Settled in the gateway and (if given) rendered in the page. */
export async function settleAll(cluster: LocalCluster, eye: ViewWatcher, page: import('playwright-core').Page | null, n: number): Promise<ClusterView> {
  const { view } = await waitSettled(eye, n);
  if (page)
    await waitPageShows(
      page,
      view.nodes.map((x) => x.id),
      view.leader!,
    );
  void cluster;
  return view;
}
