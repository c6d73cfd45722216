/**
 * Section 8: the page's own cost of a failover at 8, 25 and 100 nodes, without 100 processes. A
 * stub serves the built page (frontend/dist/web) and, on its /ws, the messages a gateway pushes
 * (page-feed.ts: a settled chain, then graceful failovers each followed by the dead slot's
 * restart, paced as a real one). The bench's instrumented page times, in Chromium, the snapshot
 * that shows the new leader from its arrival in the page to the leader row in the DOM (repaint)
 * and to the next animation frame, and records every task of 50 ms or more (longtask) while the
 * failover's messages arrive and while the restart's do.
 *
 * `--page-baseline DIR` serves a second build (e.g. main's `frontend/dist/web`, copied aside) from
 * a second stub and feeds it the same rounds, interleaved round by round in the same browser: a
 * before/after comparison measured in one run.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayHealth } from '@zkviz/shared';
import {
  LEADER_ROW,
  afterNextFrame,
  longestTaskBetween,
  openInstrumentedPage,
  pageMarks,
  resetMarks,
  sleep,
  waitInPage,
  waitPageShows,
  withTimeout,
  type Ctx,
  type SectionResult,
} from './common.js';
import { ClusterFeed, type FeedStep } from './page-feed.js';
import { figure, type Figure } from './stats.js';

type Page = import('playwright-core').Page;

export const PAGE_DIST = resolve(fileURLToPath(new URL('../frontend/dist/web', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};
/** What a local-mode gateway says about itself: every fault action on (nodes run in slots). */
const HEALTH: GatewayHealth = {
  status: 'ok',
  controlProtected: false,
  capabilities: { kill: true, freeze: true, partition: true, restart: true, addNode: true, zookeeperControl: true },
};

/** A gateway stand-in: the built page from `dir`, its API answered as an idle gateway would, and /ws fed by the bench. */
export class PageStub {
  private socket: WebSocket | null = null;
  private connected: (() => void) | null = null;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async open(dir: string): Promise<PageStub> {
    const root = resolve(dir);
    const server = http.createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/api/health') return json(200, HEALTH);
      if (path === '/api/failovers') return json(200, { failovers: [] });
      if (path.startsWith('/api/')) return json(404, { error: 'not_found', message: 'the bench page stub has no such route' });
      let file = normalize(join(root, path));
      if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const stub = new PageStub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    new WebSocketServer({ server, path: '/ws' }).on('connection', (socket) => {
      stub.socket = socket;
      socket.on('message', (data) => {
        if ((JSON.parse(data.toString()) as { type?: string }).type === 'ping') socket.send(JSON.stringify({ type: 'pong', at: Date.now() }));
      });
      stub.connected?.();
    });
    return stub;
  }

  /** Resolves once a page has opened /ws (the next one, or the one open now). */
  whenConnected(timeoutMs = 15_000): Promise<void> {
    if (this.socket) return Promise.resolve();
    return withTimeout(new Promise<void>((r) => (this.connected = r)), timeoutMs, 'the page to open /ws');
  }

  /** Sends the steps at their pace; the snapshot seq of the step marked newLeader, if any. */
  async send(steps: FeedStep[]): Promise<number | null> {
    let marked: number | null = null;
    for (const step of steps) {
      if (step.afterMs > 0) await sleep(step.afterMs);
      this.socket!.send(JSON.stringify(step.message));
      if (step.newLeader && step.message.type === 'snapshot') marked = step.message.view.seq;
    }
    return marked;
  }

  async close(): Promise<void> {
    this.socket?.terminate();
    this.socket = null;
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

interface Build {
  name: string;
  dir: string;
}

interface Samples {
  repaint: number[];
  frame: number[];
  longest: number[];
  restartLongest: number[];
  /** Main-thread CPU of the page while the failover's messages arrive (trace `tdur`), and its longest task's. */
  cpu: number[];
  longestCpu: number[];
}

const noSamples = (): Samples => ({ repaint: [], frame: [], longest: [], restartLongest: [], cpu: [], longestCpu: [] });

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The page's main-thread tasks in a Chromium trace: CPU time (`tdur`, µs → ms), which on a shared
 * machine, unlike wall time, does not grow with what else runs. The page's renderer is the main
 * thread that worked most (the other page, when there is one, is idle meanwhile).
 */
function mainThreadCpu(trace: Buffer): { total: number; longest: number } {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, number[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.name !== 'RunTask' || e.ph !== 'X' || !mains.has(thread)) continue;
    const tasks = byThread.get(thread) ?? [];
    tasks.push((e.tdur ?? e.dur ?? 0) / 1000);
    byThread.set(thread, tasks);
  }
  const sum = (tasks: number[]) => tasks.reduce((a, b) => a + b, 0);
  const tasks = [...byThread.values()].sort((a, b) => sum(b) - sum(a))[0] ?? [];
  return { total: sum(tasks), longest: Math.max(0, ...tasks) };
}

interface Subject {
  browser: import('playwright-core').Browser;
  build: Build;
  stub: PageStub;
  page: Page;
  feed: ClusterFeed;
  samples: Samples;
}

/** One failover and restart fed to one page; its samples appended. */
async function round(s: Subject): Promise<void> {
  const { page, feed, stub, samples } = s;
  await resetMarks(page);
  await s.browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  const seq = await stub.send(feed.gracefulFailover(Date.now()));
  const leader = feed.leader;
  await waitInPage(
    page,
    `(() => { const el = document.querySelector(${JSON.stringify(LEADER_ROW)}); return !!el && el.getAttribute('data-node-id') === ${JSON.stringify(leader)}; })()`,
    30_000,
  );
  await afterNextFrame(page);
  await sleep(200); // the ZooKeeper views after it, and any work they start
  const cpu = mainThreadCpu(await s.browser.stopTracing());
  samples.cpu.push(cpu.total);
  samples.longestCpu.push(cpu.longest);
  const marks = await pageMarks(page);
  const msg = marks.msgs.find((m) => m.seq === seq);
  const shown = marks.leaders.find((m) => m.id === leader);
  if (!msg || !shown) throw new Error('page marks missing (snapshot or leader row not recorded)');
  samples.repaint.push(shown.perf - msg.perf);
  if (shown.frame !== undefined) samples.frame.push(shown.frame - msg.perf);
  samples.longest.push(longestTaskBetween(marks, 0, Infinity));

  await resetMarks(page);
  await stub.send(feed.restart(Date.now()));
  await waitInPage(page, `document.querySelectorAll('[data-testid="node-row"][data-role="worker"]').length === ${feed.size - 1}`, 30_000);
  await sleep(200);
  samples.restartLongest.push(longestTaskBetween(await pageMarks(page), 0, Infinity));
}

async function openSubject(ctx: Ctx, build: Build, size: number): Promise<Subject> {
  const browser = await ctx.browser();
  if (!browser) throw new Error('Chromium could not be launched');
  const stub = await PageStub.open(build.dir);
  const page = await openInstrumentedPage(browser, stub.url);
  const feed = new ClusterFeed(size, Date.now() - 60_000);
  await stub.whenConnected();
  const settled = feed.settled(Date.now());
  await stub.send(settled);
  const first = settled[0]!.message;
  if (first.type !== 'snapshot') throw new Error('the feed starts with a snapshot');
  await waitPageShows(
    page,
    first.view.nodes.map((n) => n.id),
    feed.leader,
    30_000,
  );
  return { browser, build, stub, page, feed, samples: noSamples() };
}

export async function runPage(ctx: Ctx): Promise<SectionResult> {
  const sizes = ctx.options.quick ? [8, 100] : [8, 25, 100];
  const rounds = ctx.options.quick ? 5 : 15;
  const builds: Build[] = [{ name: 'this build', dir: PAGE_DIST }];
  if (ctx.options.pageBaseline) builds.push({ name: `baseline (${ctx.options.pageBaseline})`, dir: ctx.options.pageBaseline });
  for (const b of builds) if (!existsSync(join(b.dir, 'index.html'))) throw new Error(`no built page at ${b.dir} (npm run build)`);
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const size of sizes) {
    const section = `8 page (${size} nodes, synthesized feed)`;
    const subjects: Subject[] = [];
    try {
      for (const b of builds) subjects.push(await openSubject(ctx, b, size));
      // One warm-up round each (JIT, first layout), then the rounds interleaved build by build.
      for (const s of subjects) await round(s);
      for (const s of subjects) s.samples = noSamples();
      for (let i = 0; i < rounds; i++) for (const s of subjects) await round(s);
      for (const s of subjects) {
        const own = s.build === builds[0];
        const who = own ? '' : ` — ${s.build.name}`;
        const id = (what: string) => (own ? { id: `page${size}.${what}` } : {});
        figures.push(figure(section, `failover repaint: new leader's snapshot in the page → leader row in the DOM${who}`, 'ms', s.samples.repaint, id('repaint')));
        figures.push(figure(section, `new leader's snapshot in the page → next animation frame${who}`, 'ms', s.samples.frame));
        figures.push(figure(section, `longest task while the failover's messages arrive (0: none ≥ 50 ms)${who}`, 'ms', s.samples.longest, id('longestTask')));
        figures.push(figure(section, `longest task while the restart's messages arrive (0: none ≥ 50 ms)${who}`, 'ms', s.samples.restartLongest));
        figures.push(figure(section, `main-thread CPU while the failover's messages arrive (trace)${who}`, 'ms', s.samples.cpu, id('cpu')));
        figures.push(figure(section, `longest main-thread task in CPU time during the failover (trace)${who}`, 'ms', s.samples.longestCpu, id('longestTaskCpu')));
      }
    } catch (err) {
      notes.push(`${size} nodes: ${(err as Error).message.split('\n')[0]}`);
      ctx.log(`  ${section} failed: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      for (const s of subjects) {
        await s.page.close().catch(() => undefined);
        await s.stub.close();
      }
    }
  }
  return { figures, facts: { rounds, builds: builds.map((b) => b.name) }, notes };
}
