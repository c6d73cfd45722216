/**
 * End to end: the chain graph and the failover timeline in headless Chromium on a real cluster
 * (real ZooKeeper, node processes, gateway). The graph has a mark per node and its arrows are the
 * watches the nodes hold; a graceful and a crash kill of the leader each become a timeline whose
 * phases come in causal order, stamped by the processes that saw them.
 *
 * ZKVIZ_RECORD_FAILOVERS=<file> writes GET /api/failovers after the two kills to <file> (how
 * frontend/test/web/fixtures/failovers.json was recorded).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { useClusterInChromium } from './browser.js';
import { ELECTION_PATH, type FailoverRecord, type ZooKeeperView } from '@zkviz/shared';
import { fetchJson, waitUntil } from '../helpers/index.js';

const WAIT = { timeout: 20_000 };

const e2e = useClusterInChromium({ nodes: 4, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });

/** Waits for `count` marks with exactly one leader (not `notLeader`) and a settled chain of arrows; returns the leader. */
async function settledGraph(count: number, notLeader?: string): Promise<string> {
  await e2e.page.waitForFunction(
    ({ count, notLeader }) => {
      const marks = Array.from(document.querySelectorAll('[data-testid="chain-mark"]'));
      const leaders = marks.filter((m) => m.getAttribute('data-role') === 'leader');
      const arrows = document.querySelectorAll('[data-testid="watch-arrow"]');
      const workers = marks.filter((m) => m.getAttribute('data-role') === 'worker');
      return (
        marks.length === count &&
        leaders.length === 1 &&
        leaders[0]!.getAttribute('data-node-id') !== notLeader &&
        workers.length === count - 1 &&
        arrows.length === count - 1
      );
    },
    { count, notLeader: notLeader ?? null },
    WAIT,
  );
  return (await e2e.page.locator('[data-testid="chain-mark"][data-role="leader"]').getAttribute('data-node-id'))!;
}

/** The phases the page lists for the failover to `to`, once it shows `mustHave`. */
async function timelineFor(to: string, kind: string, mustHave: string[]): Promise<{ name: string; by: string; at: number }[]> {
  await e2e.page.waitForFunction(
    ({ to, kind, mustHave }) => {
      const t = document.querySelector(`[data-testid="failover-timeline"][data-kind="${kind}"]`);
      if (!t || !t.textContent?.includes(to.slice(to.lastIndexOf('-n_') + 1))) return false;
      const names = Array.from(t.querySelectorAll('[data-testid="timeline-phase"]')).map((li) => li.getAttribute('data-name'));
      return mustHave.every((n) => names.includes(n));
    },
    { to, kind, mustHave },
    WAIT,
  );
  return e2e.page
    .locator('[data-testid="timeline-phase"]')
    .evaluateAll((lis) => lis.map((li) => ({ name: li.getAttribute('data-name')!, by: li.getAttribute('data-by')!, at: Number(li.getAttribute('data-at')) })));
}

/**
 * The drawn arrows are ZooKeeper's own watch list: every data watch a node's session holds on an
 * election znode (`wchc`, GET /api/zookeeper), owner → watched znode, each drawn as held. The
 * gateway's session watches the leader's znode too (for the timeline): it is no node, no arrow.
 */
async function assertArrowsAreZooKeepersWatches(): Promise<void> {
  const prefix = `${ELECTION_PATH}/`;
  let last = '';
  await waitUntil(
    async () => {
      const zk = (await fetchJson<ZooKeeperView>(new URL('/api/zookeeper', e2e.cluster.url!).href)).body;
      assert.ok(zk.source.includes('wchc'), 'ZooKeeper answered wchc');
      const held = zk.sessions
        .filter((s) => s.owner !== null && s.owner !== 'gateway')
        .flatMap((s) => s.watches.filter((w) => w.startsWith(prefix)).map((w) => `${s.owner}>${w.slice(prefix.length)}:confirmed`))
        .sort();
      const drawn = (
        await e2e.page
          .locator('[data-testid="watch-arrow"]')
          .evaluateAll((ps) => ps.map((p) => `${p.getAttribute('data-from')}>${p.getAttribute('data-to')}:${p.getAttribute('data-kind')}`))
      ).sort();
      last = `drawn ${drawn.join(' ')}; ZooKeeper holds ${held.join(' ')}`;
      return held.length > 0 && drawn.join(' ') === held.join(' ');
    },
    { timeoutMs: WAIT.timeout, description: 'the arrows to match ZooKeeper’s watches' },
  ).catch((err: Error) => assert.fail(`${err.message} (${last})`));
  assert.equal(await e2e.page.locator('[data-testid="watch-mismatch"]').count(), 0, 'no mismatch marked where every claim is held');
}

function assertCausalOrder(phases: { name: string; at: number }[], chain: string[]): void {
  const at = new Map(phases.map((p) => [p.name, p.at]));
  for (let i = 1; i < chain.length; i++) {
    assert.ok(at.get(chain[i - 1]!)! <= at.get(chain[i]!)!, `${chain[i - 1]} (${at.get(chain[i - 1]!)}) before ${chain[i]} (${at.get(chain[i]!)})`);
  }
  const listed = phases.map((p) => p.at);
  assert.deepEqual(
    listed,
    [...listed].sort((a, b) => a - b),
    'listed in time order',
  );
}

const CAUSAL = ['kill-requested', 'successor-notified', 'registry-updated', 'successor-acting', 'gateway-switched', 'page-painted'];

describe('chain graph and failover timeline in Chromium', () => {
  test('one mark per node; each worker’s arrow points at the znode it watches', async () => {
    await e2e.page.goto(e2e.cluster.url!);
    await settledGraph(4);
    const rows = await e2e.page.locator('[data-testid="node-row"]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-node-id')));
    const marks = await e2e.page.locator('[data-testid="chain-mark"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node-id')));
    assert.deepEqual(marks, rows, 'the same znodes, in the same (sequence) order');
    const arrows = await e2e.page
      .locator('[data-testid="watch-arrow"]')
      .evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-from'), p.getAttribute('data-to')]));
    const view = (await fetchJson<{ nodes: { id: string; watching: string | null }[] }>(new URL('/api/cluster', e2e.cluster.url!).href)).body;
    const expected = view.nodes.filter((n) => n.watching).map((n) => [n.id, n.watching]);
    assert.deepEqual(arrows, expected, 'one arrow per watch the nodes hold');
    assert.deepEqual(
      arrows.map(([, to]) => to),
      marks.slice(0, -1),
      'a settled chain: each node watches the one before it',
    );
    await assertArrowsAreZooKeepersWatches();
  });

  test('graceful kill from the graph (keyboard): the timeline shows the phases in order', async () => {
    const leader = await settledGraph(4);
    const mark = e2e.page.locator(`[data-testid="chain-mark"][data-node-id="${leader}"]`);
    await mark.focus();
    await e2e.page.keyboard.press('Enter');
    await e2e.page.locator('[data-testid="chain-menu"] [data-testid="kill-graceful"]').click();
    const successor = await settledGraph(3, leader);
    const phases = await timelineFor(successor, 'graceful', [...CAUSAL, 'znode-deleted', 'session-closed']);
    assertCausalOrder(phases, CAUSAL);
    // The node deletes its znode, then closes its session; ZooKeeper notifies the gateway's one session in that (zxid) order.
    assertCausalOrder(phases, ['kill-requested', 'znode-deleted', 'session-closed']);
    assert.equal(phases[0]!.name, 'kill-requested');
    assert.ok(!phases.some((p) => p.name === 'session-expired'), 'a graceful stop leaves no session to expire');
    assert.equal(await e2e.page.locator('[data-testid="session-wait"]').count(), 0, 'no wait band');
    assert.equal(phases.find((p) => p.name === 'successor-acting')!.by, 'successor');
    assert.equal(phases.find((p) => p.name === 'page-painted')!.by, 'page');
    await assertArrowsAreZooKeepersWatches();
  });

  test('crash kill: process exit, then the long wait for the session, then the successor', async () => {
    const leader = await settledGraph(3);
    await e2e.page.locator('[data-testid="node-row"][data-role="leader"] [data-testid="kill-crash"]').click();
    const successor = await settledGraph(2, leader);
    const phases = await timelineFor(successor, 'crash', [...CAUSAL, 'process-exited', 'znode-deleted', 'session-expired']);
    assertCausalOrder(phases, CAUSAL);
    assert.ok(!phases.some((p) => p.name === 'session-closed'), 'a crash closes no session: it expires');
    assert.equal(phases.find((p) => p.name === 'session-expired')!.by, 'zookeeper');
    assertCausalOrder(phases, ['kill-requested', 'process-exited', 'successor-notified']);
    await e2e.page.locator('[data-testid="session-wait"]').waitFor(WAIT);

    const { status, body } = await fetchJson<{ failovers: FailoverRecord[] }>(new URL('/api/failovers', e2e.cluster.url!).href);
    assert.equal(status, 200);
    assert.deepEqual(
      body.failovers.slice(0, 2).map((f) => [f.to, f.mode]),
      [
        [successor, 'crash'],
        [leader, 'graceful'],
      ],
      'newest first, both kills',
    );
    if (process.env.ZKVIZ_RECORD_FAILOVERS) writeFileSync(process.env.ZKVIZ_RECORD_FAILOVERS, JSON.stringify(body, null, 2) + '\n');
  });
});
