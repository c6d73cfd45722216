/**
 * End to end: the fault actions from the page, in headless Chromium, on local mode with every node
 * in a supervised slot. A newcomer's path: freeze the leader and see it frozen with the time left,
 * watch it come back as a worker; crash a node, see its slot as a down row, restart it from there;
 * add a node; stop and start ZooKeeper.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startLocalCluster, type LocalCluster } from '../helpers/index.js';

const WAIT = { timeout: 30_000 };

let cluster: LocalCluster;
let browser: Browser;
let page: Page;

before(async () => {
  cluster = await startLocalCluster({ nodes: 3, supervised: true, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 }, readyTimeoutMs: 60_000 });
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await cluster?.stop();
});

/** `count` node rows in running slots, exactly one leader; returns the leader's slot. */
async function settledTable(count: number): Promise<string> {
  await page.waitForFunction(
    (count) => {
      const all = Array.from(document.querySelectorAll('[data-testid="node-row"]'));
      const leaders = all.filter((tr) => tr.getAttribute('data-role') === 'leader');
      return (
        all.length === count &&
        leaders.length === 1 &&
        all.every((tr) => tr.getAttribute('data-slot-state') === 'running' && tr.getAttribute('data-role') !== 'candidate') &&
        document.querySelectorAll('[data-testid="slot-row"]').length === 0
      );
    },
    count,
    WAIT,
  );
  return (await page.locator('[data-testid="node-row"][data-role="leader"]').getAttribute('data-slot'))!;
}

const row = (slot: string) => page.locator(`[data-testid="node-row"][data-slot="${slot}"]`);

describe('fault actions from the page', () => {
  test('freeze the leader for 5 s: its row says frozen with the time left, another leads, it comes back a worker', async () => {
    await page.goto(cluster.url!);
    const slot = await settledTable(3);
    const menu = row(slot).locator('[data-testid="actions-menu"]');
    // Esc closes an open menu (the shortcut table's "close")
    await menu.locator('summary').click();
    assert.equal(await menu.evaluate((d) => (d as HTMLDetailsElement).open), true);
    await page.keyboard.press('Escape');
    await page.waitForFunction((el) => !(el as HTMLDetailsElement).open, await menu.elementHandle(), WAIT);
    await menu.locator('summary').click();
    await row(slot).locator('[data-testid="action-freeze-5000"]').click();
    await row(slot).locator('[data-testid="slot-status"][data-state="frozen"]').waitFor(WAIT);
    assert.match((await row(slot).locator('[data-testid="slot-status"]').textContent()) ?? '', /frozen.*left/);
    await page.waitForFunction(
      (slot) =>
        document.querySelector('[data-testid="node-row"][data-role="leader"]')?.getAttribute('data-slot') !== slot &&
        !!document.querySelector('[data-testid="node-row"][data-role="leader"]'),
      slot,
      WAIT,
    );
    await settledTable(3);
    assert.equal(await row(slot).getAttribute('data-role'), 'worker', 'the thawed leader came back as a worker');
    await page.locator('[data-testid="event-timeline"] .ev-node-resumed').first().waitFor(WAIT);
  });

  test('crash a worker: its slot stays as a down row; Restart brings a node back in that slot', async () => {
    await settledTable(3);
    const worker = page.locator('[data-testid="node-row"][data-role="worker"]').first();
    const slot = (await worker.getAttribute('data-slot'))!;
    await worker.locator('[data-testid="kill-crash"]').click();
    const down = page.locator(`[data-testid="slot-row"][data-slot="${slot}"][data-state="crashed"]`);
    await down.waitFor(WAIT);
    assert.match((await down.textContent()) ?? '', /crashed .* ago/);
    await down.locator('[data-testid="slot-restart"]').click();
    await settledTable(3);
    assert.equal(await row(slot).count(), 1, 'the slot has a node row again');
  });

  test('Add node: a fourth row joins', async () => {
    await page.locator('[data-testid="add-node"]').click();
    await settledTable(4);
  });

  test('Stop and start ZooKeeper from the page: leaderless while it is down, one leader after', async () => {
    await page.locator('[data-testid="zookeeper-stop"]').click();
    await page.locator('[data-testid="toolbar-outcome"]', { hasText: 'ZooKeeper stopped' }).waitFor(WAIT);
    await page.locator('[data-testid="zookeeper-start"]').click();
    await page.locator('[data-testid="toolbar-outcome"]', { hasText: 'ZooKeeper started' }).waitFor(WAIT);
    await settledTable(4);
    await page.locator('[data-testid="event-timeline"] .ev-zookeeper-stopped').first().waitFor(WAIT);
  });
});
