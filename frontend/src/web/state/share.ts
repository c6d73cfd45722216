/**
 * Structural sharing between two parsed messages: every part of `next` that is deep-equal to the
 * same part of `previous` is replaced by the previous object. Each snapshot and ZooKeeper view
 * arrives as fresh JSON, so without this every row, mark and znode would look changed to React
 * on every message; with it a component memoised on its props (React.memo) re-renders only when
 * what it shows changed: in a failover at 100 nodes a handful of rows, not all of them.
 * Plain JSON values only (what JSON.parse returns). Pure, so it is unit-tested (share.test.ts).
 */
export function shareUnchanged<T>(previous: unknown, next: T): T {
  return share(previous, next) as T;
}

function share(a: unknown, b: unknown): unknown {
  if (a === b) return a;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return b;
  if (Array.isArray(a) !== Array.isArray(b)) return b;
  if (Array.isArray(a)) {
    const next = b as unknown[];
    // By position, a list that lost its head (the old leader's row, znode, session) would share
    // nothing after it: items with a key (id, path, slot) are matched by their key.
    const byKey = keyIndex(a);
    let same = a.length === next.length;
    const out = next.map((item, i) => {
      const key = byKey ? keyOf(item) : undefined;
      const shared = share(key !== undefined && byKey!.has(key) ? byKey!.get(key) : a[i], item);
      if (shared !== a[i]) same = false;
      return shared;
    });
    return same ? a : out;
  }
  const prev = a as Record<string, unknown>;
  const next = b as Record<string, unknown>;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(prev).length;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const shared = share(prev[key], next[key]);
    out[key] = shared;
    if (shared !== prev[key] || !(key in prev)) same = false;
  }
  return same ? prev : out;
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
