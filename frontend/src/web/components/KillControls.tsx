import { useEffect, useRef, useState } from 'react';
import { KILL_MODES, KILL_MODE_TABLE, type KillMode } from '@zkviz/shared';
import { killNode, type ActionOutcome } from '../api.js';
import { useShowingPast } from '../replay/past.js';

const OUTCOME_VISIBLE_MS = 4000;

/** One button per kill mode (shared/src/kill-modes.ts), the main action first; the result shows for a few seconds. */
export function KillControls({ id, disabled }: { id: string; disabled: boolean }) {
  const [pending, setPending] = useState<KillMode | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const clearTimer = useRef<number | undefined>(undefined);
  const past = useShowingPast();
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
      {KILL_MODES.map((mode) => {
        const spec = KILL_MODE_TABLE[mode];
        return (
          <button
            key={mode}
            type="button"
            className={spec.emphasis}
            data-testid={`kill-${mode}`}
            title={spec.description}
            disabled={disabled || past || pending !== null}
            onClick={() => void kill(mode)}
          >
            {pending === mode ? spec.pendingLabel : spec.label}
          </button>
        );
      })}
      {outcome && (
        <span className={`outcome ${outcome.ok ? 'ok' : 'failed'}`} data-testid="kill-outcome" role="status">
          {outcome.ok ? outcome.text : outcome.message}
        </span>
      )}
    </div>
  );
}
