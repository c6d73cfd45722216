/**
 * Takes the measurements `counts.ts` turns into a failover's herd-effect numbers: `mntr` from every
 * ZooKeeper server once a second (so a sample from just before any failover exists) and once more
 * after it, each taken while none of the gateway's own reads of /election is in flight (else the
 * subtraction could be off by the reads in flight); and, after the failover, every node's wake-ups.
 * Off the failover path: nothing waits for it, and a failover is counted `SETTLE_MS` after the
 * gateway switched, so the nodes the failover woke have done their reads by then.
 */
import { parseMntr, sendFourLetterWord, type MntrAnswer } from '@zkviz/shared/zk/four-letter';
import type { ZkConnection } from '@zkviz/shared/zk';
import type { FailoverRecord } from '@zkviz/shared';
import type { FeedLog } from '../feed/types.js';
import { countFailover, readSample, sampleBefore, type FailoverCounts, type ReadSample } from './counts.js';

/** After the gateway switched: time for every woken node to have done its reads. */
export const SETTLE_MS = 1000;
const SAMPLE_EVERY_MS = 1000;
const SAMPLES_KEPT = 30;
const QUIET_ATTEMPTS = 20;

export interface FailoverCounterDeps {
  servers: readonly { host: string; port: number }[];
  /** The gateway's session: its reads of /election are subtracted. */
  zk: () => ZkConnection | null;
  /** A node's `wokenAt` (GET /internal/status), null when it does not answer. */
  wokenAt(address: string): Promise<number[] | null>;
  log: FeedLog;
  now?: () => number;
}

export class FailoverCounter {
  private samples: ReadSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: FailoverCounterDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => void this.sample().then((s) => s && this.keep(s));
    tick();
    this.timer = setInterval(tick, SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Counts a failover the gateway just switched over; `addresses`: the nodes of the new table. */
  async count(record: FailoverRecord, addresses: readonly string[]): Promise<FailoverCounts> {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref());
    const from = Math.min(record.at - record.durationMs, ...record.phases.map((p) => p.at));
    const before = sampleBefore(this.samples, from);
    const after = await this.sample();
    if (after) this.keep(after);
    const to = this.now();
    const wokenAt = await Promise.all(addresses.map((a) => this.deps.wokenAt(a).catch(() => null)));
    return countFailover({ window: { from, to }, wokenAt, before, after });
  }

  private keep(sample: ReadSample): void {
    this.samples.push(sample);
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
  }

  /** One consistent sample, or null when ZooKeeper or the gateway's reads would not hold still. */
  private async sample(): Promise<ReadSample | null> {
    const zk = this.deps.zk();
    if (!zk || this.deps.servers.length === 0) return null;
    for (let attempt = 0; attempt < QUIET_ATTEMPTS; attempt++) {
      const mine = zk.readCount('election');
      if (mine.issued !== mine.completed) {
        await new Promise((resolve) => setTimeout(resolve, 5).unref());
        continue;
      }
      const at = this.now();
      const answers = await Promise.all(this.deps.servers.map((s) => sendFourLetterWord(s.host, s.port, 'mntr')));
      // A read the gateway started meanwhile may or may not be in ZooKeeper's count: try again.
      if (zk.readCount('election').issued !== mine.issued) continue;
      const parsed: (MntrAnswer | null)[] = answers.map((a) => {
        if (!a.ok) return null;
        const p = parseMntr(a.text);
        return p.ok ? p.value : null;
      });
      return readSample(at, parsed, mine.completed);
    }
    this.deps.log.debug({ ev: 'failover-count-busy' }, 'no quiet moment for a read sample');
    return null;
  }
}
