/**
 * A flooding client in a child process (flooder-child.ts), for the security tests and the bench.
 *
 *   const f = startFlooder();
 *   f.send({ cmd: 'ws', url: 'ws://127.0.0.1:8080/ws', localAddress: '127.0.0.2', reconnect: false });
 *   const closed = await f.next('ws-closed');
 *   const totals = await f.stop();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FlooderCommand, FlooderReport } from './flooder-child.js';
import { withTimeout } from './index.js';

export type { FlooderReport, WsClose } from './flooder-child.js';

type Report<T extends FlooderReport['type']> = Extract<FlooderReport, { type: T }>;

export class Flooder {
  private readonly child: ChildProcess;
  private readonly backlog: FlooderReport[] = [];
  private readonly waiters = new Set<(m: FlooderReport) => boolean>();
  readonly exited: Promise<void>;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./flooder-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (m: FlooderReport) => {
      for (const w of this.waiters) if (w(m)) return;
      this.backlog.push(m);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(command: FlooderCommand): void {
    this.child.send(command);
  }

  /** The next report of this type (including ones that arrived before the call and were not taken). */
  next<T extends FlooderReport['type']>(type: T, timeoutMs = 15_000): Promise<Report<T>> {
    const i = this.backlog.findIndex((m) => m.type === type || m.type === 'error');
    if (i >= 0) {
      const [m] = this.backlog.splice(i, 1);
      return m!.type === 'error' ? Promise.reject(new Error(`flooder: ${m!.message}`)) : Promise.resolve(m as Report<T>);
    }
    let waiter!: (m: FlooderReport) => boolean;
    const p = new Promise<Report<T>>((resolve, reject) => {
      waiter = (m) => {
        if (m.type === 'error') reject(new Error(`flooder: ${m.message}`));
        else if (m.type === type) resolve(m as Report<T>);
        else return false;
        return true;
      };
      this.waiters.add(waiter);
    });
    return withTimeout(p, timeoutMs, `flooder report "${type}"`).finally(() => this.waiters.delete(waiter));
  }

  /** Stops flooding; resolves with the totals once the child has exited. */
  async stop(): Promise<Report<'stopped'>> {
    const stopped = this.next('stopped', 10_000);
    this.send({ cmd: 'stop' });
    const totals = await stopped;
    await withTimeout(this.exited, 10_000, 'flooder exit').catch(() => this.child.kill('SIGKILL'));
    return totals;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export function startFlooder(): Flooder {
  return new Flooder();
}
