/**
 * The page's side of the guided scenarios (shared/src/scenarios.ts): the list (GET) and the three
 * control routes, POSTed by api.ts's postControl so presenter mode's token goes with them.
 */
import { SCENARIO_ROUTES, scenarioRunPath, type ScenarioList } from '@zkviz/shared';
import { postControl, type ActionOutcome } from './api.js';

export type ScenarioListResult = { ok: true; list: ScenarioList } | { ok: false; message: string };

/** GET /api/scenarios; never throws — a failure is a sentence to show instead of the list. */
export async function fetchScenarioList(): Promise<ScenarioListResult> {
  try {
    const res = await fetch(SCENARIO_ROUTES.list);
    const body = (await res.json().catch(() => null)) as Partial<ScenarioList> & { message?: unknown };
    if (!res.ok) return { ok: false, message: typeof body?.message === 'string' ? body.message : `the gateway answered ${res.status}` };
    if (!Array.isArray(body?.scenarios)) return { ok: false, message: 'the gateway sent no scenario list' };
    return { ok: true, list: { scenarios: body.scenarios, run: body.run ?? null } };
  } catch {
    return { ok: false, message: 'could not reach the gateway' };
  }
}

export const runScenario = (id: string): Promise<ActionOutcome> => postControl(scenarioRunPath(id), {}, 'starting…');
export const nextScenarioStep = (): Promise<ActionOutcome> => postControl(SCENARIO_ROUTES.next, {}, 'sent');
export const stopScenario = (): Promise<ActionOutcome> => postControl(SCENARIO_ROUTES.stop, {}, 'stopping…');
