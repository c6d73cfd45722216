import { formatDuration } from '../format.js';
import { useNow } from '../hooks/useNow.js';

/** "expires in 1.3 s", counting down to ZooKeeper's own expiry time for a session, with a bar. */
export function Countdown({ until, totalMs, label = 'expires in' }: { until: number; totalMs: number | null; label?: string }) {
  const now = useNow(true);
  const left = Math.max(0, until - now);
  const fraction = totalMs && totalMs > 0 ? Math.min(1, left / totalMs) : null;
  return (
    <span className="countdown" data-testid="countdown" data-left-ms={Math.round(left)}>
      <span className="countdown-text">{left > 0 ? `${label} ${formatDuration(left)}` : 'expiring now…'}</span>
      {fraction !== null && (
        <span className="countdown-bar" aria-hidden>
          <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        </span>
      )}
    </span>
  );
}
