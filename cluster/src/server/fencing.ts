/**
 * Fencing for a kill routed to this node: the sender must be the leader registered *now*, i.e. the
 * newest entry under /coordinators_service_registry, read from ZooKeeper, not from memory.
 * "Entry" means one a reader can use: an election-znode name whose data is a JSON object with a
 * host:port address and, when present, the matching id and sequence. That is the rule the gateway
 * applies when it picks the leader, so a garbage entry (say, a high sequence with broken data)
 * can neither become the leader for the gateway nor fence the real leader out here.
 */
import { COORDINATORS_REGISTRY_PATH, isValidAddress, parseElectionZnode } from '@zkviz/shared';
import { ZNONODE, ZOK, type ZkConnection } from '@zkviz/shared/zk';

export function isUsableRegistryData(name: string, sequence: number, data: Uint8Array | undefined): boolean {
  if (!data || data.length === 0 || data.length > 64 * 1024) return false;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  if (!isValidAddress(o.address)) return false;
  if (o.id !== undefined && o.id !== name) return false;
  if (o.sequence !== undefined && o.sequence !== sequence) return false;
  return true;
}

/** Name of the registered leader, or null when there is none or ZooKeeper could not say. */
export async function registeredLeader(zk: ZkConnection, log?: (fields: Record<string, unknown>) => void): Promise<string | null> {
  const { rc, children } = await zk.getChildren(COORDINATORS_REGISTRY_PATH);
  if (rc !== ZOK || !children) return null;
  const ranked = children
    .map(parseElectionZnode)
    .filter((c): c is NonNullable<typeof c> => c !== null)
    .sort((a, b) => b.sequence - a.sequence);
  for (const child of ranked) {
    const { rc: drc, data } = await zk.getData(`${COORDINATORS_REGISTRY_PATH}/${child.name}`);
    if (drc === ZNONODE) continue;
    if (drc !== ZOK) return null;
    if (isUsableRegistryData(child.name, child.sequence, data)) return child.name;
    log?.({ ev: 'zk-garbage', path: `${COORDINATORS_REGISTRY_PATH}/${child.name}`, what: 'registry entry data (fencing)' });
  }
  return null;
}
