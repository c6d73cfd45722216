/**
 * The herd effect, counted (pure: samples and reports in, numbers out).
 *
 *   notified  how many nodes an election watch woke during the failover: each node keeps the
 *             times its watch fired (NodeSelfStatus.wokenAt) and the gateway asks them afterwards;
 *             a node counts once however many callbacks it ran.
 *   reads     how many reads of /election ZooKeeper served during the failover: the delta of
 *             `zk_cnt_election_read_per_namespace` (mntr; getData and getChildren alike, summed over
 *             the servers), less the gateway's own reads of /election over the same interval (its
 *             ZooKeeper panel reads every election znode on every change; those are not the recipe's).
 *   watches   how many watches ZooKeeper held (mntr `zk_watch_count`, summed) when it was counted.
 */
import type { MntrAnswer } from '@zkviz/shared/zk/four-letter';

/** One consistent look at the read counters: no gateway read of /election was in flight around it. */
export interface ReadSample {
  /** When the mntr requests were sent (gateway clock). */
  at: number;
  /** ZooKeeper's reads under /election, all servers; null when a server did not answer or does not count them. */
  zookeeperReads: number | null;
  /** The gateway's own reads under /election answered by then. */
  gatewayReads: number;
  /** zk_watch_count, all servers; null when not known. */
  watches: number | null;
}

export interface FailoverCounts {
  notified: number | null;
  reads: number | null;
  watches: number | null;
}

/** ZooKeeper's per-namespace read counter (3.6+; printed once the namespace has been read). */
export function electionReadsOf(mntr: MntrAnswer): number | null {
  const raw = mntr.values.zk_cnt_election_read_per_namespace;
  if (raw !== undefined) return /^\d+$/.test(raw) ? Number(raw) : null;
  // Absent: either nothing has read /election yet, or a server too old to count per namespace.
  return /^3\.[0-5]\./.test(mntr.values.zk_version ?? '') ? null : 0;
}

/** Sums one mntr answer per server into a sample; any server missing makes the totals unknown. */
export function readSample(at: number, answers: readonly (MntrAnswer | null)[], gatewayReads: number): ReadSample {
  let reads: number | null = 0;
  let watches: number | null = 0;
  for (const mntr of answers) {
    const r = mntr ? electionReadsOf(mntr) : null;
    reads = reads === null || r === null ? null : reads + r;
    watches = watches === null || mntr?.watchCount == null ? null : watches + mntr.watchCount;
  }
  if (answers.length === 0) reads = watches = null;
  return { at, zookeeperReads: reads, gatewayReads, watches };
}

/** The newest sample taken at or before `t` (samples oldest first). */
export function sampleBefore(samples: readonly ReadSample[], t: number): ReadSample | null {
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i]!.at <= t) return samples[i]!;
  return null;
}

export function countFailover(input: {
  /** From the failover's first moment to when it was counted (gateway clock; nodes share it, see README). */
  window: { from: number; to: number };
  /** Per node in the table after the failover: its wokenAt list; null for a node that did not answer. */
  wokenAt: readonly (readonly number[] | null)[];
  before: ReadSample | null;
  after: ReadSample | null;
}): FailoverCounts {
  const { window, wokenAt, before, after } = input;
  const answered = wokenAt.filter((w): w is readonly number[] => w !== null);
  const notified = answered.length === 0 ? null : answered.filter((w) => w.some((t) => t >= window.from && t <= window.to)).length;
  let reads: number | null = null;
  if (before && after && before.zookeeperReads !== null && after.zookeeperReads !== null && after.zookeeperReads >= before.zookeeperReads) {
    reads = Math.max(0, after.zookeeperReads - before.zookeeperReads - (after.gatewayReads - before.gatewayReads));
  }
  return { notified, reads, watches: after?.watches ?? null };
}
