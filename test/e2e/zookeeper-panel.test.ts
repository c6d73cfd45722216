/**
 * End to end: the ZooKeeper panel in a real Chromium against a real ZooKeeper. The panel shows the
 * server's mode; the Watching column shows ZooKeeper's confirmation; a crashed worker's row turns
 * into a ghost that counts down to the server's expiry and disappears when the znode is deleted;
 * a crashed leader's banner names who takes over.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seriousAxeViolations, tableWithLeader, useClusterInChromium } from './browser.js';

const WAIT = { timeout: 30_000 };

// A longer session timeout than the other e2e files: the countdown has time to be read twice.
const e2e = useClusterInChromium({ nodes: 3, sessionTimeoutMs: 4000 });

/** Three rows, one leader, and ZooKeeper confirming both workers' watches. */
async function settled(count: number): Promise<void> {
  await e2e.page.waitForFunction(
    (count) => {
      const rows = document.querySelectorAll('[data-testid="node-row"]');
      const confirmed = document.querySelectorAll('[data-testid="node-row"] [data-testid="watching"][data-confirmed="true"]');
      return rows.length === count && confirmed.length === count - 1 && document.querySelectorAll('[data-liveness="ghost"]').length === 0;
    },
    count,
    WAIT,
  );
}

/** WCAG relative luminance of a computed `rgb(…)`/`rgba(…)` colour. */
function luminance(colour: string): number {
  const [r, g, b] = colour
    .match(/[\d.]+/g)!
    .slice(0, 3)
    .map((c) => Number(c) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('ZooKeeper panel in Chromium', () => {
  test("shows the server's mode and the confirmed watches", async () => {
    await e2e.page.goto(e2e.cluster.url!);
    await e2e.page.locator('[data-testid="zk-server"][data-mode="standalone"]').waitFor(WAIT);
    assert.equal((await e2e.page.locator('[data-testid="zk-mode"]').first().textContent())?.trim(), 'standalone');
    await settled(3);
    const title = await e2e.page.locator('[data-testid="watching"][data-confirmed="true"]').first().getAttribute('title');
    assert.match(title ?? '', /ZooKeeper confirms: session 0x[0-9a-f]+ holds a data watch on \/election\//);
    // The znode tree links an election znode's ephemeralOwner to its session and its row.
    const owner = e2e.page.locator('[data-testid="znode"][data-path^="/election/"] [data-testid="owner-row"]');
    assert.equal(await owner.count(), 3);
  });

  test('at 1280 px the sessions table fits inside its card, and the page does not scroll sideways', async () => {
    const page = await e2e.freshPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(e2e.cluster.url!);
    // Every node's session with its watch: the rows with the longest cells (full znode paths).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="zk-session"][data-owner*="-n_"]').length === 3, undefined, WAIT);
    const table = page.locator('[data-testid="zk-sessions"]');
    // The panel is laid out only near the viewport (content-visibility): measure it there.
    await table.scrollIntoViewIfNeeded();
    const right = (box: { x: number; width: number } | null) => (box ? box.x + box.width : Number.NaN);
    const tableRight = right(await table.boundingBox());
    const cardRight = right(await page.locator('[data-testid="zk-panel"]').boundingBox());
    assert.ok(tableRight <= cardRight, `the sessions table ends at ${tableRight} px, its card at ${cardRight} px`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no horizontal page scroll');
  });

  test('a crashed worker becomes a ghost row counting down, then disappears', async () => {
    await settled(3);
    const worker = e2e.page.locator('[data-testid="node-row"][data-role="worker"]').last();
    const id = (await worker.getAttribute('data-node-id'))!;
    await worker.locator('[data-testid="kill-crash"]').click();
    const ghost = e2e.page.locator(`[data-testid="node-row"][data-node-id="${id}"][data-liveness="ghost"]`);
    await ghost.waitFor(WAIT);
    const countdown = ghost.locator('[data-testid="countdown"]');
    assert.match((await countdown.textContent()) ?? '', /expires in \d/);
    const first = Number(await countdown.getAttribute('data-left-ms'));
    assert.ok(first > 0, 'counting down to a time in the future');
    // It counts: wait for a smaller value (no sleep, the page re-renders every 100 ms).
    await e2e.page.waitForFunction(
      ({ id, first }) => {
        const c = document.querySelector(`[data-node-id="${id}"] [data-testid="countdown"]`);
        return !c || Number(c.getAttribute('data-left-ms')) < first;
      },
      { id, first },
      WAIT,
    );
    // The session list shows it without a connection, with a bar.
    await e2e.page.locator('[data-testid="zk-session"][data-connected="false"] .countdown-bar').waitFor(WAIT);
    // Gone when ZooKeeper deletes the znode.
    await e2e.page.locator(`[data-testid="node-row"][data-node-id="${id}"]`).waitFor({ state: 'detached', ...WAIT });
    await e2e.cluster.addNode();
  });

  test('dark mode: a ghost row, the countdown and the znode data take the dark palette; axe finds nothing serious', async () => {
    await settled(3);
    const page = await e2e.freshPage({ colorScheme: 'dark', bypassCSP: true });
    await page.goto(e2e.cluster.url!);
    await tableWithLeader(page, 3);
    const worker = page.locator('[data-testid="node-row"][data-role="worker"]').last();
    const id = (await worker.getAttribute('data-node-id'))!;
    await worker.locator('[data-testid="kill-crash"]').click();
    await page.locator(`[data-testid="node-row"][data-node-id="${id}"][data-liveness="ghost"]`).waitFor(WAIT);
    await page.locator('[data-testid="zk-session"][data-connected="false"] .countdown-bar').waitFor(WAIT);
    // The light palette's backgrounds have a relative luminance above 0.8, the dark one's below 0.05.
    const backgrounds = await page.evaluate(() => ({
      'ghost row': getComputedStyle(document.querySelector('tr.ghost-row')!).backgroundImage,
      'countdown track': getComputedStyle(document.querySelector('.countdown-bar')!).backgroundColor,
      'znode data': getComputedStyle(document.querySelector('.znode-data')!).backgroundColor,
    }));
    const light = Object.entries(backgrounds).flatMap(([what, value]) => {
      const colours = value.match(/rgba?\([^)]*\)/g) ?? [];
      return colours.length === 0 ? [`${what}: no colour in ${value}`] : colours.filter((c) => luminance(c) >= 0.2).map((c) => `${what}: ${c}`);
    });
    assert.deepEqual(light, [], 'no light background in dark mode');
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe, dark, with a ghost row');
    await page.locator(`[data-testid="node-row"][data-node-id="${id}"]`).waitFor({ state: 'detached', ...WAIT });
    await e2e.cluster.addNode();
  });

  test('a crashed leader: the banner names the node that takes over', async () => {
    await settled(3);
    const leader = e2e.page.locator('[data-testid="node-row"][data-role="leader"]');
    const id = (await leader.getAttribute('data-node-id'))!;
    await leader.locator('[data-testid="kill-crash"]').click();
    const takeover = e2e.page.locator('[data-testid="takeover"]');
    await takeover.waitFor(WAIT);
    assert.match((await takeover.textContent()) ?? '', /is a ghost.*takes over/);
    await e2e.page.locator(`[data-testid="node-row"][data-node-id="${id}"]`).waitFor({ state: 'detached', ...WAIT });
    await e2e.page.locator('[data-testid="node-row"][data-role="leader"]').waitFor(WAIT);
  });
});
