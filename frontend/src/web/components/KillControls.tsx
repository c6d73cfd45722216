import { useEffect, useRef, useState } from 'react';
import type { KillMode } from '@zkviz/shared';
import { killNode, type KillOutcome } from '../api.js';

const OUTCOME_VISIBLE_MS = 4000;

/** Kill (crash) as the main action, graceful as the quieter one; the result shows for a few seconds. */
export function KillControls({ id, disabled }: { id: string; disabled: boolean }) {
  const [pending, setPending] = useState<KillMode | null>(null);
  const [outcome, setOutcome] = useState<KillOutcome | null>(null);
  const clearTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(clearTimer.current), []);

  const kill = async (mode: KillMode) => {
    setPending(mode);
    setOutcome(null);
    const result = await killNode(id, mode);
    setPending(null);
    setOutcome(result);
    window.clearTimeout(clearTimer.current);
    clearTimer.current = window.setTimeout(() => setOutcome(null), OUTCOME_VISIBLE_MS);
  };

  return (
    <div className="kill-controls">
      <button type="button" className="danger" data-testid="kill-crash" disabled={disabled || pending !== null} onClick={() => void kill('crash')}>
        {pending === 'crash' ? 'Killing…' : 'Kill'}
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="kill-graceful"
        title="Stop gracefully: the node deletes its znodes before exiting"
        disabled={disabled || pending !== null}
        onClick={() => void kill('graceful')}
      >
        {pending === 'graceful' ? 'Stopping…' : 'graceful'}
      </button>
      {outcome && (
        <span className={`outcome ${outcome.ok ? 'ok' : 'failed'}`} data-testid="kill-outcome" role="status">
          {outcome.ok ? `${outcome.accepted.mode} sent` : outcome.message}
        </span>
      )}
    </div>
  );
}
