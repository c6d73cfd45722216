/**
 * The herd effect side by side (pure): for each recipe, the latest counted failover the gateway
 * recorded up to a moment (the live now, or the replayed frame's), and the rows the page compares.
 */
import { RECIPES, type FailoverRecord, type Recipe } from '@zkviz/shared';

export type LastByRecipe = Partial<Record<Recipe, FailoverRecord>>;

/** Latest failover per recipe with its counts in, at or before `upTo`; records in any order, duplicates fine. */
export function lastByRecipe(records: readonly (FailoverRecord | null | undefined)[], upTo: number): LastByRecipe {
  const out: LastByRecipe = {};
  for (const r of records) {
    if (!r?.recipe || r.notified == null || r.at > upTo) continue;
    const seen = out[r.recipe];
    if (!seen || r.at > seen.at || (r.at === seen.at && r.reads != null && seen.reads == null)) out[r.recipe] = r;
  }
  return out;
}

export interface ComparisonRow {
  key: 'notified' | 'reads' | 'watches' | 'duration';
  label: string;
  hint: string;
  unit: string;
  /** Per recipe (RECIPES order); null: no counted failover under it, or not measured. */
  values: (number | null)[];
}

export function comparisonRows(last: LastByRecipe): ComparisonRow[] {
  const pick = (f: (r: FailoverRecord) => number | null | undefined) => RECIPES.map((recipe) => (last[recipe] ? (f(last[recipe]) ?? null) : null));
  return [
    { key: 'notified', label: 'Nodes woken', hint: 'nodes whose election watch fired', unit: '', values: pick((r) => r.notified) },
    { key: 'reads', label: 'Reads of /election', hint: 'reads ZooKeeper served (mntr), less the gateway’s own', unit: '', values: pick((r) => r.reads) },
    { key: 'watches', label: 'Watches held', hint: 'watches ZooKeeper held afterwards (mntr zk_watch_count)', unit: '', values: pick((r) => r.watches) },
    { key: 'duration', label: 'Failover took', hint: 'gateway lost the leader → first snapshot of the new one', unit: ' ms', values: pick((r) => r.durationMs) },
  ];
}
