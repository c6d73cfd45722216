/**
 * The guided scenarios in Chromium on a real supervised cluster of 8 nodes, in presenter mode:
 * the presenter runs each scenario from the Scenarios panel step by step, a second viewer without
 * the token follows the same narration live and has no buttons. Every step must end `done`, and
 * what it narrates is checked against the gateway's own record of the cluster (table, failovers,
 * timeline), so a narration that claims an event the cluster did not have fails here.
 *
 * The scenarios leave the cluster as they found it (8 running nodes), so they share one cluster.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseElectionZnode, type ClusterEvent, type ClusterView, type FailoverRecord, type ScenarioList } from '@zkviz/shared';
import { fetchJson } from '../helpers/index.js';
import { readmeScreenshot, tableWithLeader, useClusterInChromium } from './browser.js';

const NODES = 8;
const TOKEN = 'e2e-presenter-token';
const e2e = useClusterInChromium({
  nodes: NODES,
  supervised: true,
  sessionTimeoutMs: 2000,
  zookeeper: { tickTime: 100 },
  gatewayEnv: { CONTROL_TOKEN: TOKEN },
  readyTimeoutMs: 60_000,
});
const STEP_TIMEOUT = { timeout: 90_000 };
let follower: Page;

const sequenceOf = (znode: string) => parseElectionZnode(znode)!.sequence;
const api = async <T>(path: string): Promise<T> => (await fetchJson<T>(`${e2e.cluster.url!}${path}`)).body;
const cluster = () => api<ClusterView>('/api/cluster');
const failovers = async () => (await api<{ failovers: FailoverRecord[] }>('/api/failovers')).failovers;
const events = async () => (await api<{ events: ClusterEvent[] }>('/api/events')).events;

function step(page: Page, index: number) {
  return page.locator(`[data-testid="scenario-step"][data-index="${index}"]`);
}

/** Clicks the presenter's button when the step is up, and waits until it is done; returns its explanation. */
async function runStep(index: number): Promise<string> {
  const page = e2e.page;
  const here = step(page, index);
  await page
    .locator(`[data-testid="scenario-step"][data-index="${index}"]:is([data-state="ready"],[data-state="waiting"],[data-state="done"])`)
    .waitFor(STEP_TIMEOUT);
  if ((await here.getAttribute('data-state')) === 'ready') await page.locator('[data-testid="scenario-next"]').click();
  await page
    .locator(`[data-testid="scenario-step"][data-index="${index}"]:is([data-state="done"],[data-state="missed"],[data-state="failed"])`)
    .waitFor(STEP_TIMEOUT);
  const state = await here.getAttribute('data-state');
  if (state !== 'done') assert.fail(`step ${index + 1} ${state}: ${await here.locator('[data-testid="scenario-step-problem"]').textContent()}`);
  const explain = here.locator('[data-testid="scenario-step-explain"]');
  return (await explain.count()) ? ((await explain.textContent()) ?? '') : '';
}

/** The presenter's token on a request of our own. */
const asPresenter = { 'content-type': 'application/json', 'x-zkviz-control-token': TOKEN };

/**
 * Every scenario leaves the cluster as it found it; should one fail half-way, the next one still
 * starts from 8 running nodes: stop the run, restart what is down.
 */
async function startScenario(id: string): Promise<void> {
  const page = e2e.page;
  const { run } = await api<ScenarioList>('/api/scenarios');
  if (run?.status === 'running') await fetch(`${e2e.cluster.url!}/api/scenarios/current/stop`, { method: 'POST', headers: asPresenter, body: '{}' });
  for (const slot of (await cluster()).slots.filter((s) => s.state === 'crashed' || s.state === 'stopped')) {
    await fetch(`${e2e.cluster.url!}/api/slots/${slot.slot}/restart`, { method: 'POST', headers: asPresenter, body: '{}' });
  }
  await tableWithLeader(page, NODES, { allRunning: true });
  const back = page.locator('[data-testid="scenario-back"]');
  if (await back.count()) await back.click();
  await page.locator(`[data-testid="scenario-run-${id}"]:not([disabled])`).click();
  await page.locator(`[data-testid="scenario-status"][data-status="running"]`).waitFor(STEP_TIMEOUT);
}

async function endOf(id: string): Promise<void> {
  await e2e.page.locator('[data-testid="scenario-status"][data-status="done"]').waitFor(STEP_TIMEOUT);
  const { run } = await api<ScenarioList>('/api/scenarios');
  assert.equal(run?.id, id);
  assert.equal(run?.status, 'done');
}

describe('guided scenarios in Chromium (presenter mode, 8 nodes)', () => {
  before(async () => {
    const page = e2e.page;
    await page.goto(e2e.cluster.url!);
    await page.locator('[data-testid="control-token-input"]').fill(TOKEN);
    await page.locator('[data-testid="control-token-save"]').click();
    await tableWithLeader(page, NODES, { allRunning: true });
    follower = await e2e.freshPage();
    await follower.goto(e2e.cluster.url!);
  });

  test('GET /api/scenarios lists the six, the ensemble one unavailable here with why; running one needs the token', async () => {
    const { scenarios } = await api<ScenarioList>('/api/scenarios');
    const byId = new Map(scenarios.map((s) => [s.id, s]));
    for (const id of ['leader-crash', 'graceful-handover', 'zombie-leader', 'worker-cut-off', 'herd-effect']) {
      assert.equal(byId.get(id)?.available, true, `${id}: ${byId.get(id)?.why ?? 'not listed'}`);
    }
    assert.equal(byId.get('quorum-loss')?.available, false);
    assert.match(byId.get('quorum-loss')!.why!, /ensemble of 3/);
    const res = await fetch(`${e2e.cluster.url!}/api/scenarios/leader-crash/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'control_token_required');
    await follower.locator('[data-testid="scenario-leader-crash"]').waitFor(STEP_TIMEOUT);
    assert.equal(await follower.locator('[data-testid^="scenario-run-"]:not([disabled])').count(), 0, 'a follower cannot start one');
  });

  test('the leader crashes: a ghost until the session expires, then only its successor wakes', async () => {
    await startScenario('leader-crash');
    await runStep(0);
    const before = await cluster();
    const successor = before.nodes.find((n) => n.watching === before.leader)!.id;
    await runStep(1);
    // The narration's ghost is ZooKeeper's: the old leader's row, no connection, session held.
    const ghost = (await cluster()).nodes.find((n) => n.id === before.leader);
    assert.ok(!ghost || ghost.liveness === 'ghost' || (await failovers())[0]?.from === before.leader, 'the crashed leader was a ghost (or already expired)');
    const explained = await runStep(2);
    const [failover] = await failovers();
    assert.equal(failover!.from, before.leader);
    assert.equal(failover!.to, successor, 'its successor took over');
    assert.equal(failover!.mode, 'crash');
    assert.equal(failover!.notified, 1, `only the successor woke (failover: ${JSON.stringify(failover)})`);
    assert.match(explained, /Nodes woken by the election: 1;/);
    // The follower, without the token, read the same narration live.
    await follower.locator('[data-testid="scenario-following"]').waitFor(STEP_TIMEOUT);
    await follower.locator('[data-testid="scenario-step"][data-index="2"][data-state="done"]').waitFor(STEP_TIMEOUT);
    assert.equal(await follower.locator('[data-testid="scenario-step"][data-index="2"] [data-testid="scenario-step-explain"]').textContent(), explained);
    assert.equal(await follower.locator('[data-testid="scenario-next"]').count(), 0, 'a follower has no Next');
    await runStep(3);
    await endOf('leader-crash');
    await readmeScreenshot(e2e.page, 'scenario');
  });

  test('a graceful hand-over: no ghost, the successor leads in milliseconds', async () => {
    await startScenario('graceful-handover');
    await runStep(0);
    const before = await cluster();
    await runStep(1);
    const [failover] = await failovers();
    assert.equal(failover!.from, before.leader);
    assert.equal(failover!.mode, 'graceful');
    const phases = failover!.phases.map((p) => p.name);
    assert.ok(phases.includes('session-closed') || phases.includes('znode-deleted'), phases.join());
    assert.ok(!phases.includes('session-expired'), 'a graceful stop does not wait for an expiry');
    await runStep(2);
    await endOf('graceful-handover');
  });

  test('the zombie leader: frozen past its session, the cluster moves on; it wakes and stands down', async () => {
    await startScenario('zombie-leader');
    await runStep(0);
    const before = await cluster();
    const zombie = before.leader!;
    const slot = before.nodes.find((n) => n.id === zombie)!.slot!;
    await runStep(1);
    const [failover] = await failovers();
    assert.equal(failover!.from, zombie, 'the cluster moved on from the frozen leader');
    const token = sequenceOf(failover!.to);
    assert.ok(token > sequenceOf(zombie), 'with a higher fencing token');
    await runStep(2);
    assert.ok((await events()).some((e) => e.kind === 'node-resumed' && e.nodeId === zombie));
    const explained = await runStep(3);
    const rejoined = (await cluster()).slots.find((s) => s.slot === slot)!.znode!;
    assert.notEqual(rejoined, zombie, 'it came back with a new znode');
    assert.ok(sequenceOf(rejoined) > token, 'at the back of the queue');
    assert.match(explained, new RegExp(`lower than the current leader's ${token}`));
    await endOf('zombie-leader');
  });

  test('a worker cut off: shorter than its session nothing happens; longer, it loses its znode and rejoins', async () => {
    await startScenario('worker-cut-off');
    await runStep(0);
    const before = await cluster();
    const last = [...before.nodes].sort((a, b) => b.sequence - a.sequence)[0]!;
    await runStep(1);
    const short = await cluster();
    assert.ok(
      short.nodes.some((n) => n.id === last.id),
      'the short cut kept its znode',
    );
    await runStep(2);
    assert.ok((await events()).some((e) => e.kind === 'node-left' && e.nodeId === last.id));
    await runStep(3);
    const now = await cluster();
    assert.ok(!now.nodes.some((n) => n.id === last.id));
    assert.ok(
      now.nodes.some((n) => n.slot === last.slot && n.id !== last.id),
      'its slot rejoined with a new znode',
    );
    await endOf('worker-cut-off');
  });

  test('the herd effect with 8 nodes: predecessor wakes 1 per failover, herd wakes 7', async () => {
    await startScenario('herd-effect');
    await runStep(0);
    const explained = await runStep(1);
    const [predecessor] = await failovers();
    assert.equal(predecessor!.recipe, 'predecessor');
    assert.equal(predecessor!.notified, 1);
    assert.match(explained, /Under predecessor: 1 node woke/);
    await runStep(2);
    await runStep(3);
    const herdExplained = await runStep(4);
    const [herd] = await failovers();
    assert.equal(herd!.recipe, 'herd');
    assert.equal(herd!.notified, NODES - 1, 'every other node woke');
    assert.match(herdExplained, new RegExp(`Under herd: ${NODES - 1} nodes woke for the same failover \\(predecessor: 1\\)`));
    await readmeScreenshot(e2e.page, 'scenario-herd');
    await runStep(5);
    await runStep(6);
    await endOf('herd-effect');
    assert.equal((await cluster()).recipe, 'predecessor');
  });
});
