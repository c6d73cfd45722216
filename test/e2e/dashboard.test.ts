/**
 * End to end: local mode (real ZooKeeper, real node processes, the gateway) and the page in a real
 * headless Chromium. A learner's path: see the table, kill the leader, watch the re-election.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableWithLeader as settledTable, useClusterInChromium } from './browser.js';
import { startGateway, type ManagedProcess } from '../helpers/index.js';

const WAIT = { timeout: 20_000 };

/** A gateway started by a test to replace the cluster's own; registered first, so stopped first. */
let replacement: ManagedProcess | null = null;
after(async () => {
  await replacement?.stop();
});
const e2e = useClusterInChromium({ nodes: 4, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });

const rows = () => e2e.page.locator('[data-testid="node-row"]');
const leaderRow = () => e2e.page.locator('[data-testid="node-row"][data-role="leader"]');
const tableWithLeader = (count: number, notLeader?: string) => settledTable(e2e.page, count, { notLeader });

describe('dashboard in Chromium', () => {
  test('shows one row per node and exactly one leader', async () => {
    await e2e.page.goto(e2e.cluster.url!);
    const leader = await tableWithLeader(4);
    assert.match(leader, /^[0-9a-f]{32}-n_\d{10}$/);
    assert.equal(await rows().count(), 4);
    // The leader's row names no predecessor; every worker row names one.
    const watching = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-role')));
    assert.deepEqual(
      watching.filter((r) => r === 'leader'),
      ['leader'],
    );
  });

  test('Kill on the leader row shows the re-election state, then a new leader row', async () => {
    const oldLeader = await tableWithLeader(4);
    await leaderRow().locator('[data-testid="kill-crash"]').click();
    // A crashed leader's znode stays until its session expires: the page says so meanwhile.
    await e2e.page.locator('[data-testid="leaderless-banner"]').waitFor({ state: 'visible', ...WAIT });
    const newLeader = await tableWithLeader(3, oldLeader);
    assert.notEqual(newLeader, oldLeader);
    await e2e.page.locator('[data-testid="failover-notice"]').waitFor({ state: 'visible', ...WAIT });
    assert.equal(await e2e.page.locator('[data-testid="leaderless-banner"]').count(), 0, 'banner gone once a leader is back');
  });

  test('graceful kill of the leader fails over to the next node', async () => {
    const oldLeader = await tableWithLeader(3);
    await leaderRow().locator('[data-testid="kill-graceful"]').click();
    const newLeader = await tableWithLeader(2, oldLeader);
    assert.notEqual(newLeader, oldLeader);
  });

  test('a node started later appears as a new worker row at the end', async () => {
    const leader = await tableWithLeader(2);
    const node = await e2e.cluster.addNode();
    await tableWithLeader(3);
    // The new row is first a 'candidate' (election znode, no registry entry yet): a real, brief
    // state the page shows. Wait for it to register as a worker, at the end of the table.
    await e2e.page.locator('[data-testid="node-row"]:last-child[data-role="worker"]').waitFor(WAIT);
    assert.equal(await leaderRow().getAttribute('data-node-id'), leader, 'joining does not disturb the leader');
    assert.equal(await rows().count(), 3);
    assert.ok(node.running);
  });

  test('the page reconnects by itself when the gateway restarts', async () => {
    const leader = await tableWithLeader(3);
    const link = e2e.page.locator('[data-testid="gateway-link"]');
    await e2e.cluster.gateway!.stop();
    await e2e.page.locator('[data-testid="gateway-link"][data-link="reconnecting"]').waitFor(WAIT);
    replacement = await startGateway({ zkConnect: e2e.cluster.zkConnect, port: e2e.cluster.gateway!.port, clusterToken: e2e.cluster.clusterToken });
    await e2e.page.locator('[data-testid="gateway-link"][data-link="live"]').waitFor(WAIT);
    assert.equal(await tableWithLeader(3), leader, 'same leader, same table, without a reload');
    assert.equal(await link.getAttribute('data-link'), 'live');
  });
});
