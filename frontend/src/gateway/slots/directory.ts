/**
 * Watches /zkviz/slots, where each supervisor publishes its slot, and reports every record after
 * each change. Event-driven like the leader discovery: a children watch on the parent, a data watch
 * per slot, a full re-read on every new session. Records that do not parse are logged and skipped.
 */
import { EventEmitter } from 'node:events';
import { SLOTS_PATH, parseSlotRecord, type SlotRecord } from '@zkviz/shared';
import { ZNONODE, ZOK, isConnectionProblem, rcName, type SessionInfo, type ZkConnection } from '@zkviz/shared/zk';
import type { FeedLog } from '../feed/types.js';
import type { SlotDirectory, SlotDirectoryEvents } from './types.js';

export class ZkSlotDirectory extends EventEmitter<SlotDirectoryEvents> implements SlotDirectory {
  private records = new Map<string, SlotRecord>();
  private readSeq = 0;
  private childrenWatched = false;
  private readonly dataWatched = new Set<string>();
  private readonly garbageSeen = new Set<string>();
  private stopped = false;

  constructor(
    private readonly zk: ZkConnection,
    private readonly log: FeedLog,
  ) {
    super();
  }

  get(slot: string): SlotRecord | undefined {
    return this.records.get(slot);
  }

  start(): void {
    this.zk.on('connected', this.onConnected);
    if (this.zk.isConnected) void this.read();
  }

  stop(): void {
    this.stopped = true;
    this.zk.off('connected', this.onConnected);
  }

  private readonly onConnected = (_s: SessionInfo, reconnected: boolean): void => {
    if (!reconnected) {
      this.childrenWatched = false;
      this.dataWatched.clear();
    }
    void this.read();
  };

  private async read(): Promise<void> {
    if (this.stopped) return;
    const seq = ++this.readSeq;
    const arm = !this.childrenWatched;
    this.childrenWatched = true;
    const { rc, children } = await this.zk.getChildren(
      SLOTS_PATH,
      arm
        ? () => {
            this.childrenWatched = false;
            void this.read();
          }
        : undefined,
    );
    if (arm && rc !== ZOK) this.childrenWatched = false;
    if (this.stopped || seq !== this.readSeq) return;
    if (rc === ZNONODE) {
      const created = await this.zk.ensurePath(SLOTS_PATH);
      if (created.rc === ZOK) void this.read();
      return;
    }
    if (rc !== ZOK || !children) {
      if (!isConnectionProblem(rc)) this.log.warn({ path: SLOTS_PATH, rc: rcName(rc) }, 'slot directory read failed');
      return;
    }
    const next = new Map<string, SlotRecord>();
    for (const name of [...children].sort()) {
      const armData = !this.dataWatched.has(name);
      if (armData) this.dataWatched.add(name);
      const got = await this.zk.getData(
        `${SLOTS_PATH}/${name}`,
        armData
          ? () => {
              this.dataWatched.delete(name);
              void this.read();
            }
          : undefined,
      );
      if (armData && got.rc !== ZOK) this.dataWatched.delete(name);
      if (got.rc === ZNONODE) continue;
      if (got.rc !== ZOK) return; // connection trouble: the next `connected` re-reads everything
      const record = parseSlotRecord(name, got.data ?? null);
      if (record) next.set(name, record);
      else if (!this.garbageSeen.has(name)) {
        this.garbageSeen.add(name);
        this.log.warn({ ev: 'zk-garbage', path: `${SLOTS_PATH}/${name}` }, 'skipping a slot record that does not parse');
      }
    }
    if (this.stopped || seq !== this.readSeq) return;
    this.records = next;
    this.emit('slots', [...next.values()]);
  }
}
