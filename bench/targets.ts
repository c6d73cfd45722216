/**
 * The issue's target table (#15): each row a figure, what this run measured, the target, met or
 * not. Pure (figures in, rows out), so the ratio and verdict math is unit-tested (targets.test.ts);
 * nothing here is ever asserted against the machine. Figures are found by their `id` (stats.ts).
 */
import { fmt, type Figure, type Summary } from './stats.js';

export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  /** null: not measured in this run (`measured` says how to get it). */
  met: boolean | null;
}

/** a / b, NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NaN;
  return a / b;
}

/** The nodes section's bare limit (bench/bare-sessions.ts). */
const BARE_SESSIONS = '100 bare ZooKeeper sessions';
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${fmt(v)} ms`);
const mb = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${fmt(v)} MB`);
/** All of `checks` hold; null when any is NaN (not measured). */
const all = (...checks: Array<[number, number]>): boolean | null => (checks.some(([v]) => !Number.isFinite(v)) ? null : checks.every(([v, max]) => v <= max));

export function targetRows(figures: readonly Figure[]): TargetRow[] {
  const byId = new Map<string, Summary | null>();
  for (const f of figures) if (f.id) byId.set(f.id, f.summary);
  const get = (id: string): Summary | undefined => byId.get(id) ?? undefined;
  const missing = (how: string) => `not measured (${how})`;
  const rows: TargetRow[] = [];

  const zk = get('graceful.total');
  const bare = get('graceful.bare');
  {
    const r50 = ratio(zk?.p50, bare?.p50);
    const r99 = ratio(zk?.p99, bare?.p99);
    rows.push({
      figure: 'graceful failover: kill → new leader row painted, p50 / p99, as a ratio to the bare path',
      measured:
        zk && bare
          ? `${x(r50)} / ${x(r99)} (zkviz ${ms(zk.p50)} / ${ms(zk.p99)}, bare ${ms(bare.p50)} / ${ms(bare.p99)})`
          : missing('--only graceful, without --no-compare'),
      target: '≤ 1.3× / ≤ 2×',
      met: all([r50, 1.3], [r99, 2]),
    });
  }
  {
    const small = get('nodes8.failover');
    const big = get('nodes100.failover');
    const r = ratio(big?.p50, small?.p50);
    rows.push({
      figure: 'graceful failover p50 at 8 and at 100 nodes (nodes section, same page, same clicks)',
      measured: small && big ? `${x(r)} (8 nodes ${ms(small.p50)}, 100 nodes ${ms(big.p50)})` : missing('the full nodes section, with Chromium'),
      target: '100-node p50 within 15 % of 8-node (≤ 1.15×)',
      met: all([r, 1.15]),
    });
  }
  /** `bareId`: the same figure for bare ZooKeeper sessions in this run, shown beside (never judged). */
  const simple = (
    id: string,
    figure: string,
    stat: keyof Summary,
    unit: (v: number | undefined) => string,
    max: number,
    target: string,
    how: string,
    bareId?: string,
  ) => {
    const s = get(id);
    const bare = bareId ? get(bareId) : undefined;
    const beside = s && bare ? ` (${BARE_SESSIONS}: ${unit(bare[stat])})` : '';
    rows.push({ figure, measured: s ? unit(s[stat]) + beside : missing(how), target, met: s ? all([s[stat], max]) : null });
  };
  simple('propagation.workerKilled', 'worker killed gracefully → row gone, p50', 'p50', ms, 30, '≤ 30 ms', '--only propagation');
  simple('propagation.workerCrashed', 'worker crashed → row marked crashed (ghost), p50', 'p50', ms, 30, '≤ 30 ms', '--only propagation');
  simple(
    'nodes100.startup',
    '100 nodes: start-up to a settled chain',
    'max',
    (v) => (v === undefined ? '–' : `${fmt(v / 1000)} s`),
    10_000,
    '≤ 10 s',
    'the full nodes section',
    'bare100.startup',
  );
  simple('nodes.rss', 'RSS per node (largest of the sizes run)', 'max', mb, 60, '≤ 60 MB', '--only nodes', 'bare100.rss');
  simple(
    'nodes100.idleCpu',
    '100 idle nodes, CPU of one core in all',
    'max',
    (v) => (v === undefined ? '–' : `${fmt(v)} %`),
    5,
    '< 5 %',
    'the full nodes section',
    'bare100.idleCpu',
  );
  {
    const on = get('graceful.viewOn');
    const off = get('graceful.viewOff');
    const r = ratio(on?.p50, off?.p50);
    rows.push({
      figure: 'ZooKeeper view and recording on vs off: failover p50',
      measured: on && off ? `${x(r)} (on ${ms(on.p50)}, off ${ms(off.p50)})` : missing('--only graceful, without --no-compare'),
      target: 'within 10 % (≤ 1.10×)',
      met: all([r, 1.1]),
    });
  }
  const viewers = (n: number, p99Max: number, rssMax: number, how: string) => {
    const lat = get(`viewers${n}.latency`);
    const rss = get(`viewers${n}.rss`);
    rows.push({
      figure: `${n.toLocaleString('en')} viewers, an update to all, p99; gateway RSS`,
      measured: lat && rss ? `${ms(lat.p99)}; ${mb(rss.max)}` : missing(how),
      target: `≤ ${p99Max} ms; ≤ ${rssMax} MB`,
      met: lat && rss ? all([lat.p99, p99Max], [rss.max, rssMax]) : null,
    });
  };
  viewers(1000, 200, 200, 'the full viewers section');
  viewers(5000, 500, 400, '--big');
  {
    // A real 100-node cluster (nodes section) when it ran; else the built page fed a synthesized
    // 100-node failover (page section), which measures the same page work without 100 processes.
    const real = get('nodes100.repaint') && get('nodes100.longestTask');
    const repaint = real ? get('nodes100.repaint') : get('page100.repaint');
    const task = real ? get('nodes100.longestTask') : get('page100.longestTask');
    const cpu = real ? undefined : get('page100.longestTaskCpu');
    const how = real ? 'real cluster' : `synthesized feed, --only page${cpu ? `; longest task in CPU time ${ms(cpu.max)}` : ''}`;
    rows.push({
      figure: 'page with 100 nodes and the chain graph: failover repaint (p50); longest task during it',
      measured:
        repaint && task
          ? `${ms(repaint.p50)}; ${task.max === 0 ? 'no task ≥ 50 ms' : ms(task.max)} (${how})`
          : missing('the page section, or the full nodes section, with Chromium'),
      target: '< 16 ms; < 50 ms',
      met: repaint && task ? all([repaint.p50, 16], [task.max, 50]) : null,
    });
  }
  return rows;
}

export function targetTable(rows: readonly TargetRow[]): string {
  const verdict = (m: boolean | null) => (m === null ? 'n/a' : m ? 'met' : '**missed**');
  return [
    '| figure | measured now | target | met? |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.measured} | ${r.target} | ${verdict(r.met)} |`),
  ].join('\n');
}
