/**
 * The last failover as a swim-lane timeline: a lane per process that took part, each phase a dot
 * in the lane of the process that stamped it, joined in time order; hover (or focus) a dot for the
 * step's duration. A crash shows its long wait for the session as a shaded band.
 */
import { memo } from 'react';
import type { FailoverPhase, FailoverRecord } from '@zkviz/shared';
import { buildTimeline } from '../timeline/build.js';
import { formatDuration, shortId } from '@zkviz/shared';

const W = 760;
const LABEL_W = 96;
const LANE_H = 30;
const TOP = 8;
const RIGHT = 24;

export interface FailoverTimelineProps {
  failover: FailoverRecord;
  /** The page's own phases (page-painted), on the gateway's clock. */
  pagePhases: FailoverPhase[];
  /** The page's clock offset to the gateway's and its round trip, or null if not measured yet. */
  clock: { offsetMs: number; measuredMs: number; rttMs: number } | null;
}

/** Memoised: the record is shared between snapshots until it changes (state/share.ts). */
export const FailoverTimeline = memo(function FailoverTimeline({ failover, pagePhases, clock }: FailoverTimelineProps) {
  const t = buildTimeline(failover, pagePhases);
  if (t.phases.length === 0) return null;
  const height = TOP * 2 + t.lanes.length * LANE_H;
  const span = Math.max(t.spanMs, 1);
  const x = (offsetMs: number) => LABEL_W + (offsetMs / span) * (W - LABEL_W - RIGHT);
  const laneIndex = new Map(t.lanes.map((l, i) => [l.lane, i]));
  const y = (lane: string) => TOP + (laneIndex.get(lane as never) ?? 0) * LANE_H + LANE_H / 2;
  const number = new Map(t.phases.map((p, i) => [p.name, i + 1]));
  return (
    <section className={`card failover-timeline kind-${t.kind}`} data-testid="failover-timeline" data-kind={t.kind}>
      <h2>
        Last failover{' '}
        <span className="muted small">
          {t.from ? shortId(t.from) : '?'} → {shortId(t.to)}, {t.kind === 'other' ? 'not a kill from the page' : `${t.kind} kill`}, {formatDuration(t.spanMs)} from
          first to last phase
        </span>
      </h2>
      <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={`Failover timeline, ${t.phases.length} phases over ${formatDuration(t.spanMs)}`}>
        {t.lanes.map((l, i) => (
          <g key={l.lane} className="lane">
            <rect x={0} y={TOP + i * LANE_H} width={W} height={LANE_H} className={i % 2 ? 'lane-odd' : 'lane-even'} />
            <text x={6} y={TOP + i * LANE_H + LANE_H / 2 + 4} className="lane-label">
              {l.label}
            </text>
          </g>
        ))}
        {t.sessionWait && (
          <rect
            x={x(t.sessionWait.fromMs)}
            y={TOP}
            width={Math.max(1, x(t.sessionWait.toMs) - x(t.sessionWait.fromMs))}
            height={height - 2 * TOP}
            className="session-wait"
            data-testid="session-wait"
          >
            <title>{`Waiting for ZooKeeper to expire the crashed leader's session: ${formatDuration(t.sessionWait.toMs - t.sessionWait.fromMs)}`}</title>
          </rect>
        )}
        {t.phases.slice(1).map((p, i) => {
          const prev = t.phases[i]!;
          return (
            <line key={`step-${p.name}`} x1={x(prev.offsetMs)} y1={y(prev.by)} x2={x(p.offsetMs)} y2={y(p.by)} className="step">
              <title>{`${prev.name} → ${p.name}: ${formatDuration(p.stepMs)}`}</title>
            </line>
          );
        })}
        {t.phases.map((p) => (
          <g key={p.name} className={`phase phase-${p.name}`} tabIndex={0} data-testid="timeline-dot" data-name={p.name}>
            <circle cx={x(p.offsetMs)} cy={y(p.by)} r={7} />
            <text x={x(p.offsetMs)} y={y(p.by) + 4} textAnchor="middle" className="phase-num">
              {number.get(p.name)}
            </text>
            <title>{`${p.name}: +${formatDuration(p.stepMs)} after ${p.after ?? 'nothing'} (${formatDuration(p.offsetMs)} in); stamped by ${p.by}${p.how ? `: ${p.how}` : ''}`}</title>
          </g>
        ))}
      </svg>
      <ol className="phase-list">
        {t.phases.map((p) => (
          <li key={p.name} data-testid="timeline-phase" data-name={p.name} data-by={p.by} data-at={p.at}>
            <span className="phase-name mono">{p.name}</span> <span className="muted">by {p.by}</span>{' '}
            <span className="mono">{p.after ? `+${formatDuration(p.stepMs)}` : 'start'}</span>
            {p.how && <span className="muted small"> — {p.how}</span>}
          </li>
        ))}
      </ol>
      <p className="muted small" data-testid="clock-note">
        Clocks: each phase is stamped on the clock of the process in its lane. The nodes, ZooKeeper and the gateway are taken to share one clock — true for{' '}
        <code>npm start</code> and for compose on one host (one kernel clock); across machines they are only as close as NTP keeps them, and nothing here corrects
        that. This page’s clock is shifted onto the gateway’s by ping/pong{' '}
        {clock
          ? `: measured ${Math.round(clock.measuredMs)} ms ± ${Math.ceil(clock.rttMs / 2)} ms, applied ${Math.round(clock.offsetMs)} ms (an offset inside the uncertainty is taken as 0)`
          : '(not measured yet)'}
        .{' '}
        <span data-testid="zookeeper-clock-note">
          ZooKeeper’s own moments are on the gateway’s clock: znode-deleted and session-closed are when ZooKeeper’s notifications reached the gateway (a few ms after
          it applied them), session-expired is ZooKeeper’s expiry time for the session as the gateway reads it from <code>dump</code> and <code>cons</code>.
        </span>
        {t.phases.every((p) => p.name !== 'session-closed' && p.name !== 'session-expired') &&
          ' The session’s end has no stamp of its own here: for a crash ZooKeeper deletes the znode when it expires the session, for a graceful stop the node deletes it just before closing the session.'}
      </p>
    </section>
  );
});
