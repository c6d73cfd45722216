import type { FailoverRecord } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { formatClock } from '../format.js';

export function FailoverNotice({ failover }: { failover: FailoverRecord }) {
  return (
    <div className="banner failover" role="status" data-testid="failover-notice" data-leader-id={failover.to}>
      New leader <strong title={failover.to}>{shortId(failover.to)}</strong> after <strong>{failover.durationMs} ms</strong>
      <span className="muted">
        {failover.from ? ` (was ${shortId(failover.from)})` : ''} · {formatClock(failover.at)}
      </span>
    </div>
  );
}
