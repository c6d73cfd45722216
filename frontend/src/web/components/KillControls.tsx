import { memo } from 'react';
import { KILL_MODES, KILL_MODE_TABLE } from '@zkviz/shared';
import { killNode } from '../api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';

/** One button per kill mode (shared/src/kill-modes.ts), the main action first; the result shows for a few seconds. */
export const KillControls = memo(function KillControls({ id, disabled }: { id: string; disabled: boolean }) {
  const { pending, outcome, run } = useAction();
  const past = useShowingPast();

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
            onClick={() => void run(mode, () => killNode(id, mode))}
          >
            {pending === mode ? spec.pendingLabel : spec.label}
          </button>
        );
      })}
      <Outcome outcome={outcome} testId="kill-outcome" />
    </div>
  );
});
