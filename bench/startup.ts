/**
 * Section 6: `npm start` (the launcher, with ZooKeeper, 4 nodes and the gateway) until the page
 * shows a leader. The bench plays the presenter: it waits for the "Open: <url>" line, opens the
 * page in the (already running) Chromium and waits for the leader row.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT, freePort } from '../launcher/src/index.js';
import { LEADER_ROW, ViewWatcher, openInstrumentedPage, pageBuilt, pageMarks, withTimeout, type Ctx, type SectionResult } from './common.js';
import { figure } from './stats.js';

export async function runStartup(ctx: Ctx): Promise<SectionResult> {
  const runs = ctx.options.quick ? 1 : 3;
  const section = '6 start-up';
  const total: number[] = [];
  const ready: number[] = [];
  const pageLoaded: number[] = [];
  const notes: string[] = [];
  let eyeKind = 'chromium';
  const browser = await ctx.browser();

  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const t0 = Date.now();
    // Its own process group, so the whole tree (npm → sh → node launcher → children) gets our SIGINT.
    const child = spawn('npm', ['start', '--', '--port', String(port)], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await withTimeout(
        new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout }).on('line', (line) => {
            const m = /Open:\s+(http\S+)/.exec(line);
            if (m) resolve(m[1]!);
          });
          void exited.then(() => reject(new Error(`npm start exited early: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
        }),
        60_000,
        'npm start to print "Open: <url>"',
      );
      ready.push(Date.now() - t0);
      if (browser && (await pageBuilt(url))) {
        const page = await openInstrumentedPage(browser, url);
        pageLoaded.push(Date.now() - t0);
        await page.waitForSelector(LEADER_ROW, { timeout: 30_000 });
        const marks = await pageMarks(page);
        const shown = marks.leaders.find((m) => m.id !== null);
        total.push((shown?.wall ?? Date.now()) - t0);
        await page.close();
      } else {
        eyeKind = 'ws-eye';
        const eye = await ViewWatcher.open(url);
        const v = await eye.waitFor((v) => v.status === 'ok' && v.leader !== null, 30_000, 'a leader');
        total.push(v.at - t0);
        eye.close();
      }
    } catch (err) {
      notes.push(`run ${i + 1}: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        /* gone */
      }
      await withTimeout(exited, 15_000, 'npm start to stop').catch(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      });
    }
  }
  if (eyeKind !== 'chromium') notes.push('page not built or Chromium unavailable: "leader shown" measured on a WebSocket client');
  return {
    figures: [
      figure(section, `npm start → leader shown (${eyeKind === 'chromium' ? 'leader row in the page' : 'ws-eye'})`, 'ms', total, {
        targets: [{ stat: 'max', max: 5000, label: '≤ 5 s' }],
      }),
      figure(section, 'npm start → "zkviz is running" printed', 'ms', ready),
      ...(pageLoaded.length ? [figure(section, 'npm start → page DOMContentLoaded', 'ms', pageLoaded)] : []),
    ],
    facts: { runs, eye: eyeKind },
    notes,
  };
}
