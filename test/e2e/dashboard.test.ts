/**
 * End to end: local mode (real ZooKeeper, real node processes, the gateway) and the page in a real
 * headless Chromium. A learner's path: see the table, kill the leader, watch the re-election.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startGateway, startLocalCluster, type LocalCluster, type ManagedProcess } from '../helpers/index.js';

const WAIT = { timeout: 20_000 };

let cluster: LocalCluster;
let browser: Browser;
let page: Page;
/** A gateway started by a test to replace the cluster's own. */
let replacement: ManagedProcess | null = null;

before(async () => {
  cluster = await startLocalCluster({ nodes: 4, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await replacement?.stop();
  await browser?.close();
  await cluster?.stop();
});

const rows = () => page.locator('[data-testid="node-row"]');
const leaderRow = () => page.locator('[data-testid="node-row"][data-role="leader"]');

/** Waits until the table shows `count` rows, exactly one of them the leader, and returns its id. */
async function tableWithLeader(count: number, notLeader?: string): Promise<string> {
  await page.waitForFunction(
    ({ count, notLeader }) => {
      const all = document.querySelectorAll('[data-testid="node-row"]');
      const leaders = document.querySelectorAll('[data-testid="node-row"][data-role="leader"]');
      return all.length === count && leaders.length === 1 && leaders[0]!.getAttribute('data-node-id') !== notLeader;
    },
    { count, notLeader: notLeader ?? null },
    WAIT,
  );
  return (await leaderRow().getAttribute('data-node-id'))!;
}

describe('dashboard in Chromium', () => {
  test('shows one row per node and exactly one leader', async () => {
    await page.goto(cluster.url!);
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
    await page.locator('[data-testid="leaderless-banner"]').waitFor({ state: 'visible', ...WAIT });
    const newLeader = await tableWithLeader(3, oldLeader);
    assert.notEqual(newLeader, oldLeader);
    await page.locator('[data-testid="failover-notice"]').waitFor({ state: 'visible', ...WAIT });
    assert.equal(await page.locator('[data-testid="leaderless-banner"]').count(), 0, 'banner gone once a leader is back');
  });

  test('graceful kill of the leader fails over to the next node', async () => {
    const oldLeader = await tableWithLeader(3);
    await leaderRow().locator('[data-testid="kill-graceful"]').click();
    const newLeader = await tableWithLeader(2, oldLeader);
    assert.notEqual(newLeader, oldLeader);
  });

  test('a node started later appears as a new worker row at the end', async () => {
    const leader = await tableWithLeader(2);
    const node = await cluster.addNode();
    await tableWithLeader(3);
    // The new row is first a 'candidate' (election znode, no registry entry yet): a real, brief
    // state the page shows. Wait for it to register as a worker, at the end of the table.
    await page.locator('[data-testid="node-row"]:last-child[data-role="worker"]').waitFor(WAIT);
    assert.equal(await leaderRow().getAttribute('data-node-id'), leader, 'joining does not disturb the leader');
    assert.equal(await rows().count(), 3);
    assert.ok(node.running);
  });

  test('the page reconnects by itself when the gateway restarts', async () => {
    const leader = await tableWithLeader(3);
    const link = page.locator('[data-testid="gateway-link"]');
    await cluster.gateway!.stop();
    await page.locator('[data-testid="gateway-link"][data-link="reconnecting"]').waitFor(WAIT);
    replacement = await startGateway({ zkConnect: cluster.zkConnect, port: cluster.gateway!.port, clusterToken: cluster.clusterToken });
    await page.locator('[data-testid="gateway-link"][data-link="live"]').waitFor(WAIT);
    assert.equal(await tableWithLeader(3), leader, 'same leader, same table, without a reload');
    assert.equal(await link.getAttribute('data-link'), 'live');
  });
});
