/**
 * A stream opened ahead to the node next in line (ClusterFeed.followSuccessor), with the latest
 * snapshot it sent: held, never applied, until the registry names that node and the feed adopts
 * it. A standby that ends unadopted (refused: not next in line after all) stays as a record of
 * that, so the feed does not reopen it while the same leader leads.
 */
import type { LeaderStreamMessage, RegisteredLeader } from '@zkviz/shared';
import type { StreamConnector, StreamHandle, StreamHandlers } from '../leader-client/stream-client.js';

type Phase = { name: 'waiting'; held: LeaderStreamMessage | null } | { name: 'adopted'; handlers: StreamHandlers } | { name: 'ended' } | { name: 'stopped' };

export class StandbyStream {
  private phase: Phase = { name: 'waiting', held: null };
  readonly handle: StreamHandle;

  constructor(
    /** The node next in line, as a leader to follow once the registry names it. */
    readonly leader: RegisteredLeader,
    /** The leader it stood behind when opened. */
    readonly under: string | null,
    connect: StreamConnector,
  ) {
    this.handle = connect(
      leader,
      {
        onMessage: (message) => {
          if (this.phase.name === 'adopted') this.phase.handlers.onMessage(message);
          else if (this.phase.name === 'waiting' && message.type === 'snapshot') this.phase.held = message;
        },
        onDown: (reason) => {
          if (this.phase.name === 'adopted') this.phase.handlers.onDown(reason);
          else if (this.phase.name === 'waiting') this.phase = { name: 'ended' };
        },
      },
      { standby: true },
    );
  }

  /** Still waiting for its node to lead: neither adopted, ended nor stopped. */
  get waiting(): boolean {
    return this.phase.name === 'waiting';
  }

  /** Open (waiting) to this very leader: same node, same address. */
  waitsFor(leader: RegisteredLeader): boolean {
    return this.waiting && this.leader.id === leader.id && this.leader.address === leader.address;
  }

  /** Ended unadopted, opened to `id` behind `leader`: reopening it now would be refused again. */
  refusedBehind(id: string, leader: string | null): boolean {
    return this.phase.name === 'ended' && this.leader.id === id && this.under === leader;
  }

  /**
   * The registry names its node: from now on its messages and its drop go to `handlers`, and it
   * is a leader stream (StreamHandle.adopt). Returns the snapshot it held, for the feed to apply.
   */
  adopt(handlers: StreamHandlers): LeaderStreamMessage | null {
    const held = this.phase.name === 'waiting' ? this.phase.held : null;
    this.phase = { name: 'adopted', handlers };
    this.handle.adopt();
    return held;
  }

  stop(): void {
    this.phase = { name: 'stopped' };
    this.handle.stop();
  }
}
