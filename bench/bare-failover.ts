/**
 * The bare limit beside zkviz's graceful failover: bench/bare/ (its own candidate script on the raw
 * `zookeeper` client, its own stub gateway and page; no zkviz code) on the same ZooKeeper server,
 * the same node count and the same Chromium, one round after each zkviz round. Timed the same way:
 * the click on the page's kill button → the new leader row in the DOM (the bench's instrumented
 * page, MutationObserver), phases from the processes' JSON lines on the same clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LEADER_ROW, afterNextFrame, openInstrumentedPage, pageMarks, resetMarks, waitInPage, withTimeout } from './common.js';

type Page = import('playwright-core').Page;
type Browser = import('playwright-core').Browser;

interface Line {
  ev: string;
  at: number;
  [k: string]: unknown;
}

class Proc {
  readonly child: ChildProcess;
  readonly lines: Line[] = [];
  private waiters = new Set<() => void>();
  constructor(file: string, args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l) as Line);
      } catch {
        return;
      }
      for (const w of [...this.waiters]) w();
    });
  }
  /** The first line matching `pred` from index `since` on. */
  waitFor(pred: (l: Line) => boolean, since = 0, timeoutMs = 15_000): Promise<Line> {
    const find = () => this.lines.slice(since).find(pred);
    const hit = find();
    if (hit) return Promise.resolve(hit);
    let w!: () => void;
    return withTimeout(
      new Promise<Line>((resolve) => {
        w = () => {
          const l = find();
          if (l) resolve(l);
        };
        this.waiters.add(w);
      }),
      timeoutMs,
      'a bare-path process line',
    ).finally(() => this.waiters.delete(w));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  stop(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

export interface BareSample {
  /** click → new leader row in the DOM, page clock. */
  total: number;
  phases: Record<string, number>;
}

export const BARE_PHASES = [
  'kill-requested (stub)',
  'dying (old leader)',
  'predecessor-deleted (successor)',
  'leading (successor)',
  'leader-switched (stub)',
] as const;

export class BareRig {
  private candidates: Proc[] = [];
  private constructor(
    private readonly stub: Proc,
    private readonly page: Page,
    private readonly zkConnect: string,
    private readonly root: string,
    private readonly wsUrl: string,
    readonly nodes: number,
  ) {}

  static async open(browser: Browser, zkConnect: string, nodes: number): Promise<BareRig> {
    const stub = new Proc('./bare/stub.ts', []);
    const { port } = (await stub.waitFor((l) => l.ev === 'listening', 0, 60_000)) as Line & { port: number };
    const url = `http://127.0.0.1:${port}`;
    const page = await openInstrumentedPage(browser, url);
    const rig = new BareRig(stub, page, zkConnect, `/zkviz-bench-bare-${process.pid}-${Date.now()}`, `ws://127.0.0.1:${port}/candidate`, nodes);
    for (let i = 0; i < nodes; i++) rig.add();
    await Promise.all(rig.candidates.map((c) => c.waitFor((l) => l.ev === 'joined', 0, 90_000)));
    await rig.settled();
    return rig;
  }

  private add(): Proc {
    const c = new Proc('./bare/candidate.ts', [this.zkConnect, this.root, this.wsUrl]);
    this.candidates.push(c);
    return c;
  }

  /** `nodes` rows in the page and a leader row. */
  private async settled(): Promise<string> {
    const expr = `document.querySelectorAll('[data-testid="node-row"]').length === ${this.nodes} && !!document.querySelector(${JSON.stringify(LEADER_ROW)})`;
    await waitInPage(this.page, expr, 30_000);
    return this.page.evaluate<string>(`document.querySelector(${JSON.stringify(LEADER_ROW)}).getAttribute('data-node-id')`);
  }

  /** One graceful failover: click the leader's kill button, wait for the new leader row, replace the node. */
  async round(): Promise<BareSample> {
    const old = await this.settled();
    const from = new Map(this.candidates.map((c) => [c, c.lines.length]));
    const stubFrom = this.stub.lines.length;
    await resetMarks(this.page);
    await this.page.click(`[data-testid="node-row"][data-node-id="${old}"] [data-testid="kill-graceful"]`, { timeout: 5000 });
    const expr = `(() => { const el = document.querySelector(${JSON.stringify(LEADER_ROW)}); return !!el && el.getAttribute('data-node-id') !== ${JSON.stringify(old)}; })()`;
    await waitInPage(this.page, expr, 10_000);
    await afterNextFrame(this.page);
    const marks = await pageMarks(this.page);
    const click = marks.clicks[0];
    const shown = marks.leaders.find((m) => m.id !== null && m.id !== old);
    if (!click || !shown) throw new Error('bare page marks missing (click or render not recorded)');
    const lineOf = async (pred: (l: Line) => boolean) => {
      const hits = await Promise.all(
        this.candidates.map((c) =>
          c
            .waitFor(pred, from.get(c) ?? 0, 3000)
            .then((l) => l.at)
            .catch(() => NaN),
        ),
      );
      return hits.find(Number.isFinite) ?? NaN;
    };
    const [dying, deleted, leading] = [
      await lineOf((l) => l.ev === 'dying'),
      await lineOf((l) => l.ev === 'predecessor-deleted'),
      await lineOf((l) => l.ev === 'leading'),
    ];
    const stubAt = async (ev: string) =>
      this.stub
        .waitFor((l) => l.ev === ev, stubFrom, 3000)
        .then((l) => l.at)
        .catch(() => NaN);
    const phases: Record<(typeof BARE_PHASES)[number], number> = {
      'kill-requested (stub)': (await stubAt('kill-requested')) - click.wall,
      'dying (old leader)': dying - click.wall,
      'predecessor-deleted (successor)': deleted - click.wall,
      'leading (successor)': leading - click.wall,
      'leader-switched (stub)': (await stubAt('leader-switched')) - click.wall,
    };
    // Back to `nodes` candidates.
    this.candidates = this.candidates.filter((c) => c.running && !c.lines.slice(from.get(c) ?? 0).some((l) => l.ev === 'dying'));
    await this.add().waitFor((l) => l.ev === 'joined', 0, 60_000);
    await this.settled();
    return { total: shown.perf - click.perf, phases };
  }

  async stop(): Promise<void> {
    await this.page.close().catch(() => undefined);
    for (const c of this.candidates) c.stop();
    this.stub.stop();
    await withTimeout(
      Promise.all([...this.candidates, this.stub].filter((p) => p.running).map((p) => new Promise((r) => p.child.once('exit', r)))),
      5000,
      'bare processes to exit',
    ).catch(() => undefined);
  }
}
