/**
 * One slot: the node process it owns, the slot's state, and the signals and relay modes that
 * change it. The actions (actions.ts) only call the methods here; the HTTP routes only call the
 * actions. Every state change is one `change` event (published to ZooKeeper, logged).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { PartitionStyle, SlotState, SlotView } from '@zkviz/shared';
import type { Logger } from 'pino';
import type { ZooKeeperRelay } from './relay.js';

/** How long a graceful stop may take before the supervisor SIGKILLs the node. */
const STOP_GRACE_MS = 8000;

export interface SlotEvents {
  change: [view: SlotView, previous: SlotState];
}

export interface NodeLauncher {
  /** node binary and arguments of the node process. */
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export class Slot extends EventEmitter<SlotEvents> {
  private stateNow: SlotState = 'stopped';
  private sinceNow = Date.now();
  private untilNow: number | null = null;
  private znodeNow: string | null = null;
  private child: ChildProcess | null = null;
  /** Ends the current freeze or partition. */
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  lastExit: string | null = null;

  constructor(
    readonly name: string,
    private readonly launcher: NodeLauncher,
    private readonly relay: ZooKeeperRelay,
    private readonly logger: Logger,
  ) {
    super();
    // Whatever ends the supervisor, its node must not outlive it.
    process.on('exit', () => this.child?.kill('SIGKILL'));
  }

  get view(): SlotView {
    return { slot: this.name, state: this.stateNow, znode: this.znodeNow, pid: this.child?.pid ?? null, since: this.sinceNow, until: this.untilNow };
  }

  get state(): SlotState {
    return this.stateNow;
  }

  /** Starts the node process (first start and restart). */
  startNode(): void {
    if (this.child || this.stopping) return;
    const child = spawn(this.launcher.command, this.launcher.args, {
      env: { ...this.launcher.env, ZK_CONNECT: this.relay.connectString },
      // ipc: the node exits when the supervisor's end of the channel goes away (see cluster/src/main.ts)
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    this.child = child;
    this.znodeNow = null;
    this.setState('starting');
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => this.onNodeLine(line));
    child.on('exit', (code, signal) => this.onNodeExit(child, code, signal));
    child.on('error', (err) => this.logger.error({ ev: 'node-spawn-failed', err: String(err) }, 'could not start the node'));
    this.logger.info({ ev: 'node-spawned', slot: this.name, pid: child.pid, at: Date.now() }, 'node started');
  }

  /** A real crash: SIGKILL, also of a frozen process. The session is left to expire. */
  crash(): void {
    this.child?.kill('SIGKILL');
  }

  /** SIGTERM: the node leaves the election and closes its session. */
  terminate(): void {
    this.child?.kill('SIGTERM');
  }

  freeze(durationMs: number): void {
    if (!this.child) return;
    this.child.kill('SIGSTOP');
    this.setState('frozen', Date.now() + durationMs);
    this.endAfter(durationMs, () => {
      this.child?.kill('SIGCONT');
      this.setState('running');
    });
  }

  partition(durationMs: number, style: PartitionStyle): void {
    this.relay.setMode(style);
    this.setState('partitioned', Date.now() + durationMs);
    this.endAfter(durationMs, () => {
      this.relay.setMode('pass');
      this.setState('running');
    });
  }

  /** Supervisor shutdown: graceful stop of the node (continued first if frozen), SIGKILL after a grace. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.endTimed();
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(grace);
  }

  private endAfter(ms: number, end: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      end();
    }, ms);
  }

  /** Ends a freeze or partition now (the node died meanwhile, or the supervisor stops). */
  private endTimed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.relay.mode !== 'pass') this.relay.setMode('pass');
  }

  private setState(state: SlotState, until: number | null = null): void {
    const previous = this.stateNow;
    this.stateNow = state;
    this.sinceNow = Date.now();
    this.untilNow = until;
    this.logger.info({ ev: 'slot-state', slot: this.name, state, from: previous, znode: this.znodeNow, until, at: this.sinceNow }, `slot ${state}`);
    this.emit('change', this.view, previous);
  }

  /** Node lines pass through unchanged (compose logs, tests); a few tell the slot what happens. */
  private onNodeLine(line: string): void {
    process.stdout.write(line + '\n');
    if (!line.startsWith('{')) return;
    let ev: { ev?: unknown; znode?: unknown };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      return;
    }
    if (ev.ev === 'listening' && this.stateNow === 'starting') this.setState('running');
    else if (ev.ev === 'election-state' && (typeof ev.znode === 'string' || ev.znode === null) && ev.znode !== this.znodeNow) {
      this.znodeNow = ev.znode;
      this.emit('change', this.view, this.stateNow);
    }
  }

  private onNodeExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.endTimed();
    this.znodeNow = null;
    this.lastExit = signal ? `signal ${signal}` : `code ${code}`;
    // Exit 0 is a graceful stop (SIGTERM, or a graceful kill through the leader); anything else crashed.
    const state: SlotState = code === 0 ? 'stopped' : 'crashed';
    this.logger.info({ ev: 'node-exit', slot: this.name, code, signal, at: Date.now() }, `node exited (${this.lastExit})`);
    this.setState(state);
  }
}
