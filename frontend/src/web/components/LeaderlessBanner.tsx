import { formatDuration } from '../format.js';
import { useNow } from '../hooks/useNow.js';

/** Shown only while leaderless; the timer makes the session-timeout wait visible to the class. */
export function LeaderlessBanner({ since }: { since: number }) {
  const now = useNow(true);
  return (
    <div className="banner leaderless" role="alert" data-testid="leaderless-banner">
      <strong>No leader — re-election in progress</strong>
      <span className="timer" data-testid="leaderless-timer">
        {formatDuration(now - since)}
      </span>
      <p className="hint">A crashed leader&apos;s znode stays until its ZooKeeper session times out; then the next node in line takes over.</p>
    </div>
  );
}
