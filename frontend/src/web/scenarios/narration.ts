/**
 * What the Scenarios panel says about a run, as pure functions of the gateway's ScenarioRunView
 * (shared/src/scenarios.ts): the presenter's one button, the status line, the texts a screen
 * reader is told as they appear. The gateway renders every text; nothing here invents narration.
 */
import type { ScenarioRunView, ScenarioStepState, ScenarioStepView } from '@zkviz/shared';

/** The presenter's one button for the step that is up: what it will do, and whether it can now. */
export interface PrimaryButton {
  label: string;
  enabled: boolean;
}

/** Null once the run has ended (there is nothing to advance). */
export function primaryButton(run: ScenarioRunView): PrimaryButton | null {
  if (run.status !== 'running') return null;
  const step = run.steps[run.current];
  if (!step) return null;
  switch (step.state) {
    case 'ready':
      return { label: step.action ? `Do it: ${step.action}` : 'Next', enabled: true };
    case 'acting':
      return { label: step.action ? `Doing: ${step.action}…` : 'Doing it…', enabled: false };
    case 'waiting':
      return { label: step.ask ? 'Waiting for you to do it…' : 'Waiting for the cluster…', enabled: false };
    case 'pending':
      return { label: 'Next', enabled: false };
    default:
      // The step is over but the run is not: Next brings the following one up (the gateway decides).
      return { label: 'Next', enabled: true };
  }
}

/** The step a run ended on because of it (the first missed or failed one), or null. */
function troubleIndex(run: ScenarioRunView): number | null {
  const i = run.steps.findIndex((s) => s.state === 'missed' || s.state === 'failed');
  return i < 0 ? null : i;
}

/** One line for the run as a whole: where it is while running, how it ended after. */
export function statusLine(run: ScenarioRunView): string {
  const total = run.steps.length;
  const at = Math.min(run.current, Math.max(0, total - 1));
  const title = (i: number) => run.steps[i]?.title ?? '';
  switch (run.status) {
    case 'running':
      return `Step ${at + 1} of ${total}: ${title(at)}`;
    case 'done':
      return `Done: all ${total} steps happened as expected.`;
    case 'stopped':
      return `Stopped at step ${at + 1} of ${total}.`;
    case 'missed':
    case 'failed': {
      const i = troubleIndex(run) ?? at;
      return `${run.status === 'missed' ? 'Missed' : 'Failed'}: step ${i + 1}, ${title(i)}.`;
    }
  }
}

const STATE_WORDS: Record<ScenarioStepState, string> = {
  pending: 'to come',
  ready: 'up next',
  acting: 'doing it',
  waiting: 'waiting',
  done: 'done',
  missed: 'missed',
  failed: 'failed',
};

/** A step shows what to expect and what it waits for while it is up (and, when missed, what it waited for). */
export const stepIsUp = (step: ScenarioStepView): boolean => step.state === 'ready' || step.state === 'acting' || step.state === 'waiting';

/**
 * The step's state in words (shown beside its title, so state is never colour alone). A run
 * stopped by the presenter leaves its step up; that step is where it stopped, not "up next".
 */
export const stepStateWords = (step: ScenarioStepView, runEnded: boolean): string => (runEnded && stepIsUp(step) ? 'stopped here' : STATE_WORDS[step.state]);

/**
 * The texts a screen reader should hear, in step order: each explain and problem, keyed by run and
 * step so a text is said once, when it first appears.
 */
function narrationTexts(run: ScenarioRunView | null): Map<string, string> {
  const texts = new Map<string, string>();
  if (!run) return texts;
  run.steps.forEach((step, i) => {
    if (step.explain) texts.set(`${run.run}:${i}:explain`, step.explain);
    if (step.problem) texts.set(`${run.run}:${i}:problem`, step.problem);
  });
  return texts;
}

/** What `next` says that `prev` did not (a new run's texts are all new). */
export function newNarration(prev: ScenarioRunView | null, next: ScenarioRunView | null): string[] {
  const before = narrationTexts(prev);
  return [...narrationTexts(next)].filter(([key, text]) => before.get(key) !== text).map(([, text]) => text);
}

/**
 * The later of two reports of the run (the /ws push and GET /api/scenarios's `run` may arrive in
 * either order): a later run wins, then a later version of the same run.
 */
export function newerRun(a: ScenarioRunView | null, b: ScenarioRunView | null): ScenarioRunView | null {
  if (!a) return b;
  if (!b) return a;
  if (a.run !== b.run) return a.run > b.run ? a : b;
  return a.version >= b.version ? a : b;
}

/**
 * Whether a page that has just opened should show a run's narration or the list: an old run that
 * had already ended before this page saw it is history, not news (unless this page started it).
 */
export function narrationOnFirstSight(run: ScenarioRunView, startedHere: boolean): boolean {
  return run.status === 'running' || startedHere;
}

/** Who may drive a run from this page: anyone unless the gateway is in presenter mode; then only a page holding an unrefused token. */
export function canDriveScenarios(token: { needed: boolean; hasToken: boolean; rejected: boolean }): boolean {
  return !token.needed || (token.hasToken && !token.rejected);
}

/** A gateway-clock moment on the page's clock (timeline/clock.ts's offset; none measured yet: the same clock). */
export function onPageClock(gatewayAt: number, clock: { offsetMs: number } | null): number {
  return gatewayAt - (clock?.offsetMs ?? 0);
}
