import { useEffect, useRef, useState } from 'react';
import type { ActionOutcome } from '../api.js';

/** How long an action's answer stays beside its button. */
const OUTCOME_VISIBLE_MS = 4000;

export interface ActionRunner {
  /** Key of the action waiting for its answer, or null: one at a time per control group. */
  pending: string | null;
  /** The last answer, shown for a few seconds. */
  outcome: ActionOutcome | null;
  run: (key: string, action: () => Promise<ActionOutcome>) => Promise<void>;
}

/** Every action control's life: pending while the request runs, then its answer for a few seconds. */
export function useAction(): ActionRunner {
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const clearTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(clearTimer.current), []);
  const run = async (key: string, action: () => Promise<ActionOutcome>) => {
    setPending(key);
    setOutcome(null);
    const result = await action();
    setPending(null);
    setOutcome(result);
    window.clearTimeout(clearTimer.current);
    clearTimer.current = window.setTimeout(() => setOutcome(null), OUTCOME_VISIBLE_MS);
  };
  return { pending, outcome, run };
}
