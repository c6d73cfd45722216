/**
 * Watches /coordinators_service_registry and reports who leads. Purely event-driven: the children
 * watch is re-armed on every child event, and the registry is re-read on every `connected` (a new
 * session has no watches; a resumed one may have missed nothing, but a re-read is cheap).
 *
 * While the ZooKeeper connection is suspended we report nothing: the leader stream is the better
 * liveness signal, and a stale registry read must not replace it.
 */
import { EventEmitter } from 'node:events';
import { COORDINATORS_REGISTRY_PATH, ELECTION_PATH, listRegistry, parseElectionZnode, type RegisteredLeader, type RegistryListing } from '@zkviz/shared';
import { ZNONODE, ZOK, isConnectionProblem, rcName, type SessionInfo, type ZkConnection } from '@zkviz/shared/zk';
import type { FeedLog } from '../feed/types.js';
import { electionIncarnation } from './election-incarnation.js';
import type { DiscoveryEvents, LeaderDiscovery } from './types.js';

export class ZkLeaderDiscovery extends EventEmitter<DiscoveryEvents> implements LeaderDiscovery {
  /** Each read gets a number; only the latest one may report, so overlapping reads cannot reorder. */
  private readSeq = 0;
  /** Whether a children watch is set in the current session, so reconnects do not pile up watchers. */
  private watchArmed = false;
  private stopped = false;
  private readonly garbageSeen = new Set<string>();
  private readonly invalidWatched = new Set<string>();
  /** See expectCoordinators: entries read right behind every listing. */
  private expected: readonly string[] = [];

  private readonly path = COORDINATORS_REGISTRY_PATH;

  constructor(
    private readonly zk: ZkConnection,
    private readonly log: FeedLog,
  ) {
    super();
  }

  start(): void {
    this.zk.on('connected', this.onConnected);
    this.zk.start();
    if (this.zk.isConnected) void this.read();
  }

  stop(): void {
    this.stopped = true;
    this.zk.off('connected', this.onConnected);
    void this.zk.close(); // the gateway owns no ephemerals: nothing to wait for
  }

  expectCoordinators(znodes: readonly string[]): void {
    this.expected = znodes.filter((z) => parseElectionZnode(z) !== null).slice(0, 2);
  }

  watchElectionZnode(znode: string, onDeleted: (at: number) => void): void {
    this.watchDeletion(`${ELECTION_PATH}/${znode}`, onDeleted);
  }

  watchRegistryEntry(znode: string, onDeleted: (at: number) => void): void {
    this.watchDeletion(`${COORDINATORS_REGISTRY_PATH}/${znode}`, onDeleted);
  }

  /** A data watch that fires once on deletion; a data change (a registry entry's status) re-arms it. */
  private watchDeletion(path: string, onDeleted: (at: number) => void): void {
    if (this.stopped) return;
    void this.zk.getData(path, (kind) => {
      if (kind === 'deleted') onDeleted(Date.now());
      else if (kind === 'changed') this.watchDeletion(path, onDeleted);
    });
  }

  private readonly onConnected = (_session: SessionInfo, reconnected: boolean): void => {
    // A brand-new session carries none of the old session's watches.
    if (!reconnected) this.watchArmed = false;
    void this.read();
  };

  private readonly onChildEvent = (): void => {
    this.watchArmed = false;
    void this.read();
  };

  private async read(): Promise<void> {
    if (this.stopped) return;
    const seq = ++this.readSeq;
    // Which life of /election this read is in, read first: were /election re-created between this
    // and the listing, a new leader would be judged against the old floor (refused until the next
    // read), never an old leader against a fresh one. See election-incarnation.ts. Both are sent
    // at once (one round trip, not two): ZooKeeper runs a session's requests in the order sent,
    // so the incarnation is still read before the listing.
    const arm = !this.watchArmed;
    this.watchArmed = true;
    const electionRead = this.zk.getData(ELECTION_PATH);
    // The entries most likely to be the newest (a failover's successor registering) are read right
    // behind the listing: the pick then needs no second round trip (see listRegistry).
    const listed = listRegistry(this.zk, this.expected, arm ? this.onChildEvent : undefined);
    const election = await electionRead;
    const incarnation = election.rc === ZOK && election.stat ? electionIncarnation(election.stat) : null;
    const listing = await listed;
    const { rc } = listing;
    if (arm && rc !== ZOK) this.watchArmed = false;
    if (this.stopped || seq !== this.readSeq) return;

    if (rc === ZNONODE) {
      // No registry yet (fresh ZooKeeper): create the directory so there is something to watch.
      const created = await this.zk.ensurePath(this.path);
      if (created.rc === ZOK) void this.read();
      else this.log.warn({ path: this.path, rc: rcName(created.rc) }, 'could not create registry path; will retry on reconnect');
      return;
    }
    if (rc !== ZOK) {
      // A connection problem: the next `connected` triggers a fresh read.
      if (!isConnectionProblem(rc)) this.log.warn({ path: this.path, rc: rcName(rc) }, 'registry read failed');
      return;
    }

    const leader = await this.pickLeader(listing);
    if (leader === undefined || this.stopped || seq !== this.readSeq) return;
    this.emit('registry', leader, incarnation);
  }

  /** An entry may be written in two steps (create, then set data): re-read when its data changes. */
  private watchInvalidEntry(name: string): void {
    if (this.invalidWatched.has(name)) return;
    this.invalidWatched.add(name);
    void this.zk.getData(`${this.path}/${name}`, () => {
      this.invalidWatched.delete(name);
      void this.read();
    });
  }

  /** The registered leader (shared/src/registry.ts); null when there is none; undefined when the read was cut short. */
  private async pickLeader(listing: RegistryListing): Promise<RegisteredLeader | null | undefined> {
    const pick = await listing.pick();
    if (!pick) return undefined;
    for (const { name, reason } of pick.skipped) {
      if (!parseElectionZnode(name)) {
        if (this.garbageSeen.has(name)) continue;
        this.garbageSeen.add(name);
      } else {
        this.watchInvalidEntry(name);
      }
      this.log.warn({ ev: 'zk-garbage', path: this.path, child: name, reason }, 'skipping registry entry');
    }
    return pick.leader;
  }
}
