/**
 * End to end: the fault actions from the page, in headless Chromium, on local mode with every node
 * in a supervised slot. A newcomer's path: freeze the leader and see it frozen with the time left,
 * watch it come back as a worker; crash a node, see its slot as a down row, restart it from there;
 * add a node; stop and start ZooKeeper.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableWithLeader, useClusterInChromium } from './browser.js';

const WAIT = { timeout: 30_000 };

const e2e = useClusterInChromium({ nodes: 3, supervised: true, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });

/** `count` node rows in running slots, exactly one leader; returns the leader's slot. */
async function settledTable(count: number): Promise<string> {
  await tableWithLeader(e2e.page, count, { allRunning: true });
  return (await e2e.page.locator('[data-testid="node-row"][data-role="leader"]').getAttribute('data-slot'))!;
}

const row = (slot: string) => e2e.page.locator(`[data-testid="node-row"][data-slot="${slot}"]`);

describe('fault actions from the page', () => {
  test('freeze the leader for 5 s: its row says frozen with the time left, another leads, it comes back a worker', async () => {
    await e2e.page.goto(e2e.cluster.url!);
    const slot = await settledTable(3);
    const menu = row(slot).locator('[data-testid="actions-menu"]');
    // Esc closes an open menu (the shortcut table's "close")
    await menu.locator('summary').click();
    assert.equal(await menu.evaluate((d) => (d as HTMLDetailsElement).open), true);
    await e2e.page.keyboard.press('Escape');
    await e2e.page.waitForFunction((el) => !(el as HTMLDetailsElement).open, await menu.elementHandle(), WAIT);
    await menu.locator('summary').click();
    await row(slot).locator('[data-testid="action-freeze-5000"]').click();
    await row(slot).locator('[data-testid="slot-status"][data-state="frozen"]').waitFor(WAIT);
    assert.match((await row(slot).locator('[data-testid="slot-status"]').textContent()) ?? '', /frozen.*left/);
    await e2e.page.waitForFunction(
      (slot) =>
        document.querySelector('[data-testid="node-row"][data-role="leader"]')?.getAttribute('data-slot') !== slot &&
        !!document.querySelector('[data-testid="node-row"][data-role="leader"]'),
      slot,
      WAIT,
    );
    await settledTable(3);
    assert.equal(await row(slot).getAttribute('data-role'), 'worker', 'the thawed leader came back as a worker');
    await e2e.page.locator('[data-testid="event-timeline"] .ev-node-resumed').first().waitFor(WAIT);
  });

  test('crash a worker: its slot stays as a down row; Restart brings a node back in that slot', async () => {
    await settledTable(3);
    const worker = e2e.page.locator('[data-testid="node-row"][data-role="worker"]').first();
    const slot = (await worker.getAttribute('data-slot'))!;
    await worker.locator('[data-testid="kill-crash"]').click();
    const down = e2e.page.locator(`[data-testid="slot-row"][data-slot="${slot}"][data-state="crashed"]`);
    await down.waitFor(WAIT);
    assert.match((await down.textContent()) ?? '', /crashed .* ago/);
    await down.locator('[data-testid="slot-restart"]').click();
    await settledTable(3);
    assert.equal(await row(slot).count(), 1, 'the slot has a node row again');
  });

  test('Add node: a fourth row joins', async () => {
    await e2e.page.locator('[data-testid="add-node"]').click();
    await settledTable(4);
  });

  test('Stop and start ZooKeeper from the page: leaderless while it is down, one leader after', async () => {
    await e2e.page.locator('[data-testid="zookeeper-stop"]').click();
    await e2e.page.locator('[data-testid="zookeeper-outcome"]', { hasText: 'ZooKeeper stopped' }).waitFor(WAIT);
    await e2e.page.locator('[data-testid="zookeeper-start"]').click();
    await e2e.page.locator('[data-testid="zookeeper-outcome"]', { hasText: 'ZooKeeper started' }).waitFor(WAIT);
    await settledTable(4);
    await e2e.page.locator('[data-testid="event-timeline"] .ev-zookeeper-stopped').first().waitFor(WAIT);
  });
});
