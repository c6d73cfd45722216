/**
 * Guided scenarios: the list (GET /api/scenarios) when nothing runs, the narration of the run the
 * gateway publishes on /ws otherwise. Every viewer renders the same run; only a page allowed to
 * drive (presenter mode: holding the token) gets the buttons. All texts come rendered from the
 * gateway and are shown as text.
 */
import { memo, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import type { ScenarioListing, ScenarioRunView, ScenarioStepView } from '@zkviz/shared';
import { controlTokenStore } from '../api.js';
import { useAction, type ActionRunner } from '../hooks/useAction.js';
import { PastClockContext, useShowingPast } from '../replay/past.js';
import { fetchScenarioList, nextScenarioStep, runScenario, stopScenario, type ScenarioListResult } from '../scenarios-api.js';
import {
  canDriveScenarios,
  narrationOnFirstSight,
  newNarration,
  newerRun,
  onPageClock,
  primaryButton,
  statusLine,
  stepIsUp,
  stepStateWords,
} from '../scenarios/narration.js';
import { gatewayClock } from '../timeline/clock.js';
import { Countdown } from './Countdown.js';
import { Outcome } from './Outcome.js';

/**
 * `clusterKey` (scenarios/availability.ts) changes whenever what decides a scenario's availability
 * may have (leader, node count, recipe, ensemble size and servers up): the list is read again then,
 * so a scenario that could not run a moment ago (no leader yet) becomes runnable without a reload.
 * Memoised: it re-renders with its run, the link or the cluster key, not with every snapshot.
 */
export const ScenariosPanel = memo(function ScenariosPanel({ live, linkDown, clusterKey }: { live: ScenarioRunView | null; linkDown: boolean; clusterKey: string }) {
  const past = useShowingPast();
  const token = useSyncExternalStore(controlTokenStore.subscribe, controlTokenStore.getSnapshot);
  const drive = canDriveScenarios(token);
  // Scrubbing the past shows the live run as it is, but nothing can be started from the past.
  const inert = past || linkDown;
  const action = useAction();
  const [listed, setListed] = useState<ScenarioListResult | null>(null);
  // Bumped when the gateway refused a Run (it judged availability afresh): read the list again.
  const [refused, setRefused] = useState(0);
  const run = newerRun(live, listed?.ok ? listed.list.run : null);

  // Narration state, adjusted while rendering (not in an effect) so the texts and what is said agree.
  const [startedHere, setStartedHere] = useState(false);
  const [sighted, setSighted] = useState(false);
  const [putAway, setPutAway] = useState<number | null>(null);
  const [heard, setHeard] = useState<ScenarioRunView | null>(run);
  const [announcement, setAnnouncement] = useState('');
  if (run !== heard) {
    setHeard(run);
    if (run && !sighted) {
      // What was already on screen when this page came is not news.
      setSighted(true);
      if (!narrationOnFirstSight(run, startedHere)) setPutAway(run.run);
    } else {
      const fresh = newNarration(heard, run);
      if (fresh.length > 0) setAnnouncement(fresh.join(' '));
    }
  }

  const showList = !run || (run.status !== 'running' && putAway === run.run);
  const runKey = run ? `${run.run}:${run.status}` : '';
  useEffect(() => {
    if (!showList) return;
    let cancelled = false;
    void fetchScenarioList().then((result) => !cancelled && setListed(result));
    return () => {
      cancelled = true;
    };
  }, [showList, runKey, clusterKey, refused]);

  const following = token.needed && !drive;
  return (
    <section className="card scenarios-panel" data-testid="scenarios-panel" aria-labelledby="scenarios-title">
      <h2 id="scenarios-title">Scenarios</h2>
      {/* The run is live even while the rest of the page shows the past: its countdown counts now. */}
      <PastClockContext.Provider value={null}>
        {showList || !run ? (
          <ScenarioList
            listed={listed}
            drive={drive}
            inert={inert}
            action={action}
            onRun={(id) => {
              setStartedHere(true);
              void action.run(`run:${id}`, async () => {
                const outcome = await runScenario(id);
                if (!outcome.ok) setRefused((n) => n + 1);
                return outcome;
              });
            }}
          />
        ) : (
          <Narration run={run} drive={drive} inert={inert} action={action} onBack={() => setPutAway(run.run)} />
        )}
      </PastClockContext.Provider>
      {following && (
        <p className="scenario-following" data-testid="scenario-following">
          Following the presenter: only the presenter’s page runs scenarios; every step shows here as it happens.
        </p>
      )}
      <div className="visually-hidden" aria-live="polite" data-testid="scenario-announcer">
        {announcement}
      </div>
    </section>
  );
});

function ScenarioList({
  listed,
  drive,
  inert,
  action,
  onRun,
}: {
  listed: ScenarioListResult | null;
  drive: boolean;
  inert: boolean;
  action: ActionRunner;
  onRun: (id: string) => void;
}) {
  if (!listed) return <p className="muted">Reading the scenarios…</p>;
  if (!listed.ok) return <p className="muted">Scenarios are not available: {listed.message}.</p>;
  if (listed.list.scenarios.length === 0) return <p className="muted">This gateway has no scenarios.</p>;
  return (
    <>
      <p className="muted scenario-intro">
        Each scenario breaks the live cluster step by step, says what to expect, waits for the real event and explains it with this run’s numbers.
      </p>
      <ul className="scenario-list">
        {listed.list.scenarios.map((scenario) => (
          <ScenarioRow
            key={scenario.id}
            scenario={scenario}
            drive={drive}
            disabled={inert || action.pending !== null}
            pending={action.pending === `run:${scenario.id}`}
            onRun={onRun}
          />
        ))}
      </ul>
      <Outcome outcome={action.outcome} testId="scenario-outcome" />
    </>
  );
}

function ScenarioRow({
  scenario,
  drive,
  disabled,
  pending,
  onRun,
}: {
  scenario: ScenarioListing;
  drive: boolean;
  disabled: boolean;
  pending: boolean;
  onRun: (id: string) => void;
}) {
  const whyId = useId();
  return (
    <li className={`scenario-row${scenario.available ? '' : ' unavailable'}`} data-testid={`scenario-${scenario.id}`} data-available={scenario.available}>
      <div className="scenario-row-text">
        <h3 className="scenario-row-title">
          {scenario.title} <span className="muted small">{scenario.steps === 1 ? '1 step' : `${scenario.steps} steps`}</span>
        </h3>
        <p className="scenario-summary">{scenario.summary}</p>
        {!scenario.available && (
          <p className="scenario-why" id={whyId}>
            Not available here: {scenario.why ?? 'this gateway cannot run it'}
          </p>
        )}
      </div>
      {drive && (
        <button
          type="button"
          data-testid={`scenario-run-${scenario.id}`}
          disabled={disabled || !scenario.available}
          aria-describedby={scenario.available ? undefined : whyId}
          onClick={() => onRun(scenario.id)}
        >
          {pending ? 'Starting…' : 'Run'}
          <span className="visually-hidden"> {scenario.title}</span>
        </button>
      )}
    </li>
  );
}

function Narration({ run, drive, inert, action, onBack }: { run: ScenarioRunView; drive: boolean; inert: boolean; action: ActionRunner; onBack: () => void }) {
  const primary = primaryButton(run);
  const busy = inert || action.pending !== null;
  const ended = run.status !== 'running';
  const focus = useFocusGivenBack(!busy && primary?.enabled === true, ended);
  return (
    <div className="scenario-run" data-testid="scenario-run" data-run={run.run} data-scenario={run.id} data-version={run.version}>
      <h3 className="scenario-run-title">{run.title}</h3>
      <p className={`scenario-status status-${run.status}`} data-testid="scenario-status" data-status={run.status}>
        {statusLine(run)}
      </p>
      <ol className="scenario-steps">
        {run.steps.map((step, i) => (
          <Step key={i} step={step} index={i} current={run.status === 'running' && i === run.current} ended={run.status !== 'running'} />
        ))}
      </ol>
      {drive && (
        <div className="scenario-controls">
          {primary && (
            <button
              type="button"
              className="primary"
              data-testid="scenario-next"
              ref={focus.primary}
              disabled={busy || !primary.enabled}
              onClick={() => {
                focus.arm();
                void action.run('next', nextScenarioStep);
              }}
            >
              {primary.label}
            </button>
          )}
          {run.status === 'running' && (
            <button
              type="button"
              className="secondary"
              data-testid="scenario-stop"
              disabled={busy}
              onClick={() => {
                focus.arm();
                void action.run('stop', stopScenario);
              }}
            >
              Stop
            </button>
          )}
          {/* Success shows in the narration itself; only a refusal needs words here. */}
          <Outcome outcome={action.outcome?.ok === false ? action.outcome : null} testId="scenario-outcome" />
        </div>
      )}
      {run.status !== 'running' && (
        <button type="button" className="secondary" data-testid="scenario-back" ref={focus.back} onClick={onBack}>
          Back to the list
        </button>
      )}
    </div>
  );
}

/**
 * The presenter's button disables itself while its step acts and waits, which drops the keyboard
 * focus on the page body; once it can be pressed again (or the run has ended: Back to the list)
 * the focus goes back to it, unless the presenter has moved it elsewhere meanwhile.
 */
function useFocusGivenBack(primaryEnabled: boolean, ended: boolean) {
  const primary = useRef<HTMLButtonElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  const armed = useRef(false);
  useEffect(() => {
    const target = ended ? back.current : primaryEnabled ? primary.current : null;
    if (!armed.current || !target) return;
    armed.current = false;
    const active = document.activeElement;
    if (active === null || active === document.body) target.focus();
  }, [primaryEnabled, ended]);
  return {
    primary,
    back,
    arm: () => {
      armed.current = true;
    },
  };
}

function Step({ step, index, current, ended }: { step: ScenarioStepView; index: number; current: boolean; ended: boolean }) {
  const up = stepIsUp(step);
  const missed = step.state === 'missed' || step.state === 'failed';
  return (
    <li
      className={`scenario-step state-${step.state}`}
      data-testid="scenario-step"
      data-state={step.state}
      data-index={index}
      aria-current={current ? 'step' : undefined}
    >
      <div className="scenario-step-head">
        <span className="scenario-step-title">{step.title}</span> <span className={`badge step-state state-${step.state}`}>{stepStateWords(step, ended)}</span>
      </div>
      {/* A step of words only keeps them once done; one with an explain is told by it. */}
      {step.expect && (up || (step.state === 'done' && !step.explain)) && <p className={up ? 'scenario-expect' : 'scenario-expect muted'}>{step.expect}</p>}
      {up && step.action && (
        <p className="scenario-action">
          <span className="muted">Action:</span> {step.action}
        </p>
      )}
      {up && step.ask && (
        <p className="scenario-ask" data-testid="scenario-step-ask">
          <strong>Your turn:</strong> {step.ask}
        </p>
      )}
      {(up || missed) && step.waitingFor && (
        <p className="scenario-wait">
          <span className="muted">{missed ? 'Waited for:' : 'Waiting for:'}</span> {step.waitingFor}{' '}
          {step.state === 'waiting' && !ended && step.deadline !== null && (
            <Countdown
              until={onPageClock(step.deadline, gatewayClock())}
              totalMs={step.startedAt !== null ? step.deadline - step.startedAt : null}
              label="gives up in"
              over="giving up…"
              testId="scenario-countdown"
            />
          )}
        </p>
      )}
      {step.explain && (
        <p className="scenario-explain" data-testid="scenario-step-explain">
          {step.explain}
        </p>
      )}
      {step.problem && (
        <p className="scenario-problem" data-testid="scenario-step-problem">
          <strong>What went wrong: </strong>
          {step.problem}
        </p>
      )}
    </li>
  );
}
