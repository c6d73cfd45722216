/**
 * A child process we can watch through its JSON log lines and break on purpose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { trackPid, untrackPid } from './cleanup.js';

/** One JSON log line of a child (pino): `{"level":30,"time":...,"ev":"listening",...}`. */
export type LogEvent = Record<string, unknown> & { ev?: string; msg?: string; level?: number };

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WaitOptions {
  /** Default 10 000 ms. */
  timeoutMs?: number;
  /** Also look at events already seen (the bounded history). Default false: only new events. */
  includeHistory?: boolean;
  /** Look at events from this cursor on (see `cursor()`); implies history from that point. */
  since?: number;
  /** Used in error messages; defaults to the predicate's source or the event name. */
  description?: string;
}

/** An event name (matches `ev`) or a predicate over the parsed line. */
export type EventMatcher = string | ((event: LogEvent) => boolean);

export interface SpawnManagedOptions {
  /** Short name used in messages and in the verbose prefix, e.g. `node-1`. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The port the process listens on, if any (informational). */
  port?: number;
  /** Max parsed events kept. Default 5000. */
  historySize?: number;
  /** Max raw lines (stderr + non-JSON stdout) kept. Default 500. */
  rawSize?: number;
  /** Mirror output to our stderr with a `[name]` prefix. Default: `ZKVIZ_VERBOSE=1`. */
  verbose?: boolean;
}

interface HistoryEntry {
  seq: number;
  event: LogEvent;
}

export interface ManagedProcessEvents {
  event: [event: LogEvent];
  line: [line: string, stream: 'stdout' | 'stderr'];
  exit: [info: ExitInfo];
}

const STOP_GRACE_MS = 5000;

export class ManagedProcess extends EventEmitter<ManagedProcessEvents> {
  readonly name: string;
  readonly pid: number;
  readonly port: number | undefined;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private readonly history: HistoryEntry[] = [];
  private readonly raw: string[] = [];
  private seq = 0;
  private exitInfo: ExitInfo | null = null;
  private readonly historySize: number;
  private readonly rawSize: number;

  constructor(options: SpawnManagedOptions) {
    super();
    this.setMaxListeners(0);
    this.name = options.name;
    this.port = options.port;
    this.historySize = options.historySize ?? 5000;
    this.rawSize = options.rawSize ?? 500;
    const verbose = options.verbose ?? process.env.ZKVIZ_VERBOSE === '1';

    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false, // same process group: a Ctrl-C in the terminal reaches every child too
    });
    if (this.child.pid === undefined) {
      // spawn failed synchronously (ENOENT is reported through 'error' but pid is undefined)
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
      trackPid(this.pid);
    }

    this.exited = new Promise<ExitInfo>((resolve) => {
      const done = (info: ExitInfo) => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        if (this.pid > 0) untrackPid(this.pid);
        this.emit('exit', info);
        resolve(info);
      };
      this.child.on('error', (err) => {
        this.pushRaw(`spawn error: ${err.message}`);
        if (this.child.pid === undefined || this.child.exitCode !== null) done({ code: null, signal: null });
      });
      // 'close' waits for stdio to drain, so every line is parsed before anyone hears of the exit.
      this.child.on('close', (code, signal) => done({ code, signal }));
    });

    const prefix = `[${this.name}] `;
    const onLine = (line: string, stream: 'stdout' | 'stderr') => {
      if (verbose) process.stderr.write(prefix + line + '\n');
      if (stream === 'stdout' && line.startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
            this.pushEvent(parsed as LogEvent);
            return;
          }
        } catch {
          /* not JSON: fall through to the raw buffer */
        }
      }
      this.pushRaw(stream === 'stderr' ? `stderr: ${line}` : line);
      this.emit('line', line, stream);
    };
    if (this.child.stdout) createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (l) => onLine(l, 'stdout'));
    if (this.child.stderr) createInterface({ input: this.child.stderr, crlfDelay: Infinity }).on('line', (l) => onLine(l, 'stderr'));
  }

  /** Parsed JSON lines seen so far (oldest first, bounded). */
  get events(): readonly LogEvent[] {
    return this.history.map((h) => h.event);
  }

  /** Raw stderr and non-JSON stdout lines (bounded), for debugging. */
  get output(): readonly string[] {
    return this.raw;
  }

  /** Exit code/signal once exited, else null. */
  get exitStatus(): ExitInfo | null {
    return this.exitInfo;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** A cursor for `waitFor(..., { since })`: "events after this point". */
  cursor(): number {
    return this.seq;
  }

  private pushEvent(event: LogEvent): void {
    this.history.push({ seq: ++this.seq, event });
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    this.emit('event', event);
  }

  private pushRaw(line: string): void {
    this.raw.push(line);
    if (this.raw.length > this.rawSize) this.raw.splice(0, this.raw.length - this.rawSize);
  }

  /** The last `n` lines of output (raw and JSON interleaved by kind), for error messages. */
  tail(n = 15): string {
    const json = this.history.slice(-n).map((h) => JSON.stringify(h.event));
    const raw = this.raw.slice(-n);
    const parts: string[] = [];
    if (raw.length) parts.push(`  raw output (last ${raw.length}):\n    ${raw.join('\n    ')}`);
    if (json.length) parts.push(`  json events (last ${json.length}):\n    ${json.join('\n    ')}`);
    return parts.length ? parts.join('\n') : '  (no output)';
  }

  /**
   * Resolves with the first event matching `matcher`; rejects on timeout or if the process exits
   * first. By default only events after the call count; see `includeHistory` / `since`.
   */
  waitFor(matcher: EventMatcher, options: WaitOptions = {}): Promise<LogEvent> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const predicate = typeof matcher === 'string' ? (e: LogEvent) => e.ev === matcher : matcher;
    const what = options.description ?? (typeof matcher === 'string' ? `event "${matcher}"` : `an event matching ${matcher.toString()}`);
    const from = options.since ?? (options.includeHistory ? 0 : this.seq);
    for (const entry of this.history) {
      if (entry.seq > from && predicate(entry.event)) return Promise.resolve(entry.event);
    }
    if (this.exitInfo) {
      return Promise.reject(
        new Error(`${this.name} (pid ${this.pid}) had already exited (${describeExit(this.exitInfo)}) while waiting for ${what}\n${this.tail()}`),
      );
    }
    return new Promise<LogEvent>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.off('exit', onExit);
      };
      const onEvent = (event: LogEvent) => {
        let ok: boolean;
        try {
          ok = predicate(event);
        } catch (err) {
          cleanup();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (ok) {
          cleanup();
          resolve(event);
        }
      };
      const onExit = (info: ExitInfo) => {
        cleanup();
        reject(new Error(`${this.name} (pid ${this.pid}) exited (${describeExit(info)}) while waiting for ${what}\n${this.tail()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} (pid ${this.pid}): timed out after ${timeoutMs} ms waiting for ${what}\n${this.tail()}`));
      }, timeoutMs);
      this.on('event', onEvent);
      this.on('exit', onExit);
    });
  }

  /** Sends a signal; a process that is already gone is not an error. Returns whether it was sent. */
  signal(sig: NodeJS.Signals): boolean {
    if (this.exitInfo || this.pid <= 0) return false;
    try {
      process.kill(this.pid, sig);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  }

  /** SIGTERM, wait for exit, SIGKILL after `graceMs` (default 5 s). Idempotent. */
  async stop(graceMs = STOP_GRACE_MS): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.signal('SIGTERM');
    this.signal('SIGCONT'); // a SIGSTOPped process only acts on SIGTERM once continued
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }
}

export function describeExit(info: ExitInfo): string {
  if (info.signal) return `signal ${info.signal}`;
  if (info.code === null) return 'failed to start';
  return `code ${info.code}`;
}

export function spawnManaged(options: SpawnManagedOptions): ManagedProcess {
  return new ManagedProcess(options);
}
