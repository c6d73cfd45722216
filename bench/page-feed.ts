/**
 * A synthesized cluster of any size, as the gateway would push it to a page: the messages of a
 * settled chain and of one graceful leader failover followed by the dead slot's restart. The
 * shapes and order copy a real 6-node local-mode failover recorded from the gateway's /ws
 * (2026-12-02): kill-requested; leader-lost and a stale leaderless snapshot; the successor's watch
 * unconfirmed and a ZooKeeper view without the old session; node-left, leader-elected and the new
 * leader's snapshot with its lastFailover; two more ZooKeeper views; later the slot restarts and its
 * new node joins at the end of the chain. Every node runs in a slot, as `npm start` runs them.
 * Pure (no I/O, no clock: `now` is passed in), so the page section (page.ts) can feed 100 nodes to
 * the built page without starting 100 processes.
 */
import type {
  ClusterEvent,
  ClusterView,
  FailoverRecord,
  NodeView,
  ServerMessage,
  SlotView,
  ZooKeeperSessionView,
  ZooKeeperView,
  ZooKeeperZnodeView,
} from '@zkviz/shared';

/** One message and how long after the previous one of its batch the gateway sent it. */
export interface FeedStep {
  afterMs: number;
  message: ServerMessage;
  /** The step whose snapshot first shows the new leader's row (what the repaint is timed on). */
  newLeader?: true;
}

interface FeedNode {
  id: string;
  sequence: number;
  session: string;
  address: string;
  pid: number;
  startedAt: number;
  slot: string;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const SESSION_PREFIX = '0x100016ea9f';

export class ClusterFeed {
  private nodes: FeedNode[] = [];
  private slots = new Map<string, SlotView>();
  private nextSequence = 0;
  private nextSession = 0;
  private zxid = 0x20;
  private seq = 0;
  private lastFailover: FailoverRecord | null = null;
  private readonly gatewaySession: string;

  constructor(
    readonly size: number,
    private now: number,
  ) {
    this.gatewaySession = this.session();
    for (let i = 1; i <= size; i++) this.slots.set(`node-${i}`, { slot: `node-${i}`, state: 'running', znode: null, pid: null, since: now, until: null });
    for (const slot of this.slots.keys()) this.join(slot);
  }

  get leader(): string {
    return this.nodes[0]!.id;
  }

  /** What a page gets on connect: the settled chain, the ZooKeeper view, the gateway's event. */
  settled(now: number): FeedStep[] {
    this.now = now;
    return [
      { afterMs: 0, message: this.snapshot('ok') },
      { afterMs: 0, message: this.zookeeper() },
      { afterMs: 0, message: this.event('gateway-connected', this.leader, `Gateway connected to leader ${this.leader}`) },
    ];
  }

  /**
   * A graceful kill of the leader, as the gateway pushed it: the new leader's row appears in the
   * step marked `newLeader`. The cluster then has one node less and the dead slot is stopped.
   */
  gracefulFailover(now: number): FeedStep[] {
    this.now = now;
    const old = this.nodes[0]!;
    const successor = this.nodes[1]!;
    const steps: FeedStep[] = [{ afterMs: 0, message: this.event('kill-requested', old.id, `Kill (graceful) requested for ${old.id}`) }];
    const lostAt = now + 40;
    this.now = lostAt;
    steps.push({ afterMs: 40, message: this.event('leader-lost', old.id, `Lost leader ${old.id}; re-election in progress`) });
    steps.push({ afterMs: 0, message: this.snapshot('leaderless', { stale: true, leaderlessSince: lostAt }) });
    // The old leader's znode is gone: its successor's watch is no longer held.
    this.nodes.shift();
    this.now += 60;
    steps.push({
      afterMs: 60,
      message: this.snapshot('leaderless', { stale: true, leaderlessSince: lostAt, rows: [old, ...this.nodes], unconfirmed: successor.id }),
    });
    this.zxid += 3;
    steps.push({ afterMs: 0, message: this.zookeeper() });
    this.stopSlot(old.slot);
    this.now += 10;
    this.lastFailover = {
      from: old.id,
      to: successor.id,
      durationMs: this.now - lostAt,
      at: this.now,
      mode: 'graceful',
      recipe: 'predecessor',
      phases: [
        { name: 'kill-requested', at: now, by: 'gateway', how: 'kill (graceful) asked of the gateway' },
        { name: 'successor-notified', at: now + 19, by: 'successor', how: 'its watch on the old leader’s znode fired' },
        { name: 'znode-deleted', at: now + 23, by: 'gateway', how: "ZooKeeper's deletion notification on the gateway's watch" },
        {
          name: 'session-closed',
          at: now + 37,
          by: 'gateway',
          how: 'ZooKeeper deleted its registry entry (an ephemeral it never deletes itself) as it closed the session',
        },
        { name: 'registry-updated', at: now + 48, by: 'successor', how: 'its registry entry was created' },
        { name: 'successor-acting', at: now + 49, by: 'successor', how: 'it started acting as leader' },
        { name: 'gateway-switched', at: this.now, by: 'gateway', how: 'first snapshot of the new leader accepted' },
      ],
    };
    steps.push({ afterMs: 10, message: this.event('node-left', old.id, `${old.id} left`) });
    steps.push({ afterMs: 0, message: this.event('leader-elected', successor.id, `${successor.id} became leader (fencing token ${successor.sequence})`) });
    steps.push({ afterMs: 0, message: this.snapshot('ok'), newLeader: true });
    this.zxid += 2;
    this.now += 20;
    steps.push({ afterMs: 20, message: this.zookeeper() });
    this.now += 20;
    steps.push({ afterMs: 20, message: this.zookeeper() });
    return steps;
  }

  /** The stopped slot restarted: its new node joins at the end of the chain, back to `size` nodes. */
  restart(now: number): FeedStep[] {
    this.now = now;
    const slot = [...this.slots.values()].find((s) => s.state === 'stopped');
    if (!slot) return [];
    const steps: FeedStep[] = [{ afterMs: 0, message: this.event('node-restarting', null, `${slot.slot} restarting`) }];
    this.slots.set(slot.slot, { ...slot, state: 'starting', since: now });
    steps.push({ afterMs: 0, message: this.snapshot('ok') });
    this.now += 300;
    const node = this.join(slot.slot);
    this.zxid += 3;
    steps.push({ afterMs: 300, message: this.snapshot('ok', { candidate: node.id }) });
    steps.push({ afterMs: 0, message: this.event('node-joined', node.id, `${node.id} joined`) });
    this.now += 30;
    steps.push({ afterMs: 30, message: this.snapshot('ok') });
    steps.push({ afterMs: 0, message: this.zookeeper() });
    this.now += 20;
    steps.push({ afterMs: 20, message: this.event('node-restarted', null, `${slot.slot} restarted`) });
    return steps;
  }

  /** The ZooKeeper view the gateway re-reads while nothing else changes (latency moves). */
  idle(now: number): FeedStep[] {
    this.now = now;
    return [{ afterMs: 0, message: this.zookeeper() }];
  }

  private session(): string {
    return `${SESSION_PREFIX}${hex(this.nextSession++, 5)}`;
  }

  private join(slot: string): FeedNode {
    const sequence = this.nextSequence++;
    const node: FeedNode = {
      id: `${hex((sequence * 2654435761) >>> 0, 8)}${hex(sequence, 24)}-n_${String(sequence).padStart(10, '0')}`,
      sequence,
      session: this.session(),
      address: `127.0.0.1:${30000 + sequence}`,
      pid: 7000 + sequence,
      startedAt: this.now,
      slot,
    };
    this.nodes.push(node);
    this.slots.set(slot, { slot, state: 'running', znode: node.id, pid: node.pid, since: this.now, until: null });
    return node;
  }

  private stopSlot(slot: string): void {
    this.slots.set(slot, { slot, state: 'stopped', znode: null, pid: null, since: this.now, until: null });
  }

  private event(kind: ClusterEvent['kind'], nodeId: string | null, text: string): ServerMessage {
    return { type: 'event', event: { at: this.now, kind, nodeId, text } };
  }

  private snapshot(
    status: ClusterView['status'],
    o: { stale?: boolean; leaderlessSince?: number; rows?: FeedNode[]; unconfirmed?: string; candidate?: string } = {},
  ): ServerMessage {
    const rows = o.rows ?? this.nodes;
    const leader = status === 'ok' ? rows[0]! : null;
    const nodes: NodeView[] = rows.map((n, i) => {
      const role = o.candidate === n.id ? 'candidate' : i === 0 ? 'leader' : 'worker';
      const watching = role === 'worker' ? rows[i - 1]!.id : null;
      return {
        id: n.id,
        sequence: n.sequence,
        role,
        watching,
        address: n.address,
        startedAt: n.startedAt,
        pid: n.pid,
        inCoordinatorsRegistry: role === 'leader',
        inWorkersRegistry: role === 'worker',
        session: n.session,
        liveness: 'alive',
        sessionExpiresAt: null,
        watchConfirmed: watching === null ? null : o.unconfirmed !== n.id,
        slot: n.slot,
      };
    });
    return {
      type: 'snapshot',
      view: {
        status,
        leader: leader?.id ?? null,
        fencingToken: leader?.sequence ?? null,
        electionIncarnation: leader ? '0x5@1796181609017' : null,
        leaderAddress: leader?.address ?? null,
        nodes,
        stale: o.stale ?? false,
        leaderlessSince: o.leaderlessSince ?? null,
        lastFailover: this.lastFailover,
        updatedAt: this.now,
        seq: ++this.seq,
        slots: [...this.slots.values()].sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true })),
        recipe: 'predecessor',
      },
    };
  }

  private zookeeper(): ServerMessage {
    const server = '127.0.0.1:41667';
    const sessions: ZooKeeperSessionView[] = [
      {
        id: this.gatewaySession,
        timeoutMs: 2000,
        owner: 'gateway',
        server,
        connected: true,
        expiresAt: this.now + 1500,
        ephemerals: [],
        watches: ['/election', '/zkviz/recipe'],
      },
      ...this.nodes.map((n, i) => ({
        id: n.session,
        timeoutMs: 2000,
        owner: n.id,
        server,
        connected: true,
        expiresAt: this.now + 1200 + (i % 7) * 100,
        ephemerals: [`/election/${n.id}`, `/${i === 0 ? 'coordinators' : 'workers'}_service_registry/${n.id}`],
        watches: [...(i > 0 ? [`/election/${this.nodes[i - 1]!.id}`] : []), '/zkviz/recipe'],
      })),
    ].sort((a, b) => a.id.localeCompare(b.id));
    const stat = (n: FeedNode | null, version: number, children: number, dataLength: number) => ({
      czxid: `0x${hex(n ? 0x10 + n.sequence * 4 : 5, 1)}`,
      mzxid: `0x${hex(n ? 0x10 + n.sequence * 4 + version : this.zxid, 1)}`,
      ctime: n?.startedAt ?? 1796181609017,
      mtime: n?.startedAt ?? 1796181609017,
      version,
      cversion: n ? 0 : this.nextSequence,
      ephemeralOwner: n?.session ?? '0x0',
      dataLength,
      numChildren: children,
    });
    const entry = (n: FeedNode, role: string, i: number) =>
      JSON.stringify({
        id: n.id,
        sequence: n.sequence,
        role,
        watching: i > 0 ? this.nodes[i - 1]!.id : null,
        address: n.address,
        startedAt: n.startedAt,
        pid: n.pid,
        sessionId: n.session,
        updatedAt: n.startedAt + 50,
        registeredAt: n.startedAt + 40,
      });
    const election: ZooKeeperZnodeView[] = this.nodes.map((n) => {
      const data = JSON.stringify({ address: n.address, startedAt: n.startedAt, pid: n.pid });
      return { path: `/election/${n.id}`, stat: stat(n, 0, 0, data.length), data };
    });
    const registry = (name: string, members: Array<[FeedNode, number]>, role: string): ZooKeeperZnodeView[] => [
      { path: `/${name}`, stat: stat(null, 0, members.length, 0), data: null },
      ...members.map(([n, i]) => {
        const data = entry(n, role, i);
        return { path: `/${name}/${n.id}`, stat: stat(n, 1, 0, data.length), data };
      }),
    ];
    const indexed = this.nodes.map((n, i) => [n, i] as [FeedNode, number]);
    const znodes = [
      { path: '/election', stat: stat(null, 0, this.nodes.length, 0), data: null },
      ...election,
      ...registry('coordinators_service_registry', indexed.slice(0, 1), 'leader'),
      ...registry('workers_service_registry', indexed.slice(1), 'worker'),
    ];
    const view: ZooKeeperView = {
      servers: [
        {
          id: 1,
          address: server,
          state: 'up',
          mode: 'standalone',
          zxid: `0x${hex(this.zxid, 1)}`,
          epoch: 0,
          counter: this.zxid,
          version: '3.8.0',
          latency: { min: 0, avg: Math.round((3 + (this.now % 1000) / 1000) * 10000) / 10000, max: 100 },
          connections: sessions.length + 2,
          outstanding: 0,
          znodeCount: znodes.length + 6,
          watchCount: this.nodes.length * 2 + 1,
        },
      ],
      quorum: { size: 1, up: 1, holds: true },
      sessions,
      znodes,
      updatedAt: this.now,
      source: ['srvr', 'mntr', 'cons', 'dump', 'wchc', 'znodes'],
      problems: [],
    };
    return { type: 'zookeeper', view };
  }
}
