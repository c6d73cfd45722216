import { formatDuration } from '@zkviz/shared';
import { useNow } from '../hooks/useNow.js';

/** "expires in 1.3 s", counting down to ZooKeeper's own expiry time for a session (or any deadline on the page's clock), with a bar. */
export function Countdown({
  until,
  totalMs,
  label = 'expires in',
  over = 'expiring now…',
  testId = 'countdown',
}: {
  until: number;
  totalMs: number | null;
  label?: string;
  /** Said once the time is up. */
  over?: string;
  testId?: string;
}) {
  const now = useNow(true);
  const left = Math.max(0, until - now);
  const fraction = totalMs && totalMs > 0 ? Math.min(1, left / totalMs) : null;
  return (
    <span className="countdown" data-testid={testId} data-left-ms={Math.round(left)}>
      <span className="countdown-text">{left > 0 ? `${label} ${formatDuration(left)}` : over}</span>
      {fraction !== null && (
        <span className="countdown-bar" aria-hidden>
          <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        </span>
      )}
    </span>
  );
}
