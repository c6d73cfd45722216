/**
 * The bare limit beside the nodes section's start-up, idle CPU and memory: as many bare ZooKeeper
 * sessions (bench/bare/session.mjs, plain `node` and the native client, no zkviz code) as the
 * section ran nodes, started all at once as the launcher starts nodes, then measured as the nodes
 * were: CPU from exec to connected, the idle window after the same pause, RSS and PSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuSinceExecMs, idleWindow, pssMb, sleep, withTimeout } from './common.js';

const SESSION = fileURLToPath(new URL('./bare/session.mjs', import.meta.url));

export interface BareSessions {
  /** Spawn of the first → the last one connected. */
  startupMs: number;
  /** Each process's CPU from exec to its session connected. */
  startupCpuMs: number[];
  /** Each process's CPU over the idle window, % of a core. */
  idlePct: number[];
  rssMb: number[];
  pssMb: number[];
}

export async function measureBareSessions(zkConnect: string, n: number, sessionTimeoutMs: number, pauseMs: number, idleS: number): Promise<BareSessions> {
  const procs: ChildProcess[] = [];
  try {
    const t0 = Date.now();
    const startupCpuMs = await withTimeout(
      Promise.all(
        Array.from({ length: n }, () => {
          const child = spawn(process.execPath, [SESSION, zkConnect, String(sessionTimeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
          procs.push(child);
          return new Promise<number>((resolve, reject) => {
            child.once('exit', (code) => reject(new Error(`a bare session exited (${code}) before it connected`)));
            createInterface({ input: child.stdout }).once('line', () => resolve(cpuSinceExecMs(child.pid!)));
          });
        }),
      ),
      180_000,
      `${n} bare sessions to connect`,
    );
    const startupMs = Date.now() - t0;
    await sleep(pauseMs);
    const pids = procs.map((p) => p.pid!);
    const idle = await idleWindow(pids, idleS);
    return {
      startupMs,
      startupCpuMs,
      idlePct: pids.map(idle.pct),
      rssMb: pids.map((pid) => (idle.after(pid)?.rssKb ?? NaN) / 1024),
      pssMb: pids.map(pssMb),
    };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r)))));
  }
}
