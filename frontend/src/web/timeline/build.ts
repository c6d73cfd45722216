/**
 * A failover's measured phases as a swim-lane timeline: one lane per process that took part, each
 * phase in the lane of the process that stamped it, every step's duration since the one before.
 * Pure (no React, no DOM, no clock): unit-tested on failovers recorded from a real cluster.
 */
import type { FailoverPhase, FailoverRecord, FailoverWitness } from '@zkviz/shared';

export type Lane = FailoverWitness;
export const LANES: readonly Lane[] = ['old-leader', 'successor', 'zookeeper', 'gateway', 'page'];
export const LANE_LABELS: Record<Lane, string> = {
  'old-leader': 'old leader',
  successor: 'successor',
  zookeeper: 'ZooKeeper',
  gateway: 'gateway',
  page: 'this page',
};

export interface TimelinePhase extends FailoverPhase {
  /** ms since the first phase. */
  offsetMs: number;
  /** ms since the phase before (0 for the first): the duration hover shows. */
  stepMs: number;
  /** Name of the phase before, or null. */
  after: string | null;
}

export interface TimelineLane {
  lane: Lane;
  label: string;
  phases: TimelinePhase[];
}

export interface Timeline {
  /** `crash` waits for the session to expire; `graceful` closes it; `other` was no kill from here. */
  kind: 'crash' | 'graceful' | 'other';
  from: string | null;
  to: string;
  startAt: number;
  spanMs: number;
  /** All phases in time order. */
  phases: TimelinePhase[];
  /** Lanes of the processes that took part, in a fixed order; the old leader's even when it stamped nothing. */
  lanes: TimelineLane[];
  /** The crash's long wait: from the process's death (or the kill) to the deletion of its znode, if both were seen. */
  sessionWait: { fromMs: number; toMs: number } | null;
}

/** `page` phases (page-painted) are the page's own, added to the gateway's record. */
export function buildTimeline(record: FailoverRecord, pagePhases: readonly FailoverPhase[] = []): Timeline {
  const sorted = [...record.phases, ...pagePhases.filter((p) => !record.phases.some((q) => q.name === p.name))].sort((a, b) => a.at - b.at);
  const startAt = sorted[0]?.at ?? record.at;
  const phases: TimelinePhase[] = sorted.map((p, i) => ({
    ...p,
    offsetMs: p.at - startAt,
    stepMs: i === 0 ? 0 : p.at - sorted[i - 1]!.at,
    after: i === 0 ? null : sorted[i - 1]!.name,
  }));
  const took = new Set<Lane>(phases.map((p) => p.by));
  if (record.from) took.add('old-leader');
  took.add('successor');
  const lanes = LANES.filter((l) => took.has(l)).map((lane) => ({ lane, label: LANE_LABELS[lane], phases: phases.filter((p) => p.by === lane) }));
  const kind = record.mode === 'crash' ? 'crash' : record.mode === 'graceful' ? 'graceful' : 'other';
  const at = (name: string) => phases.find((p) => p.name === name)?.offsetMs;
  const waitFrom = at('process-exited') ?? at('kill-requested');
  const waitTo = at('znode-deleted') ?? at('session-expired') ?? at('successor-notified');
  const sessionWait = kind === 'crash' && waitFrom !== undefined && waitTo !== undefined && waitTo > waitFrom ? { fromMs: waitFrom, toMs: waitTo } : null;
  return {
    kind,
    from: record.from,
    to: record.to,
    startAt,
    spanMs: phases.length > 0 ? phases[phases.length - 1]!.offsetMs : 0,
    phases,
    lanes,
    sessionWait,
  };
}
