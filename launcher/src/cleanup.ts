/**
 * Makes sure nothing we start outlives us.
 *
 *  - On a normal exit (including `process.exit()`), every registered child is SIGKILLed and every
 *    registered temp dir removed, synchronously, from the 'exit' hook.
 *  - If we are killed without running hooks (SIGKILL, an unhandled SIGTERM/SIGINT), a tiny `sh`
 *    watchdog, started once per parent process, notices within a second and does the same from a
 *    pid file we keep up to date.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pids = new Set<number>();
const dirs = new Set<string>();
let hooked = false;
let watchdogDir: string | null = null;

const WATCHDOG_SCRIPT = `
parent="$1"; state="$2"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
if [ -f "$state/pids" ]; then for p in $(cat "$state/pids"); do kill -9 "$p" 2>/dev/null; done; fi
if [ -f "$state/dirs" ]; then while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done < "$state/dirs"; fi
rm -rf -- "$state"
`;

function ensureHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
    if (watchdogDir) rmSync(watchdogDir, { recursive: true, force: true });
  });
  if (process.env.ZKVIZ_NO_WATCHDOG === '1') return;
  try {
    watchdogDir = mkdtempSync(join(tmpdir(), 'zkviz-watchdog-'));
    const dog = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'zkviz-watchdog', String(process.pid), watchdogDir], {
      stdio: 'ignore',
      detached: true, // its own process group: a Ctrl-C aimed at us must not kill it before it cleans up
    });
    dog.on('error', () => undefined);
    dog.unref();
  } catch {
    watchdogDir = null; // the exit hook still covers normal exits
  }
}

function persist(): void {
  if (!watchdogDir) return;
  try {
    writeFileSync(join(watchdogDir, 'pids'), [...pids].join('\n') + '\n');
    writeFileSync(join(watchdogDir, 'dirs'), [...dirs].join('\n') + '\n');
  } catch {
    /* the watchdog dir was removed under us; the exit hook still works */
  }
}

export function trackPid(pid: number): void {
  ensureHooks();
  pids.add(pid);
  persist();
}

export function untrackPid(pid: number): void {
  if (pids.delete(pid)) persist();
}

export function trackDir(dir: string): void {
  ensureHooks();
  dirs.add(dir);
  persist();
}

export function untrackDir(dir: string): void {
  if (dirs.delete(dir)) persist();
}
