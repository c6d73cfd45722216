import { formatDuration, shortId } from '@zkviz/shared';
import { useNow } from '../hooks/useNow.js';
import type { Takeover } from '../state/takeover.js';
import { Countdown } from './Countdown.js';

/** Shown only while leaderless; the timer makes the session-timeout wait visible to the class. */
export function LeaderlessBanner({ since, takeover }: { since: number; takeover?: Takeover | null }) {
  const now = useNow(true);
  return (
    <div className="banner leaderless" role="alert" data-testid="leaderless-banner">
      <strong>No leader — re-election in progress</strong>
      <span className="timer" data-testid="leaderless-timer">
        {formatDuration(now - since)}
      </span>
      {takeover ? (
        <p className="hint" data-testid="takeover">
          Leader {shortId(takeover.ghost.id)} is a ghost: its process is gone, but ZooKeeper holds its session{' '}
          {takeover.ghost.sessionExpiresAt !== null && <Countdown until={takeover.ghost.sessionExpiresAt} totalMs={null} />}. When ZooKeeper deletes its znode,{' '}
          {takeover.successor ? <strong>{shortId(takeover.successor.id)}</strong> : 'the next node in line'}
          {takeover.successor?.watching === takeover.ghost.id ? ' (watching it)' : ''} takes over.
        </p>
      ) : (
        <p className="hint">A crashed leader&apos;s znode stays until its ZooKeeper session times out; then the next node in line takes over.</p>
      )}
    </div>
  );
}
