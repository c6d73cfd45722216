/**
 * Picking the leader out of /coordinators_service_registry, independent of ZooKeeper.
 * Normally there is one entry; during a handover an old and a new one can coexist for a moment,
 * and the newest election (highest sequence) is the one that counts.
 */
import { parseElectionZnode, type ParsedElectionZnode, type RegistryEntry } from '@zkviz/shared';
import type { RegisteredLeader } from '../feed/types.js';

/** Registry children ordered newest election first; names that are not election znodes go to `garbage`. */
export function rankRegistryChildren(children: readonly string[]): { ranked: ParsedElectionZnode[]; garbage: string[] } {
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

export type EntryParse = { ok: true; leader: RegisteredLeader } | { ok: false; reason: string };

/** Reads a registry entry's data; the child's name, not the data, is the source of the id. */
export function parseRegistryEntry(child: ParsedElectionZnode, data: Buffer | string): EntryParse {
  let value: Partial<RegistryEntry>;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as Partial<RegistryEntry>;
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'data is not an object' };
  if (typeof value.address !== 'string' || !value.address.includes(':')) return { ok: false, reason: 'address missing or not host:port' };
  if (value.id !== undefined && value.id !== child.name) return { ok: false, reason: `data id ${String(value.id)} does not match the znode name` };
  if (value.sequence !== undefined && value.sequence !== child.sequence) {
    return { ok: false, reason: `data sequence ${String(value.sequence)} does not match the znode name` };
  }
  return { ok: true, leader: { id: child.name, fencingToken: child.sequence, address: value.address } };
}
