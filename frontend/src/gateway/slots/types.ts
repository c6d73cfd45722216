import type { EventEmitter } from 'node:events';
import type { SlotRecord, ZooKeeperServerOp } from '@zkviz/shared';

export interface SlotDirectoryEvents {
  /** Every slot record, sorted by slot name, after each change. */
  slots: [records: SlotRecord[]];
}

/** Where the gateway finds the supervisors: /zkviz/slots in ZooKeeper (tests use a plain emitter). */
export interface SlotDirectory extends EventEmitter<SlotDirectoryEvents> {
  get(slot: string): SlotRecord | undefined;
  start(): void;
  stop(): void;
}

export interface HttpAnswer {
  statusCode: number;
  /** Parsed JSON body, null when it was not JSON. */
  body: unknown;
}

/** Calls a supervisor's action route; rejects only when the supervisor could not be reached. */
export interface SupervisorClient {
  act(supervisor: string, action: string, body: unknown): Promise<HttpAnswer>;
}

/** The local-mode host (the launcher): adds slots and controls ZooKeeper. Null in compose. */
export interface HostClient {
  addSlot(): Promise<HttpAnswer>;
  zookeeper(id: string, op: ZooKeeperServerOp): Promise<HttpAnswer>;
}
