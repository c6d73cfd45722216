import type { ActionOutcome } from '../api.js';

/** An action's answer beside its button: what was done, or why not. */
export function Outcome({ outcome, testId }: { outcome: ActionOutcome | null; testId?: string }) {
  if (!outcome) return null;
  return (
    <span className={`outcome ${outcome.ok ? 'ok' : 'failed'}`} data-testid={testId} role="status">
      {outcome.ok ? outcome.text : outcome.message}
    </span>
  );
}
