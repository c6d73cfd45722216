/**
 * Pure assembly of the cluster table from what the leader's watches have seen. The rows are the
 * election znodes (the truth about who is in the election); role and `watching` come from each
 * node's own registry entry, i.e. what the node itself says it does.
 */
import { compareBySequence, parseElectionZnode, type ClusterSnapshot, type ElectionZnodeData, type NodeClaim, type RegistryEntry } from '@zkviz/shared';

export interface ObservedCluster {
  /** Election children (names) with their create-time data, if read yet. */
  election: Map<string, ElectionZnodeData | null>;
  coordinators: Map<string, RegistryEntry | null>;
  workers: Map<string, RegistryEntry | null>;
}

export function assembleNodes(observed: ObservedCluster): NodeClaim[] {
  const rows: NodeClaim[] = [];
  const parsed = [...observed.election.keys()]
    .map(parseElectionZnode)
    .filter((p): p is NonNullable<typeof p> => p !== null)
    .sort(compareBySequence);
  for (const { name, sequence } of parsed) {
    const data = observed.election.get(name) ?? null;
    const coordinator = observed.coordinators.get(name);
    const worker = observed.workers.get(name);
    const entry = coordinator ?? worker ?? null;
    rows.push({
      id: name,
      sequence,
      role: coordinator !== undefined ? 'leader' : worker !== undefined ? 'worker' : 'candidate',
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
    leaderToken: parseElectionZnode(leader)?.sequence ?? -1,
    version,
    generatedAt: now,
    nodes: assembleNodes(observed),
  };
}
