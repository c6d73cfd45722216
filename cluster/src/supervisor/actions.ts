/**
 * What the supervisor does for each row of the fault table (shared/src/faults.ts). Typed as a
 * complete map, so a new row does not compile until it has a run here. The allowed states are
 * checked once, before any run, from the table.
 */
import { faultRow, type FaultAction, type FaultBodies, type SlotActionAccepted } from '@zkviz/shared';
import type { Slot } from './slot.js';

type Runs = { [A in FaultAction]: (slot: Slot, body: FaultBodies[A]) => void };

export const SUPERVISOR_RUNS: Runs = {
  crash: (slot) => slot.crash(),
  graceful: (slot) => slot.terminate(),
  freeze: (slot, body) => slot.freeze(body.durationMs),
  partition: (slot, body) => slot.partition(body.durationMs, body.style),
  restart: (slot) => slot.startNode(),
};

export type ActionOutcome = { ok: true; accepted: SlotActionAccepted } | { ok: false; state: string };

/** Uniform check first (the table's allowed states), then the action's own run. */
export function runAction<A extends FaultAction>(slot: Slot, action: A, body: FaultBodies[A]): ActionOutcome {
  const state = slot.state;
  if (!faultRow(action).allowedStates.includes(state)) return { ok: false, state };
  SUPERVISOR_RUNS[action](slot, body);
  const view = slot.view;
  return { ok: true, accepted: { slot: slot.name, action, state: view.state, until: view.until } };
}
