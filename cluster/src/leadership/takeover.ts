/**
 * How this node became leader, stamped on its own clock: when its predecessor's deletion woke
 * it, when its coordinators-registry entry was created, when it started acting. Read from the
 * election's own log events (the same lines tests and the chaos checker read), so the election
 * code needs no second channel. The leader sends it with every snapshot; the gateway turns it
 * into the successor's lane of the failover timeline.
 */
import type { TakeoverRecord } from '@zkviz/shared';

export class TakeoverLog {
  /** predecessor null: the herd recipe's child watch on /election woke it (it names no znode). */
  private notified: { predecessor: string | null; at: number } | null = null;
  private registeredAt: number | null = null;
  private current: TakeoverRecord | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Feed every election log event through here. */
  note(ev: string, fields: Record<string, unknown> | undefined): void {
    if (ev === 'predecessor-deleted' && typeof fields?.predecessor === 'string') this.notified = { predecessor: fields.predecessor, at: this.now() };
    // Under herd every change of /election wakes it; the last one before it acts is what made it leader.
    if (ev === 'election-children-changed') this.notified = { predecessor: null, at: this.now() };
    if (ev === 'registry-register' && fields?.registry === 'coordinators' && fields.rc === 'ZOK') this.registeredAt = this.now();
  }

  startActing(znode: string): void {
    this.current = {
      leader: znode,
      predecessor: this.notified?.predecessor ?? null,
      notifiedAt: this.notified?.at ?? null,
      registeredAt: this.registeredAt,
      actingAt: this.now(),
    };
  }

  stopActing(): void {
    this.current = null;
    this.notified = null;
    this.registeredAt = null;
  }

  get record(): TakeoverRecord | null {
    return this.current;
  }
}
