/**
 * Pure assembly of the cluster table from what the leader's watches have seen. The rows are the
 * election znodes (the truth about who is in the election); `watching` comes from each node's own
 * registry entry, i.e. what the node itself says it does. The leader row is the registered leader
 * as pickRegisteredLeader names it, the same answer the gateway follows and the nodes' fencing
 * obeys; a coordinators entry that fails the registry rule makes nobody leader.
 */
import {
  compareBySequence,
  parseElectionZnode,
  pickRegisteredLeader,
  type ClusterSnapshot,
  type ElectionZnodeData,
  type NodeClaim,
  type ParsedRegistryEntry,
  type RegistryEntryRead,
} from '@zkviz/shared';

/**
 * A registry child: null until its data is read; then its verdict and the data it was read from
 * (`raw`, as text: a re-read of the same bytes changes nothing).
 */
export type ObservedEntry = (RegistryEntryRead & { raw: string }) | null;

export interface ObservedCluster {
  /** Election children (names) with their create-time data, if read yet. */
  election: Map<string, ElectionZnodeData | null>;
  coordinators: Map<string, ObservedEntry>;
  workers: Map<string, ObservedEntry>;
}

const usable = (read: ObservedEntry | undefined): ParsedRegistryEntry | null => (read?.ok ? read.entry : null);

export function assembleNodes(observed: ObservedCluster): NodeClaim[] {
  const rows: NodeClaim[] = [];
  const parsed = [...observed.election.keys()]
    .map(parseElectionZnode)
    .filter((p): p is NonNullable<typeof p> => p !== null)
    .sort(compareBySequence);
  // An entry not read yet is not usable yet: the snapshot after its read will count it.
  const { leader } = pickRegisteredLeader(observed.coordinators.keys(), (name) => observed.coordinators.get(name) ?? { ok: false, reason: 'not read yet' });
  for (const { name, sequence } of parsed) {
    const data = observed.election.get(name) ?? null;
    const coordinator = usable(observed.coordinators.get(name));
    const worker = usable(observed.workers.get(name));
    const entry = coordinator ?? worker;
    rows.push({
      id: name,
      sequence,
      role: leader?.id === name ? 'leader' : worker ? 'worker' : 'candidate',
      watching: entry?.watching ?? null,
      address: entry?.address ?? data?.address ?? null,
      startedAt: entry?.startedAt ?? data?.startedAt ?? null,
      pid: entry?.pid ?? data?.pid ?? null,
      inCoordinatorsRegistry: observed.coordinators.has(name),
      inWorkersRegistry: observed.workers.has(name),
    });
  }
  return rows;
}

export function buildSnapshot(leader: string, version: number, now: number, observed: ObservedCluster): ClusterSnapshot {
  return {
    leader,
    fencingToken: parseElectionZnode(leader)?.sequence ?? -1,
    version,
    generatedAt: now,
    nodes: assembleNodes(observed),
  };
}
