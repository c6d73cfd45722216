/**
 * The scenario texts' templates, pure. Three forms, nothing else (a teacher's file is data, not code):
 *
 * - `{{name}}` and `{{name.field}}`: a value the run knows (see `RunScope`). Node ids are shown as
 *   their short form (`n_0000000003`); a name ending in `Ms` is a duration and is shown with its
 *   unit (`56 ms`, `4.0 s`).
 * - `{{ms A B}}`: the time from moment A to moment B of this run, e.g. `{{ms failover.znode-deleted
 *   failover.successor-notified}}`.
 *
 * A value the run has not measured renders as "(not measured)", never as a guess.
 */
import { formatDuration, parseElectionZnode, shortId } from '@zkviz/shared';

export const NOT_MEASURED = '(not measured)';

/** A node a step bound with `as`: rendered as its short id, with fields. */
export interface NodeValue {
  kind: 'node';
  znode: string;
  fields: Record<string, Value>;
}
export type Value = string | number | boolean | null | NodeValue | { kind: 'record'; fields: Record<string, Value> };

export interface RunScope {
  values: Record<string, Value>;
  /** Named moments (epoch ms, gateway clock). */
  moments: Record<string, number>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9-]*)?$/;
const MOMENT = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9-]*)?$/;

export type Placeholder = { kind: 'value'; name: string; field: string | null } | { kind: 'ms'; from: string; to: string };

/** What a `{{…}}` says, or an error message (the loader refuses a file with one). */
export function parsePlaceholder(inner: string): Placeholder | string {
  const parts = inner.trim().split(/\s+/);
  if (parts[0] === 'ms') {
    if (parts.length !== 3 || !MOMENT.test(parts[1]!) || !MOMENT.test(parts[2]!)) return `"{{${inner}}}": write {{ms FROM TO}} with two moment names`;
    return { kind: 'ms', from: parts[1]!, to: parts[2]! };
  }
  if (parts.length !== 1 || !NAME.test(parts[0]!)) return `"{{${inner}}}" is not a {{name}}, {{name.field}} or {{ms FROM TO}}`;
  const [name, field] = parts[0]!.split('.');
  return { kind: 'value', name: name!, field: field ?? null };
}

/** Every placeholder of a text, or the first problem. */
export function placeholdersOf(text: string): Placeholder[] | string {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const p = parsePlaceholder(match[1]!);
    if (typeof p === 'string') return p;
    found.push(p);
  }
  // A lone "{{" or "}}" is a typo, not text a class should read.
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return 'unbalanced {{ or }}';
  return found;
}

/** A measured span, or NOT_MEASURED when the numbers make none. */
function formatMs(ms: number): string {
  return Number.isFinite(ms) ? formatDuration(ms) : NOT_MEASURED;
}

function show(value: Value | undefined, key: string): string {
  if (value === undefined || value === null) return NOT_MEASURED;
  if (typeof value === 'number') return key.endsWith('Ms') ? formatMs(value) : String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return parseElectionZnode(value) ? shortId(value) : value;
  if (value.kind === 'node') return shortId(value.znode);
  return NOT_MEASURED;
}

function lookup(scope: RunScope, name: string, field: string | null): { value: Value | undefined; key: string } {
  const base = scope.values[name];
  if (field === null) return { value: base, key: name };
  if (base && typeof base === 'object') return { value: base.fields[field], key: field };
  return { value: undefined, key: field };
}

export function render(text: string, scope: RunScope): string {
  return text
    .replace(PLACEHOLDER, (_all, inner: string) => {
      const p = parsePlaceholder(inner);
      if (typeof p === 'string') return NOT_MEASURED;
      if (p.kind === 'ms') {
        const from = scope.moments[p.from];
        const to = scope.moments[p.to];
        return from === undefined || to === undefined ? NOT_MEASURED : formatMs(to - from);
      }
      const { value, key } = lookup(scope, p.name, p.field);
      return show(value, key);
    })
    .replace(/\s+/g, ' ')
    .trim();
}
