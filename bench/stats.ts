/**
 * Summaries and the markdown table of `npm run bench`. Pure, so it is unit-tested (stats.test.ts).
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** min / p50 / p95 / p99 / max / mean of the finite values; null when there are none. */
export function summarize(values: readonly number[]): Summary | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/** A target a figure is reported against (never asserted). */
export interface Target {
  /** Which statistic is compared. */
  stat: 'p50' | 'p95' | 'p99' | 'max' | 'mean';
  /** The figure must be at most this. */
  max: number;
  /** How to show it, e.g. "p99 ≤ 150 ms". */
  label: string;
}

export interface Figure {
  /** Stable name the target table (targets.ts) looks the figure up by. */
  id?: string;
  section: string;
  name: string;
  unit: string;
  summary: Summary | null;
  targets?: Target[];
  note?: string;
}

export function figure(
  section: string,
  name: string,
  unit: string,
  values: readonly number[],
  extra: { targets?: Target[]; note?: string; id?: string } = {},
): Figure {
  return { section, name, unit, summary: summarize(values), ...extra };
}

/** "met" / "MISSED" for each target of a figure; "" without targets, "n/a" without samples. */
export function verdict(f: Figure): string {
  if (!f.targets?.length) return '';
  if (!f.summary) return 'n/a';
  return f.targets.map((t) => `${t.label}: ${f.summary![t.stat] <= t.max ? 'met' : '**MISSED**'}`).join('; ');
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** One markdown table: a row per figure. */
export function markdownTable(figures: readonly Figure[]): string {
  const head = '| section | figure | unit | n | min | p50 | p95 | p99 | max | target |';
  const sep = '|---|---|---|--:|--:|--:|--:|--:|--:|---|';
  const rows = figures.map((f) => {
    const s = f.summary;
    const cells = s ? [String(s.n), fmt(s.min), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)] : ['0', '–', '–', '–', '–', '–'];
    const name = f.note ? `${f.name} (${f.note})` : f.name;
    return `| ${f.section} | ${name} | ${f.unit} | ${cells.join(' | ')} | ${verdict(f)} |`;
  });
  return [head, sep, ...rows].join('\n');
}
