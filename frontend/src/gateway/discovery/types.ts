import type { EventEmitter } from 'node:events';
import type { RegisteredLeader } from '@zkviz/shared';

export interface DiscoveryEvents {
  /**
   * The registry was (re)read: the leader it names, or null when it names none; and which life of
   * /election the read was made in (election-incarnation.ts), null when unknown (no /election yet).
   */
  registry: [leader: RegisteredLeader | null, electionIncarnation: string | null];
}

/** Where the feed learns who leads. The real one watches ZooKeeper; tests use a plain emitter. */
export interface LeaderDiscovery extends EventEmitter<DiscoveryEvents> {
  start(): void;
  stop(): void;
  /**
   * Calls `onDeleted` (with the time the notification arrived) once ZooKeeper deletes this election
   * znode: a one-shot data watch, for the failover timeline. Optional: test fakes have no ZooKeeper.
   */
  watchElectionZnode?(znode: string, onDeleted: (at: number) => void): void;
  /**
   * The same for the node's coordinators-registry entry. The node never deletes that entry itself
   * when it stops (cluster/test/machine.test.ts, "graceful stop of a leader"): ZooKeeper deletes it
   * when the session ends, so this is the session's end as ZooKeeper applied it.
   */
  watchRegistryEntry?(znode: string, onDeleted: (at: number) => void): void;
  /**
   * The election znodes likely to hold the newest coordinators entry at the next registry read
   * (the leader and its successor): their entries are read in the same round trip as the listing.
   * Only a hint; the pick is the same without it. Optional: test fakes have no ZooKeeper.
   */
  expectCoordinators?(znodes: readonly string[]): void;
}
