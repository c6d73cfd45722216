/**
 * The one reader of the service registries (/coordinators_service_registry and
 * /workers_service_registry) and the one answer to "who is the registered leader?". The node's
 * fencing, the gateway's discovery and the leader's observer all go through here, so a garbage
 * entry gets the same verdict from all three: skipped, never the leader, never fencing the real
 * leader out.
 *
 * The rule, for a child `name` with data `data`:
 *  - `name` is an election znode name (`<32 hex>-n_<10 digits>`); it, not the data, is the id;
 *  - `data` is a JSON object of at most 64 KiB with a `host:port` address (isValidAddress);
 *  - `id` and `sequence`, when present, agree with the name;
 *  - every other field a node writes (role, watching, startedAt, pid, sessionId, updatedAt,
 *    registeredAt) may be missing but, when present, has its type.
 * Deciding who leads needs only the name and the address; the rest is for the table. Being strict
 * about the informational fields would make a half-written or older-version entry invisible to
 * the gateway while the nodes still obey it (or the reverse); being lax about the address would
 * let the gateway follow a leader it cannot reach.
 */
import { COORDINATORS_REGISTRY_PATH, parseElectionZnode, type ParsedElectionZnode } from './paths.js';
import type { NodeRole, RegistryEntry } from './protocol.js';
import { isFiniteNumber, isValidAddress, readJsonObject } from './validate.js';
import { ZNONODE, ZOK } from './zk/codes.js';

/** A registry entry as a reader may rely on it: id, sequence and address always; the rest if the writer gave it. */
export type ParsedRegistryEntry = Pick<RegistryEntry, 'id' | 'sequence' | 'address'> & Partial<Omit<RegistryEntry, 'id' | 'sequence' | 'address'>>;

export type RegistryEntryRead = { ok: true; entry: ParsedRegistryEntry } | { ok: false; reason: string };

/** The leader as the registry names it. */
export interface RegisteredLeader {
  /** Election znode name (the registry child's name). */
  id: string;
  /** Sequence of its election znode (the registry child's name). */
  fencingToken: number;
  /** host:port of the leader's HTTP server. */
  address: string;
}

const ROLES: ReadonlySet<string> = new Set<NodeRole | 'candidate'>(['leader', 'worker', 'candidate']);
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);

/** Applies the rule above to one child. */
export function readRegistryEntry(name: string, data: Uint8Array | string | null | undefined): RegistryEntryRead {
  const parsed = parseElectionZnode(name);
  if (!parsed) return { ok: false, reason: 'name is not an election znode name' };
  const read = readJsonObject(data);
  if (!read.ok) return read;
  const o = read.value;
  if (!isValidAddress(o.address)) return { ok: false, reason: 'address missing or not host:port' };
  if (o.id !== undefined && o.id !== name) return { ok: false, reason: `data id ${JSON.stringify(o.id).slice(0, 80)} does not match the znode name` };
  if (o.sequence !== undefined && o.sequence !== parsed.sequence) {
    return { ok: false, reason: `data sequence ${JSON.stringify(o.sequence).slice(0, 20)} does not match the znode name` };
  }
  if (!optional(o.role, (v) => typeof v === 'string' && ROLES.has(v))) return { ok: false, reason: 'role is not leader, worker or candidate' };
  if (!optional(o.watching, (v) => v === null || (typeof v === 'string' && parseElectionZnode(v) !== null))) {
    return { ok: false, reason: 'watching is not an election znode name' };
  }
  for (const field of ['startedAt', 'pid', 'updatedAt', 'registeredAt'] as const) {
    if (!optional(o[field], isFiniteNumber)) return { ok: false, reason: `${field} is not a number` };
  }
  if (!optional(o.sessionId, (v) => typeof v === 'string')) return { ok: false, reason: 'sessionId is not a string' };
  const entry: ParsedRegistryEntry = { id: name, sequence: parsed.sequence, address: o.address };
  if (o.role !== undefined) entry.role = o.role as RegistryEntry['role'];
  if (o.watching !== undefined) entry.watching = o.watching as string | null;
  if (o.startedAt !== undefined) entry.startedAt = o.startedAt as number;
  if (o.pid !== undefined) entry.pid = o.pid as number;
  if (o.sessionId !== undefined) entry.sessionId = o.sessionId as string;
  if (o.updatedAt !== undefined) entry.updatedAt = o.updatedAt as number;
  if (o.registeredAt !== undefined) entry.registeredAt = o.registeredAt as number;
  return { ok: true, entry };
}

/** Registry children ordered newest election first; names that are not election znodes go to `garbage`. */
export function rankRegistryChildren(children: Iterable<string>): { ranked: ParsedElectionZnode[]; garbage: string[] } {
  const ranked: ParsedElectionZnode[] = [];
  const garbage: string[] = [];
  for (const name of children) {
    const parsed = parseElectionZnode(name);
    if (parsed) ranked.push(parsed);
    else garbage.push(name);
  }
  ranked.sort((a, b) => b.sequence - a.sequence);
  return { ranked, garbage };
}

/** A child the pick looked at and refused. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface RegistryPick {
  /** The newest usable coordinators entry, or null when there is none. */
  leader: RegisteredLeader | null;
  /** What was refused on the way (names that are not election znodes, newer entries that failed the rule). */
  skipped: SkippedEntry[];
}

/**
 * Normally there is one coordinators entry; during a handover an old and a new one coexist for a
 * moment, and the newest election (highest sequence) counts. Garbage on the way is skipped, so a
 * high-sequence entry with broken data neither leads nor hides the real leader.
 * `readOf(name)` gives the verdict on a child, or undefined when the child is gone (skipped silently).
 */
export function pickRegisteredLeader(children: Iterable<string>, readOf: (name: string) => RegistryEntryRead | undefined): RegistryPick {
  const { ranked, garbage } = rankRegistryChildren(children);
  const skipped: SkippedEntry[] = garbage.map((name) => ({ name, reason: 'name is not an election znode name' }));
  for (const child of ranked) {
    const read = readOf(child.name);
    if (read === undefined) continue;
    if (read.ok) return { leader: { id: child.name, fencingToken: child.sequence, address: read.entry.address }, skipped };
    skipped.push({ name: child.name, reason: read.reason });
  }
  return { leader: null, skipped };
}

/** The few ZooKeeper reads listRegistry needs (a ZkConnection fits; so does a test fake). */
export interface RegistryReads {
  getChildren(path: string, watcher?: () => void): Promise<{ rc: number; children?: string[] }>;
  getData(path: string): Promise<{ rc: number; data?: Uint8Array }>;
}

/** A listing of the coordinators registry, with the reads of its likeliest entries already sent. */
export interface RegistryListing {
  /** The listing's rc: ZOK, ZNONODE (no registry yet) or a connection problem. */
  rc: number;
  /**
   * Reads the entries the pick still needs, newest first, stopping at the first usable one, and
   * picks the leader. Resolves null when the listing failed or ZooKeeper could not say
   * (connection trouble): callers treat that as "unknown", never as "nobody leads".
   */
  pick(): Promise<RegistryPick | null>;
}

/**
 * Lists the coordinators registry from ZooKeeper now (not from memory), leaving `watch` on the
 * listing when given, and sends the reads of the `likeliest` entries right behind the listing,
 * before its answer: ZooKeeper answers a session's requests in the order sent, so such a read is
 * no older than the listing, which is all the rule asks of a read, and the pick needs no second
 * round trip when the newest usable entry is one of them.
 */
export async function listRegistry(zk: RegistryReads, likeliest: readonly string[] = [], watch?: () => void): Promise<RegistryListing> {
  // Both sent before the first await, in this order.
  const listed = zk.getChildren(COORDINATORS_REGISTRY_PATH, watch);
  const prefetched = new Map(likeliest.map((name) => [name, zk.getData(`${COORDINATORS_REGISTRY_PATH}/${name}`)] as const));
  const { rc, children } = await listed;
  return { rc, pick: async () => (rc === ZOK && children ? pickFromListing(zk, children, prefetched) : null) };
}

/** listRegistry and its pick in one: the registered leader now, or null when ZooKeeper could not say. */
export async function registeredLeader(zk: RegistryReads, likeliest: readonly string[] = []): Promise<RegistryPick | null> {
  return (await listRegistry(zk, likeliest)).pick();
}

async function pickFromListing(
  zk: RegistryReads,
  names: readonly string[],
  prefetched: ReadonlyMap<string, ReturnType<RegistryReads['getData']>>,
): Promise<RegistryPick | null> {
  const reads = new Map<string, RegistryEntryRead | undefined>();
  for (const child of rankRegistryChildren(names).ranked) {
    const { rc, data } = await (prefetched.get(child.name) ?? zk.getData(`${COORDINATORS_REGISTRY_PATH}/${child.name}`));
    if (rc === ZNONODE) {
      reads.set(child.name, undefined); // gone already; its deletion triggers the watchers' next read
      continue;
    }
    if (rc !== ZOK) return null;
    const read = readRegistryEntry(child.name, data);
    reads.set(child.name, read);
    if (read.ok) break;
  }
  // Children not read (older than the first usable one) are never reached by the pick.
  return pickRegisteredLeader(names, (name) => reads.get(name));
}
