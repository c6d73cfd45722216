/**
 * The slot record in ZooKeeper: the ephemeral `/zkviz/slots/<slot>`, written only by this
 * supervisor, on its own session (not the node's: it must stay while the node is frozen, cut off
 * or dead). Re-created on every new session; one write in flight at a time, the latest wins.
 */
import { SLOTS_PATH, type SlotRecord } from '@zkviz/shared';
import { ZNODEEXISTS, ZNONODE, ZOK, ZOO_EPHEMERAL, rcName, type ZkConnection } from '@zkviz/shared/zk';
import type { Logger } from 'pino';

const RETRY_MS = 500;

const normaliseSessionId = (id: string) =>
  id
    .replace(/^0x/, '')
    .replace(/^0+(?=.)/, '')
    .toLowerCase();

export class SlotRegistration {
  private readonly path: string;
  /** Session id under which our ephemeral exists, or null. */
  private createdIn: string | null = null;
  private writing = false;
  private again = false;

  constructor(
    private readonly zk: ZkConnection,
    slot: string,
    private readonly record: () => SlotRecord,
    private readonly logger: Logger,
  ) {
    this.path = `${SLOTS_PATH}/${slot}`;
    zk.on('connected', () => this.publish());
  }

  /** Writes the current record (coalesced: a write in flight is followed by one more). */
  publish(): void {
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = true;
    void this.write().finally(() => {
      this.writing = false;
      if (this.again) {
        this.again = false;
        this.publish();
      }
    });
  }

  private async write(): Promise<void> {
    const session = this.zk.currentSession;
    if (!session || !this.zk.isConnected) return; // the next `connected` publishes
    const data = JSON.stringify(this.record());
    if (this.createdIn === session.id) {
      const { rc } = await this.zk.setData(this.path, data);
      if (rc === ZOK) return;
      if (rc !== ZNONODE) return this.retryLater(`setData ${rcName(rc)}`);
      this.createdIn = null; // deleted by hand: create it again
    }
    await this.zk.ensurePath(SLOTS_PATH);
    const created = await this.zk.create(this.path, data, ZOO_EPHEMERAL);
    if (created.rc === ZOK) {
      this.createdIn = session.id;
      this.logger.info({ ev: 'slot-registered', path: this.path }, 'slot record created');
      return;
    }
    if (created.rc !== ZNODEEXISTS) return this.retryLater(`create ${rcName(created.rc)}`);
    // Ours from this session (a create whose reply was lost), or a previous session's that has
    // not expired yet (the supervisor restarted): take the first, wait for the second to go.
    const existing = await this.zk.getData(this.path, (kind) => {
      if (kind === 'deleted') this.publish();
    });
    if (existing.rc === ZOK && existing.stat && normaliseSessionId(existing.stat.ephemeralOwner) === normaliseSessionId(session.id)) {
      this.createdIn = session.id;
      this.publish();
    } else if (existing.rc === ZNONODE) {
      this.publish();
    } else {
      this.logger.warn({ ev: 'slot-name-taken', path: this.path }, 'another session holds this slot record; waiting for it to go');
    }
  }

  private retryLater(why: string): void {
    this.logger.warn({ ev: 'slot-publish-failed', why }, 'could not publish the slot record; retrying');
    setTimeout(() => this.publish(), RETRY_MS).unref();
  }
}
