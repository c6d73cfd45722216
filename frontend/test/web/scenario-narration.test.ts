import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingStep, type ClusterView, type ScenarioRunView, type ScenarioStepView, type ZooKeeperView } from '@zkviz/shared';
import { availabilityKey } from '../../src/web/scenarios/availability.js';
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
} from '../../src/web/scenarios/narration.js';

const step = (over: Partial<ScenarioStepView> = {}): ScenarioStepView => ({ ...pendingStep('Freeze the leader'), ...over });

const runOf = (steps: ScenarioStepView[], over: Partial<ScenarioRunView> = {}): ScenarioRunView => ({
  run: 1,
  id: 'zombie-leader',
  title: 'The zombie leader',
  status: 'running',
  current: 0,
  steps,
  startedAt: 1000,
  endedAt: null,
  version: 1,
  ...over,
});

describe('scenario narration: the presenter’s button', () => {
  it('says the action it will take for a ready step that has one', () => {
    const button = primaryButton(runOf([step({ state: 'ready', action: 'Freeze n_1 for 10.0 s' })]));
    assert.deepEqual(button, { label: 'Do it: Freeze n_1 for 10.0 s', enabled: true });
  });

  it('is a plain Next for a ready step of words only', () => {
    assert.deepEqual(primaryButton(runOf([step({ state: 'done' }), step({ state: 'ready' })], { current: 1 })), { label: 'Next', enabled: true });
  });

  for (const state of ['acting', 'waiting', 'pending'] as const) {
    it(`is disabled while the step is ${state}`, () => {
      assert.equal(primaryButton(runOf([step({ state, action: 'Kill n_1 (crash)' })]))?.enabled, false);
    });
  }

  it('tells a waiting step that asks the user from one that waits for the cluster', () => {
    assert.match(primaryButton(runOf([step({ state: 'waiting', ask: 'Click crash on the leader' })]))?.label ?? '', /you/);
    assert.match(primaryButton(runOf([step({ state: 'waiting' })]))?.label ?? '', /cluster/);
  });

  it('is gone once the run has ended', () => {
    for (const status of ['done', 'missed', 'failed', 'stopped'] as const) assert.equal(primaryButton(runOf([step({ state: 'done' })], { status })), null);
  });

  it('is gone when the current index points past the steps', () => {
    assert.equal(primaryButton(runOf([step({ state: 'ready' })], { current: 3 })), null);
  });
});

describe('scenario narration: the status line', () => {
  const three = [step({ state: 'done', title: 'Crash the leader' }), step({ state: 'missed', title: 'Its successor wakes' }), step({ title: 'Explain' })];

  it('names the step that is up while running', () => {
    assert.equal(statusLine(runOf(three, { current: 1 })), 'Step 2 of 3: Its successor wakes');
  });

  it('says done, stopped, and which step missed or failed', () => {
    assert.match(statusLine(runOf(three, { status: 'done', current: 2 })), /^Done/);
    assert.equal(statusLine(runOf(three, { status: 'stopped', current: 0 })), 'Stopped at step 1 of 3.');
    assert.equal(statusLine(runOf(three, { status: 'missed', current: 1 })), 'Missed: step 2, Its successor wakes.');
    const failed = [step({ state: 'failed', title: 'Freeze the leader' }), step()];
    assert.equal(statusLine(runOf(failed, { status: 'failed', current: 0 })), 'Failed: step 1, Freeze the leader.');
  });
});

describe('scenario narration: what a screen reader hears', () => {
  it('says each explain and problem once, when it first appears', () => {
    const before = runOf([step({ state: 'waiting' }), step()]);
    const explained = runOf([step({ state: 'done', explain: 'n_2 woke 3 ms after n_1’s znode went.' }), step({ state: 'ready' })], { version: 2 });
    assert.deepEqual(newNarration(before, explained), ['n_2 woke 3 ms after n_1’s znode went.']);
    const again = { ...explained, version: 3 };
    assert.deepEqual(newNarration(explained, again), []);
    const missed = runOf([explained.steps[0]!, step({ state: 'missed', problem: 'No new leader within 5.0 s.' })], { status: 'missed', version: 4 });
    assert.deepEqual(newNarration(again, missed), ['No new leader within 5.0 s.']);
  });

  it('says a new run’s texts even when the same as the last run’s', () => {
    const first = runOf([step({ state: 'done', explain: 'same words' })], { status: 'done' });
    const second = runOf([step({ state: 'done', explain: 'same words' })], { run: 2 });
    assert.deepEqual(newNarration(first, second), ['same words']);
  });

  it('says nothing when the run goes away', () => {
    assert.deepEqual(newNarration(runOf([step({ explain: 'x' })]), null), []);
  });
});

describe('scenario narration: which run, who drives, when', () => {
  it('keeps the later run, then the later version', () => {
    const a = runOf([], { run: 1, version: 9 });
    const b = runOf([], { run: 2, version: 1 });
    assert.equal(newerRun(a, b), b);
    assert.equal(newerRun(b, a), b);
    const b2 = { ...b, version: 2 };
    assert.equal(newerRun(b2, b), b2);
    assert.equal(newerRun(b, b2), b2);
    assert.equal(newerRun(null, a), a);
    assert.equal(newerRun(a, null), a);
    assert.equal(newerRun(null, null), null);
  });

  it('shows a run found already running, or started here; files away one that ended before the page came', () => {
    assert.equal(narrationOnFirstSight(runOf([]), false), true);
    assert.equal(narrationOnFirstSight(runOf([], { status: 'done' }), false), false);
    assert.equal(narrationOnFirstSight(runOf([], { status: 'failed' }), true), true);
  });

  it('lets anyone drive without presenter mode, and only a page with an unrefused token with it', () => {
    assert.equal(canDriveScenarios({ needed: false, hasToken: false, rejected: false }), true);
    assert.equal(canDriveScenarios({ needed: true, hasToken: false, rejected: false }), false);
    assert.equal(canDriveScenarios({ needed: true, hasToken: true, rejected: true }), false);
    assert.equal(canDriveScenarios({ needed: true, hasToken: true, rejected: false }), true);
  });

  it('moves a gateway deadline onto the page clock', () => {
    assert.equal(onPageClock(10_000, { offsetMs: 250 }), 9_750);
    assert.equal(onPageClock(10_000, null), 10_000);
  });

  it('names every state in words, and which are up', () => {
    assert.equal(stepStateWords(step({ state: 'missed' }), true), 'missed');
    assert.equal(stepStateWords(step({ state: 'ready' }), false), 'up next');
    assert.equal(stepStateWords(step({ state: 'waiting' }), true), 'stopped here');
    assert.deepEqual(
      (['pending', 'ready', 'acting', 'waiting', 'done', 'missed', 'failed'] as const).filter((s) => stepIsUp(step({ state: s }))),
      ['ready', 'acting', 'waiting'],
    );
  });
});

describe('scenario list: when to read it again', () => {
  const view = (over: Partial<ClusterView> = {}): ClusterView => ({
    status: 'ok',
    slots: [],
    leader: 'L',
    fencingToken: 1,
    electionIncarnation: null,
    leaderAddress: null,
    nodes: [],
    stale: false,
    leaderlessSince: null,
    lastFailover: null,
    updatedAt: 1,
    seq: 1,
    ...over,
  });

  it('changes with what availability depends on, and not with every snapshot', () => {
    const base = availabilityKey(view(), null);
    assert.equal(availabilityKey(view({ seq: 2, updatedAt: 9 }), null), base, 'a newer snapshot of the same cluster');
    assert.notEqual(availabilityKey(view({ status: 'leaderless', leader: null }), null), base, 'the leader went');
    assert.equal(availabilityKey(view({ leader: 'M' }), null), base, 'another leader: still a leader');
    const three = [{}, {}, {}] as unknown as ClusterView['nodes'];
    assert.notEqual(availabilityKey(view({ nodes: three }), null), base, 'a node more');
    const zk = { quorum: { size: 3, up: 3, holds: true } } as unknown as ZooKeeperView;
    assert.notEqual(availabilityKey(view(), zk), base, 'the ensemble’s size known');
    const oneDown = { quorum: { size: 3, up: 2, holds: true } } as unknown as ZooKeeperView;
    assert.notEqual(availabilityKey(view(), oneDown), availabilityKey(view(), zk), 'a server down');
    assert.equal(availabilityKey(null, null), '');
  });
});
