/**
 * Runs one scenario at a time on the live cluster and publishes its narration (`ScenarioRunView`)
 * for every viewer. The runner owns the sequence, the bindings, the measured moments and the
 * deadlines; what a step's action is, what its wait means and what the cluster looks like are the
 * pure functions beside it (actions.ts, waits.ts, world.ts, template.ts). Actions go out through
 * `act`, i.e. the gateway's own routes.
 *
 * A step's life: `ready` (its expectation shown; the presenter's Next sends its action) → `acting`
 * → `waiting` (for its real event, until its bound) → `done` (explained with this run's numbers),
 * and the next step comes up. A step that asks the user, or only waits, starts waiting at once. A
 * bound that passes, a forbidden event or a refused action ends the run there and says so plainly.
 */
import { EventEmitter } from 'node:events';
import {
  pendingStep,
  type ClusterEvent,
  type ClusterView,
  type FailoverRecord,
  type ScenarioDefinition,
  type ScenarioListing,
  type ScenarioRunView,
  type ScenarioStepView,
  type ZooKeeperView,
} from '@zkviz/shared';
import { planAction, type PlannedAction } from './actions.js';
import { render, type RunScope, type Value } from './template.js';
import { checkWait, DEFAULT_WITHIN_MS, describeWait, failoverFacts, forbiddenSeen, type WaitContext } from './waits.js';
import { bindingOf, selectNode, sessionTimeoutOf, unavailableBecause, type Bindings, type NodeBinding, type World } from './world.js';

export interface ActAnswer {
  statusCode: number;
  body: unknown;
}

/** What the runner reads of the feed: the latest views, and the three things it publishes. */
export interface ScenarioFeed {
  readonly view: ClusterView;
  readonly zookeeper: ZooKeeperView | null;
  on(event: 'view' | 'zookeeper' | 'event', listener: (arg: never) => void): unknown;
  off(event: 'view' | 'zookeeper' | 'event', listener: (arg: never) => void): unknown;
}

export interface ScenarioRunnerDeps {
  feed: ScenarioFeed;
  /** POSTs to one of the gateway's own routes, as the presenter. */
  act(url: string, body: object): Promise<ActAnswer>;
  world: Pick<World, 'capabilities' | 'recipeWritable' | 'defaultSessionTimeoutMs'>;
  /** Files that did not load: listed as unavailable, with their problem as the reason. */
  broken?: readonly { id: string; problem: string }[];
  now?: () => number;
}

export type RunnerRefusal = { ok: false; status: 404 | 409; error: string; message: string };
export type RunnerAnswer = { ok: true; run: ScenarioRunView } | RunnerRefusal;

interface ActiveRun {
  definition: ScenarioDefinition;
  view: ScenarioRunView;
  scope: RunScope;
  bindings: Bindings;
  /** The current step's action, resolved when it came up (what is shown is what is done). */
  planned: PlannedAction | string | null;
  since: number;
  events: ClusterEvent[];
  timer: NodeJS.Timeout | null;
  /** The last met failover: its late phases and counts keep refining that step's explanation. */
  following: { step: number; name: string; at: number; to: string; seen: FailoverRecord | null } | null;
}

function nodeValue(binding: NodeBinding, world: World): Value {
  const fields: Record<string, Value> = {
    fencingToken: binding.sequence,
    slot: binding.slot,
    watchedBy: binding.watchedBy,
    sessionTimeoutMs: sessionTimeoutOf(binding.znode, world),
  };
  return { kind: 'node', znode: binding.znode, fields };
}

export class ScenarioRunner extends EventEmitter<{ run: [run: ScenarioRunView | null] }> {
  private active: ActiveRun | null = null;
  private runs = 0;
  private readonly now: () => number;
  private started = false;

  constructor(
    private readonly scenarios: readonly ScenarioDefinition[],
    private readonly deps: ScenarioRunnerDeps,
  ) {
    super();
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.deps.feed.on('view', this.onChange);
    this.deps.feed.on('zookeeper', this.onZooKeeper);
    this.deps.feed.on('event', this.onEvent);
  }

  stop(): void {
    this.started = false;
    this.deps.feed.off('view', this.onChange);
    this.deps.feed.off('zookeeper', this.onZooKeeper);
    this.deps.feed.off('event', this.onEvent);
    if (this.active?.timer) clearTimeout(this.active.timer);
  }

  get run(): ScenarioRunView | null {
    return this.active?.view ?? null;
  }

  /** In the files' order (`order`, then id); broken files last. */
  list(): ScenarioListing[] {
    const world = this.world();
    const listed = [...this.scenarios]
      .sort((a, b) => (a.order ?? 1000) - (b.order ?? 1000) || a.id.localeCompare(b.id))
      .map((s): ScenarioListing => {
        const why = unavailableBecause(s, world);
        return { id: s.id, title: s.title, summary: s.summary.trim(), steps: s.steps.length, available: why === null, why };
      });
    const broken = (this.deps.broken ?? []).map((b): ScenarioListing => ({
      id: b.id,
      title: b.id,
      summary: 'This scenario file does not load.',
      steps: 0,
      available: false,
      why: b.problem,
    }));
    return [...listed, ...broken];
  }

  begin(id: string): RunnerAnswer {
    const definition = this.scenarios.find((s) => s.id === id);
    if (!definition) return { ok: false, status: 404, error: 'unknown_scenario', message: `no scenario ${id}` };
    if (this.active?.view.status === 'running') {
      return { ok: false, status: 409, error: 'scenario_running', message: `“${this.active.view.title}” is running; stop it first` };
    }
    const why = unavailableBecause(definition, this.world());
    if (why) return { ok: false, status: 409, error: 'not_available', message: why };
    if (this.active?.timer) clearTimeout(this.active.timer);
    const at = this.now();
    this.active = {
      definition,
      view: {
        run: ++this.runs,
        id,
        title: definition.title,
        status: 'running',
        current: 0,
        steps: definition.steps.map((step) => pendingStep(step.title)),
        startedAt: at,
        endedAt: null,
        version: 0,
      },
      scope: { values: {}, moments: { started: at } },
      bindings: {},
      planned: null,
      since: at,
      events: [],
      timer: null,
      following: null,
    };
    this.enter(0);
    return { ok: true, run: this.active.view };
  }

  /** The presenter's Next: send the step's action, or move past a step of words. */
  next(): RunnerAnswer {
    const run = this.active;
    if (!run || run.view.status !== 'running') return { ok: false, status: 409, error: 'no_scenario', message: 'no scenario is running' };
    const step = run.view.steps[run.view.current]!;
    if (step.state !== 'ready') return { ok: false, status: 409, error: 'step_in_progress', message: `step ${run.view.current + 1} is ${step.state}; wait for it` };
    const definition = run.definition.steps[run.view.current]!;
    if (definition.do) void this.act(run);
    else this.finishStep(run);
    return { ok: true, run: run.view };
  }

  /** Ends the run where it is; what was done stays done. */
  halt(): RunnerAnswer {
    const run = this.active;
    if (!run || run.view.status !== 'running') return { ok: false, status: 409, error: 'no_scenario', message: 'no scenario is running' };
    this.end(run, 'stopped');
    return { ok: true, run: run.view };
  }

  private world(): World {
    return { view: this.deps.feed.view, zookeeper: this.deps.feed.zookeeper, ...this.deps.world };
  }

  private readonly onChange = () => this.check();
  private readonly onZooKeeper = (_view: ZooKeeperView) => this.check();
  private readonly onEvent = (event: ClusterEvent) => {
    if (this.active?.view.status === 'running') this.active.events.push(event);
    this.check();
  };

  /** What every text of the step can read: the cluster now, plus what the run bound and measured. */
  private refreshScope(run: ActiveRun): void {
    const world = this.world();
    const values = run.scope.values;
    for (const selector of ['leader', 'successor', 'last', 'worker'] as const) {
      const node = selectNode(selector, world.view);
      values[selector] = node ? nodeValue(bindingOf(node, world.view), world) : null;
    }
    values.fencingToken = world.view.fencingToken;
    values.nodes = world.view.nodes.length;
    values.sessionTimeoutMs = sessionTimeoutOf(world.view.leader, world);
    values.recipe = world.view.recipe ?? null;
    values.quorumSize = world.zookeeper?.quorum.size ?? null;
    values.zkLeader = world.zookeeper?.servers.find((s) => s.mode === 'leader')?.id ?? null;
    for (const [name, bound] of Object.entries(run.bindings)) values[name] = 'znode' in bound ? nodeValue(bound, world) : bound.server;
  }

  private enter(index: number): void {
    const run = this.active!;
    const definition = run.definition.steps[index]!;
    run.view.current = index;
    this.refreshScope(run);
    const world = this.world();
    run.planned = definition.do ? planAction(definition.do, world, run.bindings) : null;
    const step: ScenarioStepView = {
      ...run.view.steps[index]!,
      state: 'ready',
      expect: definition.expect ? render(definition.expect, run.scope) : null,
      action: typeof run.planned === 'object' && run.planned ? run.planned.label : null,
      ask: definition.ask ? render(definition.ask, run.scope) : null,
      startedAt: this.now(),
    };
    this.replaceStep(run, index, step);
    if (typeof run.planned === 'string') return this.fail(run, `This step cannot be done now: ${run.planned}.`);
    if (!definition.do && definition.wait) this.beginWait(run);
    else this.publish(run);
  }

  private async act(run: ActiveRun): Promise<void> {
    const index = run.view.current;
    const planned = run.planned as PlannedAction;
    const sentAt = this.now();
    run.since = sentAt;
    run.events = [];
    this.patchStep(run, { state: 'acting' });
    let answer: ActAnswer;
    try {
      answer = await this.deps.act(planned.url, planned.body);
    } catch (err) {
      answer = { statusCode: 500, body: { message: String(err) } };
    }
    if (this.active !== run || run.view.status !== 'running' || run.view.current !== index) return;
    if (answer.statusCode !== 202) {
      const body = answer.body as { message?: unknown } | null;
      const message = typeof body?.message === 'string' ? body.message : `answered ${answer.statusCode}`;
      return this.fail(run, `The gateway refused “${planned.label}”: ${message}.`);
    }
    run.scope.moments.acted = sentAt;
    if (planned.bind) {
      run.bindings[planned.bind.name] = planned.bind.value;
      run.scope.moments[`${planned.bind.name}.acted`] = sentAt;
    }
    run.scope.values.action = { kind: 'record', fields: { durationMs: planned.durationMs, label: planned.label } };
    this.refreshScope(run);
    const definition = run.definition.steps[index]!;
    if (definition.wait) this.beginWait(run);
    else this.finishStep(run);
  }

  private beginWait(run: ActiveRun): void {
    const definition = run.definition.steps[run.view.current]!;
    const wait = definition.wait!;
    // A step that only waits goes on from where the last one stopped: what came since the last
    // action and was not yet consumed by an earlier wait still counts.
    const within = wait.within ?? DEFAULT_WITHIN_MS;
    const deadline = this.now() + within;
    this.patchStep(run, { state: 'waiting', waitingFor: describeWait(wait, run.bindings, this.world()), deadline }, false);
    if (run.timer) clearTimeout(run.timer);
    run.timer = setTimeout(() => this.missed(run, within), within);
    run.timer.unref?.();
    this.publish(run);
    this.check();
  }

  private context(run: ActiveRun): WaitContext {
    return { world: this.world(), bindings: run.bindings, since: run.since, events: run.events, now: this.now() };
  }

  /** Every change of the cluster funnels here: a following failover's refinements, then the wait. */
  private check(): void {
    const run = this.active;
    if (!run) return;
    this.followFailover(run);
    if (run.view.status !== 'running') return;
    const index = run.view.current;
    const step = run.view.steps[index]!;
    if (step.state !== 'waiting') return;
    const definition = run.definition.steps[index]!;
    const ctx = this.context(run);
    if (definition.forbid) {
      const seen = forbiddenSeen(definition.forbid, ctx);
      if (seen) return this.miss(run, `This was not supposed to happen: ${seen.text}.`);
    }
    const met = checkWait(definition.wait!, ctx);
    if (met === null) return;
    if (typeof met === 'string') return this.fail(run, `This step cannot be checked: ${met}.`);
    const name = definition.wait!.as ?? definition.wait!.for;
    run.scope.values[name] = met.value;
    Object.assign(run.scope.moments, met.moments);
    if (met.failover) {
      run.following = { step: index, name, ...met.failover, seen: this.deps.feed.view.lastFailover };
      run.since = met.failover.at + 1;
    }
    if (met.consumed) run.events = run.events.slice(run.events.indexOf(met.consumed) + 1);
    this.finishStep(run);
  }

  /** Late phases (session-closed after znode-deleted) and the herd counts arrive after the switch. */
  private followFailover(run: ActiveRun): void {
    const f = run.following;
    const record = this.deps.feed.view.lastFailover;
    // The recorder replaces a record when a phase or its counts arrive: the same object is no news.
    if (!f || !record || record === f.seen || record.at !== f.at || record.to !== f.to) return;
    f.seen = record;
    const facts = failoverFacts(record, f.name, this.world());
    run.scope.values[f.name] = facts.value;
    Object.assign(run.scope.moments, facts.moments);
    const explain = run.definition.steps[f.step]!.explain;
    const step = run.view.steps[f.step]!;
    const rendered = explain ? render(explain, run.scope) : null;
    if (rendered === step.explain) return;
    this.replaceStep(run, f.step, { ...step, explain: rendered });
    this.publish(run);
  }

  private finishStep(run: ActiveRun): void {
    const index = run.view.current;
    const definition = run.definition.steps[index]!;
    if (run.timer) clearTimeout(run.timer);
    run.timer = null;
    this.refreshScope(run);
    this.patchStep(run, { state: 'done', explain: definition.explain ? render(definition.explain, run.scope) : null, endedAt: this.now() }, false);
    if (index + 1 < run.view.steps.length) this.enter(index + 1);
    else this.end(run, 'done');
  }

  private missed(run: ActiveRun, within: number): void {
    if (this.active !== run || run.view.status !== 'running') return;
    const step = run.view.steps[run.view.current]!;
    if (step.state !== 'waiting') return;
    this.miss(
      run,
      `Did not happen within ${Math.round(within / 1000)} s: we waited for ${step.waitingFor}. The cluster did not do what this step expects; look at the timeline for what it did instead.`,
    );
  }

  private miss(run: ActiveRun, problem: string): void {
    this.patchStep(run, { state: 'missed', problem, endedAt: this.now() }, false);
    this.end(run, 'missed');
  }

  private fail(run: ActiveRun, problem: string): void {
    this.patchStep(run, { state: 'failed', problem, endedAt: this.now() }, false);
    this.end(run, 'failed');
  }

  private end(run: ActiveRun, status: ScenarioRunView['status']): void {
    if (run.timer) clearTimeout(run.timer);
    run.timer = null;
    run.view = { ...run.view, status, endedAt: this.now() };
    this.publish(run);
  }

  private patchStep(run: ActiveRun, patch: Partial<ScenarioStepView>, publish = true): void {
    const index = run.view.current;
    this.replaceStep(run, index, { ...run.view.steps[index]!, ...patch });
    if (publish) this.publish(run);
  }

  /** Views are replaced, never mutated: a published view is what every viewer was sent. */
  private replaceStep(run: ActiveRun, index: number, step: ScenarioStepView): void {
    const steps = run.view.steps.slice();
    steps[index] = step;
    run.view = { ...run.view, steps };
  }

  private publish(run: ActiveRun): void {
    if (this.active !== run) return;
    run.view = { ...run.view, version: run.view.version + 1 };
    this.emit('run', run.view);
  }
}
