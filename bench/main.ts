/**
 * `npm run bench [-- --quick] [-- --only graceful,crash,propagation,viewers,nodes,startup,flood,page] [-- --idle-seconds N]`
 *
 * Local mode, real ZooKeeper, headless Chromium (/usr/bin/chromium). Bounded; stops by itself.
 * Writes bench/results/<date>.json and prints a markdown table. Targets are reported, never asserted.
 * Needs a build (`npm run build`): it runs cluster/dist, frontend/dist and launcher/dist.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, machineInfo, type BenchOptions, type Ctx, type SectionResult } from './common.js';
import { runFlood } from './flood.js';
import { UI_NODES, openUiRig, runLeaderFailover, runPropagation, type UiRig } from './failover.js';
import { runNodes } from './nodes.js';
import { runPage } from './page.js';
import { runStartup } from './startup.js';
import { markdownTable, type Figure } from './stats.js';
import { targetRows, targetTable } from './targets.js';
import { runViewers } from './viewers.js';
import { startZooKeeper } from '../launcher/src/index.js';

const SECTIONS = ['graceful', 'crash', 'propagation', 'viewers', 'nodes', 'startup', 'flood', 'page'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--idle-seconds N]
  --quick           few samples, small sizes (smoke run, ~2–3 min)
  --only a,b        run only these sections ("failover" = graceful,crash)
  --idle-seconds N  idle CPU window per cluster size in the nodes section (default 30, quick 10)
  --zookeeper-view on|off  the gateway's ZooKeeper view (default on); compare failover with it off
  --no-compare      graceful failover without the bare limit and the view/recording-off gateway beside it
  --big             the expensive rows too: 5,000 viewers on one gateway (adds ~2 min)
  --page-baseline DIR  the page section also feeds a second build of the page (a copy of another
                    checkout's frontend/dist/web), interleaved round by round: before/after in one run`;

function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { quick: false, compare: true, big: false, only: null, idleSeconds: NaN };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--quick') o.quick = true;
    else if (flag === '--no-compare') o.compare = false;
    else if (flag === '--big') o.big = true;
    else if (flag === '--page-baseline') o.pageBaseline = value();
    else if (flag === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .flatMap((s) => (s === 'failover' ? ['graceful', 'crash'] : [s]));
      for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section "${n}"\n${USAGE}`);
      o.only = new Set(names);
    } else if (flag === '--idle-seconds') o.idleSeconds = Number(value());
    else if (flag === '--zookeeper-view') {
      const v = value();
      if (v !== 'on' && v !== 'off') throw new Error(`--zookeeper-view takes on or off\n${USAGE}`);
      o.zookeeperView = v === 'on';
    } else if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option "${argv[i]}"\n${USAGE}`);
  }
  if (!Number.isFinite(o.idleSeconds) || o.idleSeconds <= 0) o.idleSeconds = o.quick ? 10 : 30;
  return o;
}

function git(cmd: string): string {
  try {
    return execSync(`git ${cmd}`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
  const want = (s: Section) => !options.only || options.only.has(s);

  let browserPromise: Promise<import('playwright-core').Browser | null> | null = null;
  const ctx: Ctx = {
    options,
    log,
    sessionTimeouts: new Set(),
    browser() {
      browserPromise ??= import('playwright-core')
        .then(({ chromium }) => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS }))
        .catch((err: unknown) => {
          log(`Chromium could not be launched: ${(err as Error).message.split('\n')[0]}`);
          return null;
        });
      return browserPromise;
    },
  };

  const machine = machineInfo();
  log(`machine: ${JSON.stringify(machine)}; ${options.quick ? 'quick' : 'full'} run; sections: ${SECTIONS.filter(want).join(', ')}`);
  // ZooKeeper version: ask a throwaway server (every section starts its own).
  let zkVersion: string;
  {
    const zk = await startZooKeeper();
    zkVersion = zk.version;
    await zk.stop();
  }

  const results: Record<string, SectionResult> = {};
  // The results file is rewritten after every section, so an interrupted run keeps what it measured.
  const date = new Date();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = date.toISOString().replace(/:/g, '-').replace(/\..*$/, '');
  const file = join(dir, `${stamp}${options.quick ? '-quick' : ''}.json`);
  const sessionTimeouts = () => [...ctx.sessionTimeouts].sort((a, b) => a - b);
  // Read once, at the start: the checkout the run's dist was built from (as far as git can tell),
  // not whatever HEAD is when a later section rewrites the file.
  const checkout = { commit: git('rev-parse --short HEAD'), dirty: git('status --porcelain -- cluster frontend/src shared launcher') !== '' };
  const reportOf = (complete: boolean) => {
    const report = {
      date: date.toISOString(),
      mode: options.quick ? 'quick' : 'full',
      sections: SECTIONS.filter(want),
      /** false while the run is going (or if it was interrupted): `results` holds the sections done so far. */
      complete,
      durationS: Math.round((Date.now() - started) / 1000),
      git: checkout,
      machine: { ...machine, zookeeper: zkVersion, loadavgAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
      negotiatedSessionTimeoutMs: sessionTimeouts(),
      zookeeperView: options.zookeeperView !== false,
      uiClusterNodes: UI_NODES,
      results,
    };
    const targets = targetRows(Object.values(results).flatMap((r) => r.figures));
    writeFileSync(file, JSON.stringify({ ...report, targets }, null, 2) + '\n');
    return { report, targets };
  };
  const run = async (name: string, fn: () => Promise<SectionResult>) => {
    const t = Date.now();
    const load = loadavg().map((l) => Math.round(l * 100) / 100);
    log(`${name}... (load ${load.join(' / ')})`);
    try {
      results[name] = await fn();
      results[name].facts.loadAtStart = load;
    } catch (err) {
      log(`${name} FAILED: ${(err as Error).stack ?? String(err)}`);
      results[name] = { figures: [], facts: {}, notes: [`section failed: ${(err as Error).message.split('\n')[0]}`] };
    }
    reportOf(false);
    log(`${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s (results so far: ${file})`);
  };

  if (want('graceful') || want('crash') || want('propagation')) {
    let rig: UiRig | null = null;
    try {
      rig = await openUiRig(ctx, want('graceful'));
      const r = rig;
      if (want('graceful')) await run('graceful', () => runLeaderFailover(ctx, r, 'graceful', options.quick ? 6 : 24));
      if (want('crash')) await run('crash', () => runLeaderFailover(ctx, r, 'crash', options.quick ? 3 : 6));
      if (want('propagation')) await run('propagation', () => runPropagation(ctx, r, options.quick ? 3 : 10));
    } catch (err) {
      log(`failover rig FAILED: ${(err as Error).stack ?? String(err)}`);
    } finally {
      await rig?.stop();
    }
  }
  if (want('viewers')) await run('viewers', () => runViewers(ctx));
  if (want('nodes')) await run('nodes', () => runNodes(ctx));
  if (want('startup')) await run('startup', () => runStartup(ctx));
  if (want('flood')) await run('flood', () => runFlood(ctx));
  if (want('page')) await run('page', () => runPage(ctx));

  const browser = browserPromise ? await (browserPromise as Promise<import('playwright-core').Browser | null>) : null;
  await browser?.close().catch(() => undefined);

  const { report, targets } = reportOf(true);
  const allFigures: Figure[] = Object.values(results).flatMap((r) => r.figures);
  const sessionTimeoutsSeen = report.negotiatedSessionTimeoutMs;
  const figures = allFigures;
  const facts = Object.entries(results).filter(([, r]) => Object.keys(r.facts).length || r.notes.length);
  const m = report.machine;
  const lines = [
    `## zkviz bench — ${report.date} (${report.mode}, ${report.durationS} s, git ${report.git.commit}${report.git.dirty ? ' + local changes' : ''})`,
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ZooKeeper ${m.zookeeper}; ` +
      `load average at start ${m.loadavg.join(' / ')}, at end ${m.loadavgAtEnd.join(' / ')}. ` +
      `Negotiated session timeout: ${sessionTimeoutsSeen.length ? sessionTimeoutsSeen.join(', ') + ' ms' : 'n/a'}.`,
    '',
    '### Targets (issue #15; reported, never asserted)',
    '',
    targetTable(targets),
    '',
    '### Every figure',
    '',
    markdownTable(figures),
    '',
    ...facts.flatMap(([name, r]) => [
      `**${name}**: ${Object.entries(r.facts)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')}`,
      ...r.notes.map((n) => `- ${n}`),
      '',
    ]),
    `Results: ${file}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
