/**
 * The herd effect on the page, in Chromium, on a real cluster: a crash under `predecessor` shows
 * 1 node woken; the switch to `herd` from the page's control; a crash then shows every other node
 * woken, side by side with the predecessor's numbers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readmeScreenshot, tableWithLeader, useClusterInChromium } from './browser.js';

const WAIT = { timeout: 30_000 };
const e2e = useClusterInChromium({ nodes: 5, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });
const leaderRow = () => e2e.page.locator('[data-testid="node-row"][data-role="leader"]');
const cell = (row: string, recipe: string, value: number) => e2e.page.locator(`[data-testid="compare-${row}"] td[data-recipe="${recipe}"][data-value="${value}"]`);

describe('the election recipe panel in Chromium', () => {
  test('predecessor: a leader crash wakes one node, shown in the comparison', async () => {
    await e2e.page.goto(e2e.cluster.url!);
    const leader = await tableWithLeader(e2e.page, 5);
    await e2e.page.locator('[data-testid="recipe-panel"][data-recipe="predecessor"]').waitFor(WAIT);
    assert.equal(await e2e.page.locator('[data-testid="recipe-predecessor"]').isDisabled(), true, 'the recipe it runs is not offered');
    await leaderRow().locator('[data-testid="kill-crash"]').click();
    await tableWithLeader(e2e.page, 4, { notLeader: leader });
    await cell('notified', 'predecessor', 1).waitFor(WAIT);
  });

  test('the switch to herd from the page; a crash then wakes all 3 others', async () => {
    await e2e.page.locator('[data-testid="recipe-herd"]').click();
    await e2e.page.locator('[data-testid="recipe-panel"][data-recipe="herd"]').waitFor(WAIT);
    const leader = await tableWithLeader(e2e.page, 4);
    await leaderRow().locator('[data-testid="kill-crash"]').click();
    await tableWithLeader(e2e.page, 3, { notLeader: leader });
    await cell('notified', 'herd', 3).waitFor(WAIT);
    // The predecessor's column is still there beside it.
    assert.equal(await cell('notified', 'predecessor', 1).count(), 1);
    await readmeScreenshot(e2e.page, 'herd');
  });
});
