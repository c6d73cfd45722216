/**
 * Structural sharing between two parsed messages: every part of `next` that is deep-equal to the
 * same part of `previous` is replaced by the previous object. Each snapshot and ZooKeeper view
 * arrives as fresh JSON, so without this every row, mark and znode would look changed to React
 * on every message; with it a component memoised on its props (React.memo) re-renders only when
 * what it shows changed: in a failover at 100 nodes a handful of rows, not all of them.
 * Plain JSON values only (what JSON.parse returns). Pure, so it is unit-tested (share.test.ts).
 *
 * It allocates only where `next` differs: a 100-node ZooKeeper view (~130 KB, ~1,000 objects)
 * that differs in a few numbers builds a few new objects, not a copy of the whole view (which
 * was garbage a moment later, and the page's minor GCs of several ms during a failover).
 */
export function shareUnchanged<T>(previous: unknown, next: T): T {
  return share(previous, next) as T;
}

function share(a: unknown, b: unknown): unknown {
  if (a === b) return a;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return b;
  if (Array.isArray(a) !== Array.isArray(b)) return b;
  return Array.isArray(a) ? shareList(a, b as unknown[]) : shareRecord(a as Record<string, unknown>, b as Record<string, unknown>);
}

function shareList(a: unknown[], next: unknown[]): unknown[] {
  // By position first: an unchanged list (most of a ZooKeeper view) has the same key at every place.
  // By position alone, a list that lost its head (the old leader's row, znode, session) would share
  // nothing after it: from the first place whose key differs, items are matched by their key (id,
  // path, slot) when the list has them.
  let byKey: Map<string | number, unknown> | null | undefined;
  let out: unknown[] | null = a.length === next.length ? null : [];
  for (let i = 0; i < next.length; i++) {
    const item = next[i];
    let before = a[i];
    const key = keyOf(item);
    if (key !== undefined && keyOf(before) !== key) {
      byKey ??= keyIndex(a);
      if (byKey?.has(key)) before = byKey.get(key);
    }
    const shared = share(before, item);
    if (out === null && shared !== a[i]) out = a.slice(0, i);
    out?.push(shared);
  }
  return out ?? a;
}

function shareRecord(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(next);
  let out: Record<string, unknown> | null = keys.length === Object.keys(prev).length ? null : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const shared = share(prev[key], next[key]);
    if (out === null && (shared !== prev[key] || !(key in prev))) {
      // Every key before this one was shared: copy them from `prev`, in `next`'s order.
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = prev[keys[j]!];
    }
    if (out !== null) out[key] = shared;
  }
  return out ?? prev;
}

const KEYS = ['id', 'path', 'slot'] as const;

/** An item's identity in its list: its `id`, `path` or `slot`, when it has one. */
function keyOf(v: unknown): string | number | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  for (const k of KEYS) {
    const key = (v as Record<string, unknown>)[k];
    if (typeof key === 'string' || typeof key === 'number') return key;
  }
  return undefined;
}

/** Items of `list` by their key, when every item has one and no two share it; else null. */
function keyIndex(list: unknown[]): Map<string | number, unknown> | null {
  if (list.length === 0 || keyOf(list[0]) === undefined) return null;
  const index = new Map<string | number, unknown>();
  for (const item of list) {
    const key = keyOf(item);
    if (key === undefined || index.has(key)) return null;
    index.set(key, item);
  }
  return index;
}
