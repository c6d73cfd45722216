/**
 * Collects the measured phases of each failover from what the gateway itself observes and what
 * the new leader reports about its own takeover. No I/O and no clock of its own (every input
 * carries its time), so a failover's story can be replayed in a unit test.
 *
 * Who stamps what (the witness's own clock):
 *   kill-requested      gateway     the kill request arrived for the current leader
 *   process-exited      gateway     crash only: the old leader's stream was closed by the kernel
 *                                   when the process died (a graceful stop closes the stream when
 *                                   it stops acting, before exiting, so it is not stamped then)
 *   znode-deleted       gateway     ZooKeeper's deletion notification for the old leader's election
 *                                   znode (the gateway keeps a data watch on the leader's znode)
 *   session-expired     zookeeper   crash: ZooKeeper's expiry time for the ghost session (the
 *                                   ZooKeeper view), when it was seen
 *   session-closed      gateway     graceful: ZooKeeper's deletion notification for the old leader's
 *                                   coordinators-registry entry. The node deletes its election znode
 *                                   itself but never its registry entry, an ephemeral: ZooKeeper
 *                                   deletes that in the close-session transaction, so its
 *                                   notification is the close as ZooKeeper applied it (seen a few ms
 *                                   later on the gateway's clock). The gateway's one session gets
 *                                   notifications in zxid order, so it always follows znode-deleted.
 *   successor-notified  successor   its watch on the old leader's znode fired
 *   registry-updated    successor   its coordinators-registry entry was created
 *   successor-acting    successor   it started acting as leader
 *   gateway-switched    gateway     the first snapshot of the new leader was accepted
 *   page-painted        page        (added by the page: a frame after it rendered the new leader)
 */
import type { FailoverPhase, FailoverRecord, KillMode, Recipe, TakeoverRecord } from '@zkviz/shared';

export type FailoverObservation =
  | { type: 'kill-requested'; target: string; mode: KillMode; leader: string | null; at: number }
  | { type: 'leader-lost'; leader: string; at: number }
  | { type: 'znode-deleted'; znode: string; at: number }
  /** ZooKeeper deleted the node's coordinators-registry entry (only its session's end does that). */
  | { type: 'registry-entry-deleted'; znode: string; at: number }
  | { type: 'session-expiry'; znode: string; expiresAt: number }
  | { type: 'switched'; failover: FailoverRecord; takeover: TakeoverRecord | null; recipe?: Recipe | null }
  /** The herd-effect counts of a recorded failover, measured after it (failovers/counter.ts). */
  | { type: 'counted'; at: number; to: string; notified: number | null; reads: number | null; watches: number | null };

interface Draft {
  from: string;
  mode: KillMode | null;
  phases: FailoverPhase[];
  /** ZooKeeper's expiry time for the old leader's ghost session, if seen. */
  expiresAt: number | null;
  record: FailoverRecord | null;
}

export const FAILOVER_HISTORY = 50;

export class FailoverRecorder {
  /** The failover whose phases are still arriving: opened by a kill or a loss, kept until the next one. */
  private draft: Draft | null = null;
  private readonly done: FailoverRecord[] = [];

  constructor(private readonly capacity = FAILOVER_HISTORY) {}

  /** Applies one observation; true when a recorded failover changed (it should be re-published). */
  observe(o: FailoverObservation): boolean {
    switch (o.type) {
      case 'kill-requested':
        if (o.leader === null || o.target !== o.leader) return false;
        this.open(o.target, o.mode);
        return this.add({ name: 'kill-requested', at: o.at, by: 'gateway', how: `kill (${o.mode}) asked of the gateway` });
      case 'leader-lost': {
        if (!this.draft || this.draft.from !== o.leader || this.draft.record) this.open(o.leader, null);
        if (this.draft!.mode === 'crash') return this.add({ name: 'process-exited', at: o.at, by: 'gateway', how: 'the leader stream was closed by the kernel' });
        return false;
      }
      case 'znode-deleted':
        // Only a leader's znode is watched. Its deletion can come first (a frozen or cut-off
        // leader: ZooKeeper expires it before the gateway misses its stream): it opens the failover.
        if (this.draft?.from !== o.znode) this.open(o.znode, null);
        return this.add({ name: 'znode-deleted', at: o.at, by: 'gateway', how: "ZooKeeper's deletion notification on the gateway's watch" });
      case 'registry-entry-deleted':
        // A crash's session end is ZooKeeper's expiry time (session-expiry), not this notification.
        if (this.draft?.from !== o.znode || this.draft.mode !== 'graceful') return false;
        return this.add({
          name: 'session-closed',
          at: o.at,
          by: 'gateway',
          how: 'ZooKeeper deleted its registry entry (an ephemeral it never deletes itself) as it closed the session',
        });
      case 'session-expiry':
        if (this.draft?.from !== o.znode || this.draft.mode === 'graceful') return false;
        this.draft.expiresAt = o.expiresAt;
        return false;
      case 'switched':
        return this.switched(o.failover, o.takeover, o.recipe ?? null);
      case 'counted':
        return this.counted(o);
    }
  }

  /** Newest first. */
  list(): FailoverRecord[] {
    return [...this.done].reverse();
  }

  /** The record with this `at` and `to`, with its phases (the tracker's lastFailover, completed). */
  find(at: number, to: string): FailoverRecord | null {
    for (let i = this.done.length - 1; i >= 0; i--) {
      const r = this.done[i]!;
      if (r.at === at && r.to === to) return r;
    }
    return null;
  }

  private open(from: string, mode: KillMode | null): void {
    this.draft = { from, mode, phases: [], expiresAt: null, record: null };
  }

  private add(phase: FailoverPhase): boolean {
    const draft = this.draft!;
    if (draft.phases.some((p) => p.name === phase.name)) return false;
    draft.phases = [...draft.phases, phase].sort((a, b) => a.at - b.at);
    return this.republish();
  }

  private counted(o: Extract<FailoverObservation, { type: 'counted' }>): boolean {
    const record = this.find(o.at, o.to);
    if (!record) return false; // fell out of the history meanwhile
    const updated: FailoverRecord = { ...record, notified: o.notified, reads: o.reads, watches: o.watches };
    this.done[this.done.lastIndexOf(record)] = updated;
    if (this.draft?.record === record) this.draft.record = updated;
    return true;
  }

  private switched(failover: FailoverRecord, takeover: TakeoverRecord | null, recipe: Recipe | null): boolean {
    if (!this.draft || this.draft.record || (failover.from !== null && failover.from !== this.draft.from)) this.open(failover.from ?? '', null);
    const draft = this.draft!;
    const extra: FailoverPhase[] = [];
    if (draft.expiresAt !== null) {
      extra.push({ name: 'session-expired', at: draft.expiresAt, by: 'zookeeper', how: "ZooKeeper's expiry time for the session (ZooKeeper view)" });
    }
    if (takeover && takeover.leader === failover.to) {
      if (takeover.notifiedAt !== null && takeover.predecessor === draft.from) {
        extra.push({ name: 'successor-notified', at: takeover.notifiedAt, by: 'successor', how: 'its watch on the old leader’s znode fired' });
      } else if (takeover.notifiedAt !== null && takeover.predecessor === null && recipe === 'herd') {
        extra.push({
          name: 'successor-notified',
          at: takeover.notifiedAt,
          by: 'successor',
          how: 'its child watch on /election fired (herd: so did every other candidate’s)',
        });
      }
      if (takeover.registeredAt !== null)
        extra.push({ name: 'registry-updated', at: takeover.registeredAt, by: 'successor', how: 'its registry entry was created' });
      extra.push({ name: 'successor-acting', at: takeover.actingAt, by: 'successor', how: 'it started acting as leader' });
    }
    extra.push({ name: 'gateway-switched', at: failover.at, by: 'gateway', how: 'first snapshot of the new leader accepted' });
    const names = new Set(extra.map((p) => p.name));
    draft.phases = [...draft.phases.filter((p) => !names.has(p.name)), ...extra].sort((a, b) => a.at - b.at);
    // The counts (notified, reads, watches) are absent until `counted` brings them.
    draft.record = { ...failover, mode: draft.mode, phases: draft.phases, ...(recipe ? { recipe } : {}) };
    this.done.push(draft.record);
    if (this.done.length > this.capacity) this.done.splice(0, this.done.length - this.capacity);
    return true;
  }

  /** A phase that arrives after the switch (a late deletion notification) updates the recorded failover. */
  private republish(): boolean {
    const draft = this.draft!;
    if (!draft.record) return false;
    const updated: FailoverRecord = { ...draft.record, phases: draft.phases };
    const i = this.done.lastIndexOf(draft.record);
    if (i >= 0) this.done[i] = updated;
    draft.record = updated;
    return true;
  }
}
