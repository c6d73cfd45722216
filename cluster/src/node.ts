/**
 * One cluster node: the election, the leader duties it switches on and off, and how it dies.
 * The HTTP routes (server/) only ask this object questions; they hold no state of their own.
 */
import { killModeSpec, parseElectionZnode, safeguardOff, unknownKillMode, type ClusterSnapshot, type KillMode } from '@zkviz/shared';
import { ZkConnection } from '@zkviz/shared/zk';
import type { Logger } from 'pino';
import { relaxedStatePollMs, type NodeConfig } from './config.js';
import { Election } from './election/driver.js';
import { RecipeWatch } from './election/recipe-watch.js';
import { ClusterObserver } from './leadership/observer.js';
import { StreamHub, type ParkedKind } from './leadership/stream-hub.js';
import { TakeoverLog } from './leadership/takeover.js';

/** The freeze detector's tick while acting. */
const FREEZE_TICK_MS = 100;

export interface Leadership {
  /** Our election znode name. */
  id: string;
  /** Its sequence: every leader message carries it, and readers ignore lower ones. */
  fencingToken: number;
}

export class ClusterNode {
  readonly zk: ZkConnection;
  readonly election: Election;
  /** Every leader message passes the freeze check first (see frozenJustNow). */
  readonly streams = new StreamHub(
    () => !this.frozenJustNow(),
    (bufferedBytes) => this.logger.warn({ ev: 'stream-dropped', bufferedBytes }, 'dropped a state stream subscriber that stopped reading'),
  );
  readonly startedAt = Date.now();
  private observer: ClusterObserver | null = null;
  /** The leader-to-be's view, kept warm while this node is next in line (see syncStandby). */
  private standby: ClusterObserver | null = null;
  /** How this node took over, sent with every snapshot (the failover timeline's successor lane). */
  private readonly takeover = new TakeoverLog();
  private dying = false;
  private freezeTimer: NodeJS.Timeout | null = null;
  /** performance.now() of the freeze detector's last tick. */
  private lastTick = 0;

  constructor(
    readonly config: NodeConfig,
    private readonly logger: Logger,
    /** How the process ends; replaced in tests. */
    private readonly exit: (mode: KillMode) => void = defaultExit,
  ) {
    const log = (ev: string, fields?: Record<string, unknown>) => {
      this.takeover.note(ev, fields);
      this.logger.info({ ev, ...fields }, ev);
    };
    this.zk = new ZkConnection({
      connect: config.zkConnect,
      sessionTimeoutMs: config.sessionTimeoutMs,
      relaxedStatePollMs: relaxedStatePollMs(config.sessionTimeoutMs),
      log: (msg, f) => this.logger.info({ ev: 'zk', ...f }, msg),
    });
    this.election = new Election(this.zk, { address: config.advertisedAddress, startedAt: this.startedAt, pid: process.pid }, log, config.recipe);
    // The cluster's recipe: switching it changes only what the election watches (same session, same znode).
    new RecipeWatch(this.zk, config.recipe, log).on('recipe', (recipe) => this.election.dispatch({ type: 'recipeChanged', recipe }));
    this.election.on('acting', (acting, znode, reason) => (acting ? this.startActing(znode) : this.stopActing(znode, reason)));
    this.election.on('state', () => {
      this.syncStandby();
      // Parked streams wait for acting; once acting cannot follow, the gateway hears so now.
      if (this.election.state.acting) return;
      this.streams.refuseParked((kind) => this.streamWait(kind === 'standby') !== null);
    });
  }

  /**
   * Next in line: watch what a leader watches now, so that acting (if the leader goes) starts with
   * a complete table instead of 2 round trips of reads that grow with the cluster. Only reads and
   * watches: nothing is published from it until it becomes the acting period's observer.
   */
  private syncStandby(): void {
    const { nextInLine, role, acting, electionZnode } = this.election.state;
    if (acting) return; // startActing takes the standby over ('state' is emitted before 'acting')
    // Next in line, or elected and writing the coordinators entry (the reads overlap that write).
    const next = role === 'leader' || (role === 'worker' && nextInLine);
    const wanted = next && this.fitToLead ? electionZnode : null;
    if (this.standby && this.standby.leader === wanted) return;
    this.standby?.stop();
    this.standby = null;
    if (!wanted) return;
    this.standby = new ClusterObserver(this.zk, wanted, (ev, f) => this.logger.warn({ ev, ...f }, ev));
    this.standby.start();
  }

  /** The leadership this node is acting on right now, or null. Asking runs the freeze check. */
  get leadership(): Leadership | null {
    this.frozenJustNow();
    return this.actingAs();
  }

  /** Derived from the election machine, the one holder of "acting" (no copy kept here). */
  private actingAs(): Leadership | null {
    const { acting, electionZnode } = this.election.state;
    return acting && electionZnode ? leadershipOf(electionZnode) : null;
  }

  /**
   * How a stream request that arrives now, while this node is not acting, waits for it to act
   * (StreamHub.park), or null: refused. About to act, any stream waits for acting; next in line,
   * a standby stream (`standbyAsked`, STANDBY_STREAM_QUERY) waits as long as this node stays so.
   * Asked again on every election change for the streams already parked: refused once null.
   */
  streamWait(standbyAsked: boolean): ParkedKind | null {
    if (this.aboutToAct) return 'acting';
    return standbyAsked && this.nextInLine ? 'standby' : null;
  }

  /**
   * Won the election (lowest, ownership confirmed), or next in line with the coordinators entry
   * written ahead of the decision, but not acting yet. A stream request now waits for acting
   * instead of being refused (StreamHub.park); it is refused if acting does not follow.
   */
  private get aboutToAct(): boolean {
    const { acting, role, earlyEntry } = this.election.state;
    return !acting && (role === 'leader' || earlyEntry !== 'none') && this.fitToLead;
  }

  /**
   * Right behind the leader, so this node acts next if the leader goes: the gateway's standby
   * stream (STANDBY_STREAM_QUERY) may wait here for that.
   */
  private get nextInLine(): boolean {
    const { acting, role, nextInLine } = this.election.state;
    return !acting && role === 'worker' && nextInLine && this.fitToLead;
  }

  /**
   * Connected to ZooKeeper, its election running, and not being killed: only such a node keeps a
   * standby view, lets a stream wait for it to act, or holds a standby stream.
   */
  private get fitToLead(): boolean {
    const { connected, lifecycle } = this.election.state;
    return connected && lifecycle === 'running' && !this.dying;
  }

  get latestSnapshot(): ClusterSnapshot | null {
    const latest = this.observer?.latest;
    return latest ? { ...latest, takeover: this.takeover.record } : null;
  }

  start(): void {
    this.election.start();
  }

  /**
   * A frozen process learns nothing until it runs again, and then its timers may fire before the
   * ZooKeeper client notices the session is gone. A tick that comes much later than scheduled
   * means we were frozen: stop acting and re-check the session before acting again.
   * Only while acting (the check is about acting): 10 wake-ups a second in every idle worker
   * were most of a node's idle CPU.
   */
  private watchForFreezes(): void {
    this.lastTick = performance.now();
    this.freezeTimer = setInterval(() => {
      this.frozenJustNow();
      this.lastTick = performance.now();
    }, FREEZE_TICK_MS);
    this.freezeTimer.unref();
  }

  /**
   * True, and acting stopped, when the detector's tick is overdue by more than a third of the
   * session timeout. Run by the tick and before anything a leader sends or does (a stream line, a
   * kill, a state answer): after a resume, whichever of those runs first — a heartbeat timer due
   * just before the tick, say — must not speak for a leadership that may be gone.
   */
  private frozenJustNow(): boolean {
    if (!this.freezeTimer || safeguardOff('freeze-detector')) return false;
    const gap = performance.now() - this.lastTick - FREEZE_TICK_MS;
    const timeout = this.zk.currentSession?.timeoutMs ?? this.config.sessionTimeoutMs;
    if (gap <= timeout / 3) return false;
    this.logger.warn({ ev: 'freeze-detected', gapMs: Math.round(gap), at: Date.now() }, 'process was frozen; re-checking leadership');
    this.election.recheck(`frozen for ${Math.round(gap)} ms`); // stops acting synchronously
    return true;
  }

  /** Leader duties on: called when the machine's leadership turns on (it already says acting). */
  private startActing(znode: string): void {
    const leadership = leadershipOf(znode);
    this.takeover.startActing(znode);
    this.zk.setVigilant(true);
    this.watchForFreezes();
    // Tests and the chaos checker read these lines to check "at most one acting leader".
    this.logger.info({ ev: 'acting-start', znode, fencingToken: leadership.fencingToken, at: Date.now() }, 'acting as leader');
    this.streams.open(leadership);
    const warm = this.standby?.leader === znode ? this.standby : null;
    if (!warm) this.standby?.stop();
    this.standby = null;
    this.observer = warm ?? new ClusterObserver(this.zk, znode, (ev, f) => this.logger.warn({ ev, ...f }, ev));
    this.observer.on('snapshot', (s) => this.streams.publish({ ...s, takeover: this.takeover.record }));
    if (warm) warm.refresh(this.election.writtenEntry('coordinators', znode));
    else this.observer.start();
  }

  /** Leader duties off: called when the machine's leadership turns off, with the znode it was. */
  private stopActing(znode: string, reason: string): void {
    this.takeover.stopActing();
    this.zk.setVigilant(false);
    if (this.freezeTimer) clearInterval(this.freezeTimer);
    this.freezeTimer = null;
    this.observer?.stop();
    this.observer = null;
    this.streams.close();
    this.logger.info({ ev: 'acting-stop', znode, fencingToken: leadershipOf(znode).fencingToken, reason, at: Date.now() }, 'stopped acting as leader');
  }

  /**
   * Dies as asked (modes: shared/src/kill-modes.ts). `crash` leaves the session to expire;
   * `graceful` closes it first. Anything else throws before anything happens: an unknown mode
   * must never pass for one of these.
   */
  die(mode: KillMode): void {
    killModeSpec(mode);
    if (this.dying) return;
    this.dying = true;
    this.logger.info({ ev: 'dying', mode, znode: this.election.state.electionZnode, at: Date.now() }, `killed (${mode})`);
    switch (mode) {
      case 'crash': {
        // Let the "dying" line reach stdout first (tests and benchmarks time the failover from it);
        // nothing else is flushed or closed, so the session is left to expire like a real crash.
        let exited = false;
        const crash = () => {
          if (exited) return;
          exited = true;
          this.exit('crash');
        };
        this.logger.flush(crash);
        setTimeout(crash, 200); // in case the destination never calls back
        return;
      }
      case 'graceful':
        void this.shutdown().finally(() => this.exit('graceful'));
        return;
      default:
        throw unknownKillMode(mode);
    }
  }

  /** Graceful stop: leave the election (immediate failover) and close everything. */
  async shutdown(): Promise<void> {
    // Stopping the election stops acting first, synchronously (reason "stopping").
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([this.election.stop(), timeout]);
  }
}

function leadershipOf(znode: string): Leadership {
  return { id: znode, fencingToken: parseElectionZnode(znode)?.sequence ?? -1 };
}

/** Ends the process the way the mode's table entry says (a crash is SIGKILL on ourselves: no handlers, no session close). */
function defaultExit(mode: KillMode): void {
  const { exit } = killModeSpec(mode);
  if ('signal' in exit) process.kill(process.pid, exit.signal);
  else process.exit(exit.code);
}
