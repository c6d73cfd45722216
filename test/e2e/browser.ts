/**
 * What every e2e file shares: the one way they start Chromium (Debian's build, never a downloaded
 * one, with the flags this closed network needs: no background networking, no component updates,
 * no QUIC), the cluster + browser + page a file runs against, the "settled table" wait, and the
 * README's screenshots (written only when asked: ZKVIZ_SCREENSHOTS=1).
 */
import { after, before } from 'node:test';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT, startLocalCluster, type LocalCluster, type LocalClusterOptions } from '../helpers/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Failure guard of the shared waits; never an asserted duration. */
const GUARD = { timeout: 30_000 };

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ClusterInChromium {
  readonly cluster: LocalCluster;
  readonly browser: Browser;
  /** A page in the browser's default context (not yet navigated). */
  readonly page: Page;
  /** A page in a fresh browser profile, closed in after(). */
  freshPage(options?: Parameters<Browser['newContext']>[0]): Promise<Page>;
}

/**
 * A local cluster and Chromium for the whole test file: started in before(), stopped in after()
 * (fresh profiles first, then the browser, then the cluster). Call at the top level of the file;
 * the fields are available inside tests.
 */
export function useClusterInChromium(options: LocalClusterOptions): ClusterInChromium {
  let cluster: LocalCluster | null = null;
  let browser: Browser | null = null;
  let page: Page | null = null;
  const contexts: BrowserContext[] = [];
  before(async () => {
    cluster = await startLocalCluster(options);
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    await browser?.close();
    await cluster?.stop();
  });
  const ready = <T>(value: T | null): T => {
    if (value === null) throw new Error('useClusterInChromium(): the cluster and browser are only available inside tests');
    return value;
  };
  return {
    get cluster() {
      return ready(cluster);
    },
    get browser() {
      return ready(browser);
    },
    get page() {
      return ready(page);
    },
    async freshPage(contextOptions = {}) {
      const context = await ready(browser).newContext(contextOptions);
      contexts.push(context);
      return context.newPage();
    },
  };
}

/**
 * Waits until the node table shows `count` rows, exactly one of them the leader (and not
 * `notLeader`), and returns the leader's node id. `allRunning`: also every row in a running slot
 * and past candidacy, and no down-slot rows (supervised clusters).
 */
export async function tableWithLeader(page: Page, count: number, options: { notLeader?: string; allRunning?: boolean } = {}): Promise<string> {
  await page.waitForFunction(
    ({ count, notLeader, allRunning }) => {
      const all = Array.from(document.querySelectorAll('[data-testid="node-row"]'));
      const leaders = all.filter((tr) => tr.getAttribute('data-role') === 'leader');
      if (all.length !== count || leaders.length !== 1 || leaders[0]!.getAttribute('data-node-id') === notLeader) return false;
      return (
        !allRunning ||
        (all.every((tr) => tr.getAttribute('data-slot-state') === 'running' && tr.getAttribute('data-role') !== 'candidate') &&
          document.querySelectorAll('[data-testid="slot-row"]').length === 0)
      );
    },
    { count, notLeader: options.notLeader ?? null, allRunning: options.allRunning ?? false },
    GUARD,
  );
  return (await page.locator('[data-testid="node-row"][data-role="leader"]').getAttribute('data-node-id'))!;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** axe-core (from node_modules) on the page as it is: its serious and critical violations. The page needs bypassCSP (axe is injected as a script tag). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => (window as unknown as { axe: { run: (o: object) => Promise<AxeResult> } }).axe.run({ resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');

/**
 * Writes docs/screenshots/<name>.png for the README, only when ZKVIZ_SCREENSHOTS=1: an ordinary
 * run leaves the committed images alone (a screenshot differs by a pixel from run to run).
 */
export async function readmeScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.ZKVIZ_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), ...options });
}
