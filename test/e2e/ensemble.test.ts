/**
 * End to end: two layers of election in Chromium, on a real 3-server ZooKeeper ensemble under 3
 * supervised nodes. A newcomer's path: three server cards, one ZAB leader; stop that server from
 * its card, watch ZAB elect another (a higher epoch) beneath a cluster that keeps one leader; stop
 * a second, read "no quorum" and see nobody lead; start one again: quorum, exactly one leader.
 * The cards pass axe on a 390 px phone in dark mode. With ZKVIZ_SCREENSHOTS=1 it writes the README's
 * ensemble screenshot.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readmeScreenshot, seriousAxeViolations, tableWithLeader, useClusterInChromium } from './browser.js';

const WAIT = { timeout: 30_000 };

const e2e = useClusterInChromium({ nodes: 3, supervised: true, sessionTimeoutMs: 2000, zookeeper: { size: 3, tickTime: 100 } });

const card = (id: string) => e2e.page.locator(`[data-testid="zk-server"][data-server-id="${id}"]`);

interface Card {
  id: string;
  mode: string;
  state: string;
  epoch: number | null;
}

async function cards(): Promise<Card[]> {
  return e2e.page.locator('[data-testid="zk-server"]').evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-server-id')!,
      mode: el.getAttribute('data-mode')!,
      state: el.getAttribute('data-state')!,
      epoch: el.getAttribute('data-epoch') ? Number(el.getAttribute('data-epoch')) : null,
    })),
  );
}

/** Waits until exactly one card is the ZAB leader (not `notId`, with an epoch above `above`); returns it. */
async function zabLeader(options: { notId?: string; above?: number } = {}): Promise<Card> {
  await e2e.page.waitForFunction(
    ({ notId, above }) => {
      const leaders = Array.from(document.querySelectorAll('[data-testid="zk-server"][data-mode="leader"]'));
      if (leaders.length !== 1 || leaders[0]!.getAttribute('data-server-id') === notId) return false;
      return Number(leaders[0]!.getAttribute('data-epoch')) > above;
    },
    { notId: options.notId ?? null, above: options.above ?? -1 },
    WAIT,
  );
  return (await cards()).find((c) => c.mode === 'leader')!;
}

/** Waits until every node row's session is held by exactly one server, whose card names the node. */
async function everyNodePlaced(): Promise<void> {
  await e2e.page.waitForFunction(
    () => {
      const ids = Array.from(document.querySelectorAll('[data-testid="node-row"]')).map((r) => r.getAttribute('data-node-id'));
      const owners = Array.from(document.querySelectorAll('[data-testid="zk-server-node"]')).map((li) => li.getAttribute('data-owner'));
      return ids.length > 0 && ids.every((id) => owners.filter((o) => o === id).length === 1);
    },
    undefined,
    WAIT,
  );
}

const quorum = (text: string) => e2e.page.locator('[data-testid="zk-quorum"]', { hasText: text }).waitFor(WAIT);

describe('two layers of election in Chromium (3-server ensemble)', () => {
  let zabLeaderId: string;

  test('three server cards, one ZAB leader, every node connected to one of them', async () => {
    await e2e.page.goto(e2e.cluster.url!);
    await tableWithLeader(e2e.page, 3, { allRunning: true });
    const leader = await zabLeader();
    zabLeaderId = leader.id;
    await quorum('3 of 3 up');
    const all = await cards();
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((c) => c.mode).sort(), ['follower', 'follower', 'leader']);
    await everyNodePlaced();
  });

  test('stop the ZAB leader from its card: another server leads with a higher epoch; the nodes keep one leader', async () => {
    const before = (await cards()).find((c) => c.id === zabLeaderId)!;
    await card(zabLeaderId).locator('[data-testid="zookeeper-stop"]').click();
    await card(zabLeaderId).locator('[data-testid="zookeeper-outcome"]', { hasText: 'ZooKeeper stopped' }).waitFor(WAIT);
    await e2e.page.locator(`[data-testid="zk-server"][data-server-id="${zabLeaderId}"][data-state="down"]`).waitFor(WAIT);
    const next = await zabLeader({ notId: zabLeaderId, above: before.epoch! });
    assert.ok(next.epoch! > before.epoch!, `epoch ${next.epoch} after ${before.epoch}`);
    await quorum('2 of 3 up: quorum holds');
    await tableWithLeader(e2e.page, 3);
    // The history names the ZAB leader change (the gateway's zookeeper-leader-changed event).
    await e2e.page.locator('[data-testid="event-timeline"] .ev-zookeeper-leader-changed').first().waitFor(WAIT);
    zabLeaderId = next.id;
    // The README's picture: one server down, a new ZAB leader, the quorum holding beneath one node
    // leader, every node's session on a survivor.
    await everyNodePlaced();
    await e2e.page.locator('[data-testid="zk-panel"]').scrollIntoViewIfNeeded();
    await readmeScreenshot(e2e.page, 'ensemble');
    // The cards (one down, every button) on a 390 px phone in dark mode: no page scroll, nothing serious for axe.
    const phone = await e2e.freshPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', bypassCSP: true });
    await phone.goto(e2e.cluster.url!);
    await phone.locator('[data-testid="zk-server"][data-state="down"] [data-testid="zookeeper-start"]').waitFor(WAIT);
    await phone.locator('[data-testid="zk-quorum"]', { hasText: '2 of 3 up' }).waitFor(WAIT);
    // Settled, not a leaderless moment (a session moving off the stopped server can make one), so
    // the cards axe judges are the settled ones.
    await tableWithLeader(phone, 3);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no horizontal page scroll');
    assert.deepEqual(await seriousAxeViolations(phone), [], 'axe, phone, dark, one server down');
  });

  test('stop a second server: no quorum, and no node leads', async () => {
    const second = (await cards()).find((c) => c.state !== 'down' && c.id !== zabLeaderId)!;
    await card(second.id).locator('[data-testid="zookeeper-stop"]').click();
    await quorum('1 of 3 up: no quorum — ZooKeeper refuses every request; every node is suspended; nobody leads');
    assert.equal(await e2e.page.locator('[data-testid="zk-quorum"]').getAttribute('data-holds'), 'false');
    await e2e.page.locator('[data-testid="cluster-status"][data-status="leaderless"]').waitFor(WAIT);
    // The last server can still call itself leader until it misses its followers (syncLimit): await
    // that, the banner already says why (holds counts servers, not what each one still claims).
    await e2e.page.waitForFunction(() => document.querySelectorAll('[data-testid="zk-server"][data-mode="leader"]').length === 0, undefined, WAIT);
    assert.equal(await e2e.page.locator('[data-testid="zk-server"][data-mode="leader"]').count(), 0, 'no ZAB leader either');
  });

  test('start one again: the quorum holds, exactly one node leads', async () => {
    const down = (await cards()).find((c) => c.state === 'down')!;
    await card(down.id).locator('[data-testid="zookeeper-start"]').click();
    await quorum('2 of 3 up: quorum holds');
    await zabLeader();
    await tableWithLeader(e2e.page, 3, { allRunning: true });
  });

  test('the "ZooKeeper loses its quorum" scenario runs to its end from the Scenarios panel, each step on the real ensemble', async () => {
    const page = e2e.page;
    const down = (await cards()).find((c) => c.state === 'down');
    if (down) await card(down.id).locator('[data-testid="zookeeper-start"]').click();
    await quorum('3 of 3 up');
    await tableWithLeader(page, 3, { allRunning: true });
    await page.locator('[data-testid="scenario-run-quorum-loss"]:not([disabled])').click();
    const step = (i: number) => page.locator(`[data-testid="scenario-step"][data-index="${i}"]`);
    const run = async (i: number) => {
      await page
        .locator(`[data-testid="scenario-step"][data-index="${i}"]:is([data-state="ready"],[data-state="waiting"],[data-state="done"])`)
        .waitFor({ timeout: 90_000 });
      if ((await step(i).getAttribute('data-state')) === 'ready') await page.locator('[data-testid="scenario-next"]').click();
      await page
        .locator(`[data-testid="scenario-step"][data-index="${i}"]:is([data-state="done"],[data-state="missed"],[data-state="failed"])`)
        .waitFor({ timeout: 90_000 });
      const state = await step(i).getAttribute('data-state');
      if (state !== 'done') assert.fail(`step ${i + 1} ${state}: ${await step(i).locator('[data-testid="scenario-step-problem"]').textContent()}`);
    };
    await run(0);
    await run(1);
    await quorum('2 of 3 up: quorum holds');
    await run(2);
    assert.equal(await page.locator('[data-testid="zk-quorum"]').getAttribute('data-holds'), 'false');
    await run(3);
    await page.locator('[data-testid="cluster-status"][data-status="leaderless"]').waitFor(WAIT);
    await run(4);
    await run(5);
    await tableWithLeader(page, 3);
    await run(6);
    await quorum('3 of 3 up');
    await page.locator('[data-testid="scenario-status"][data-status="done"]').waitFor(WAIT);
  });
});
