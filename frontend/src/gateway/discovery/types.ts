import type { EventEmitter } from 'node:events';
import type { RegisteredLeader } from '@zkviz/shared';

export interface DiscoveryEvents {
  /** The registry was (re)read: the leader it names, or null when it names none. */
  registry: [leader: RegisteredLeader | null];
}

/** Where the feed learns who leads. The real one watches ZooKeeper; tests use a plain emitter. */
export interface LeaderDiscovery extends EventEmitter<DiscoveryEvents> {
  start(): void;
  stop(): void;
}
