/**
 * The acting leader's view of the cluster, kept current by ZooKeeper watches only (no polling of
 * the workers): a child watch on /election and on both registries, and a data watch on every
 * registry entry (that is where nodes publish their status). Election znode data never changes
 * after create, so it is read once per znode, without a watch.
 *
 * One observer lives for one acting period; a new period builds a new observer, so nothing stale
 * survives a suspension. This client cannot remove watches, so late callbacks check `stopped`.
 * The node next in line starts one before it acts (a standby, kept current by the same watches)
 * and hands it to its acting period, so a new leader's first snapshot needs no reads.
 */
import { EventEmitter } from 'node:events';
import {
  COORDINATORS_REGISTRY_PATH,
  ELECTION_PATH,
  WORKERS_REGISTRY_PATH,
  parseElectionZnode,
  parseElectionZnodeData,
  readRegistryEntry,
  type ClusterSnapshot,
  type ElectionZnodeData,
} from '@zkviz/shared';
import { ZNONODE, ZOK, type ZkConnection } from '@zkviz/shared/zk';
import { buildSnapshot, type ObservedCluster, type ObservedEntry } from './snapshot.js';

type Log = (ev: string, fields?: Record<string, unknown>) => void;

export class ClusterObserver extends EventEmitter<{ snapshot: [ClusterSnapshot] }> {
  private stopped = false;
  private version = 0;
  private scheduled = false;
  /** Initial reads still running (election, both registries); no snapshot before they are in. */
  private loading = 3;
  private latestSnapshot: ClusterSnapshot | null = null;
  private readonly observed: ObservedCluster = { election: new Map(), coordinators: new Map(), workers: new Map() };
  /** Registry entry reads in flight, by path: each arms a data watch, and one per entry is enough. */
  private readonly entryReads = new Map<string, Promise<void>>();

  constructor(
    private readonly zk: ZkConnection,
    readonly leader: string,
    private readonly log: Log,
  ) {
    super();
  }

  get latest(): ClusterSnapshot | null {
    return this.latestSnapshot;
  }

  start(): void {
    // The first snapshot waits for the initial reads (the children, the registry entries), so a
    // new leader's first table is complete: without this, its first few snapshots show every node
    // as a candidate (registry entries not read yet) and the gateway pushes each of them. Not for
    // the election znodes' data: a row takes address, start and pid from its registry entry, the
    // data is only the fallback of a candidate not registered yet, and waiting for N more reads
    // made a new leader's first snapshot later the bigger the cluster.
    const loaded = () => {
      if (--this.loading === 0) this.schedule();
    };
    let listed = false;
    const electionListed = () => {
      if (listed) return;
      listed = true;
      loaded();
    };
    void this.watchElection(electionListed).finally(electionListed);
    for (const [path, entries] of [
      [COORDINATORS_REGISTRY_PATH, this.observed.coordinators],
      [WORKERS_REGISTRY_PATH, this.observed.workers],
    ] as const) {
      void this.watchRegistry(path, entries).finally(loaded);
    }
  }

  stop(): void {
    this.stopped = true;
    this.removeAllListeners();
  }

  /**
   * Promotion of a standby: a snapshot of what it knows now, once it knows our own coordinators
   * entry (the row marked leader comes from it; acting follows that entry's create, so it is
   * there). A standby may not have read it yet, its child watch being a round trip behind the
   * create; then it is read now, and no snapshot goes out without it (a table with no leader row
   * is what a fresh observer's complete first read never shows either). `written`: the entry's
   * data as ZooKeeper confirmed our create of it; with it no read waits, the first snapshot goes
   * out at once, and the read (for the entry's data watch) runs behind it.
   */
  refresh(written: string | null = null): void {
    const entries = this.observed.coordinators;
    if (entries.get(this.leader)?.ok) return this.schedule();
    const path = `${COORDINATORS_REGISTRY_PATH}/${this.leader}`;
    const own = written === null ? null : { ...readRegistryEntry(this.leader, written), raw: written };
    if (own?.ok) {
      entries.set(this.leader, own);
      // Listed but not read yet: that read arms the data watch; else one of our own does.
      if (!this.entryReads.has(path)) void this.watchEntry(COORDINATORS_REGISTRY_PATH, this.leader, entries);
      return this.schedule();
    }
    this.loading++;
    if (!entries.has(this.leader)) entries.set(this.leader, null);
    // Listed but not read yet: await that read rather than send a second one, whose watch would
    // double every later 'changed' callback on our entry.
    const read = this.entryReads.get(path) ?? this.watchEntry(COORDINATORS_REGISTRY_PATH, this.leader, entries);
    void read.finally(() => {
      if (--this.loading === 0) this.schedule();
    });
  }

  /** Coalesces a burst of watch events (e.g. a failover) into one snapshot, without a timer delay. */
  private schedule(): void {
    if (this.scheduled || this.stopped || this.loading > 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      this.latestSnapshot = buildSnapshot(this.leader, ++this.version, Date.now(), this.observed);
      this.emit('snapshot', this.latestSnapshot);
    });
  }

  /** `onListed`: called once the children are in, before their data is read. */
  private async watchElection(onListed?: () => void): Promise<void> {
    if (this.stopped) return;
    const { rc, children } = await this.zk.getChildren(ELECTION_PATH, () => void this.watchElection());
    if (this.stopped || rc !== ZOK || !children) return;
    const present = new Set(children.filter((c) => parseElectionZnode(c) !== null));
    const { changed, fresh } = syncListing(this.observed.election, present);
    onListed?.();
    if (changed) this.schedule();
    await Promise.all(fresh.map((name) => this.readElectionData(name)));
  }

  /**
   * Read once, without a watch: the data never changes after create, and a watch here would show
   * in ZooKeeper's own watch table as the leader watching every candidate, which the recipe
   * (each node watches only its predecessor) does not do.
   */
  private async readElectionData(name: string): Promise<void> {
    const { rc, data } = await this.zk.getData(`${ELECTION_PATH}/${name}`);
    // Gone before its read (a listing older than its deletion named it): no row for it.
    if (rc === ZNONODE && !this.stopped && this.observed.election.delete(name)) this.schedule();
    if (this.stopped || rc !== ZOK || !this.observed.election.has(name)) return;
    const parsed: ElectionZnodeData | null = parseElectionZnodeData(data);
    if (!parsed) this.log('zk-garbage', { path: `${ELECTION_PATH}/${name}`, what: 'election znode data' });
    this.observed.election.set(name, parsed);
    this.schedule();
  }

  private async watchRegistry(path: string, entries: Map<string, ObservedEntry>, ensured = false): Promise<void> {
    if (this.stopped) return;
    const { rc, children } = await this.zk.getChildren(path, () => void this.watchRegistry(path, entries));
    // A child watch cannot be set on a missing node: create the registry, then watch. Only then:
    // a create is a write (a disk sync) on the new leader's first snapshot, and our own
    // coordinators entry, made just before we act, means that registry is there.
    if (rc === ZNONODE && !ensured && !this.stopped) {
      await this.zk.ensurePath(path);
      return this.watchRegistry(path, entries, true);
    }
    if (this.stopped || rc !== ZOK || !children) return;
    const present = new Set<string>();
    for (const child of children) {
      if (parseElectionZnode(child)) present.add(child);
      else this.log('zk-garbage', { path: `${path}/${child}`, what: 'registry child name' });
    }
    const { changed, fresh } = syncListing(entries, present);
    if (changed) this.schedule();
    await Promise.all(fresh.map((name) => this.watchEntry(path, name, entries)));
  }

  private watchEntry(path: string, name: string, entries: Map<string, ObservedEntry>): Promise<void> {
    const key = `${path}/${name}`;
    const read = this.readEntry(path, name, entries).finally(() => {
      if (this.entryReads.get(key) === read) this.entryReads.delete(key);
    });
    this.entryReads.set(key, read);
    return read;
  }

  private async readEntry(path: string, name: string, entries: Map<string, ObservedEntry>): Promise<void> {
    if (this.stopped || !entries.has(name)) return;
    const { rc, data } = await this.zk.getData(`${path}/${name}`, (kind) => {
      if (kind === 'changed') void this.watchEntry(path, name, entries);
      // Deleted: gone now (as for election znodes above); the registry's child watch agrees later.
      else if (kind === 'deleted' && entries.delete(name)) this.schedule();
    });
    if (rc === ZNONODE && !this.stopped && entries.delete(name)) this.schedule();
    if (this.stopped || rc !== ZOK || !entries.has(name)) return;
    // Kept either way: a refused entry still shows as present in its registry, but counts for nothing.
    const raw = data?.toString('utf8') ?? '';
    // The same bytes again (our own entry, seeded from our create; a data watch re-armed) give the
    // same verdict: no new snapshot, and garbage is not logged twice.
    if (entries.get(name)?.raw === raw) return;
    const read = readRegistryEntry(name, data);
    if (!read.ok) this.log('zk-garbage', { path: `${path}/${name}`, what: 'registry entry data', reason: read.reason });
    entries.set(name, { ...read, raw });
    this.schedule();
  }
}

/**
 * Makes `known`'s names the listing's `present` ones: the gone are deleted, the new added unread
 * (null). `changed`: anything was; an unchanged listing (a watch re-armed) makes no new snapshot,
 * each one being a view on every page. `fresh`: the names to read.
 */
function syncListing<T>(known: Map<string, T | null>, present: ReadonlySet<string>): { changed: boolean; fresh: string[] } {
  let changed = false;
  for (const name of [...known.keys()]) {
    if (present.has(name)) continue;
    known.delete(name);
    changed = true;
  }
  const fresh = [...present].filter((name) => !known.has(name));
  for (const name of fresh) known.set(name, null);
  return { changed: changed || fresh.length > 0, fresh };
}
