/**
 * Wire types shared by the cluster nodes, the gateway and the page.
 * One definition; every process imports it from here.
 */
import type { FaultCapabilities } from './faults.js';
import type { SlotView } from './slots.js';
import type { KillMode } from './kill-modes.js';
import type { Recipe } from './recipes.js';
import type { ScenarioRunView } from './scenarios.js';

export type NodeRole = 'leader' | 'worker';

/**
 * What ZooKeeper itself says about a node, next to what the node claims (gateway-side, from the
 * ZooKeeperView; see frontend/src/gateway/zookeeper).
 */
export interface NodeZooKeeperFacts {
  /** Hex id of the session that owns the node's election znode (its `ephemeralOwner`), or null if unknown. */
  session: string | null;
  /**
   * `ghost`: ZooKeeper still holds the session (and the znode) but no server has a connection for
   * it: the process is gone (or cut off) and the session is waiting to expire.
   */
  liveness: 'alive' | 'ghost';
  /** While a ghost: the server's expiry time for the session (epoch ms); null otherwise or if unknown. */
  sessionExpiresAt: number | null;
  /**
   * true when ZooKeeper holds a data watch by this node's session on the znode it says it watches,
   * false when it does not; null when unknown or the node watches nothing.
   */
  watchConfirmed: boolean | null;
}

/** A row as the leader reports it: what the nodes claim. */
export interface NodeClaim {
  id: string;
  sequence: number;
  role: NodeRole | 'candidate';
  watching: string | null;
  address: string | null;
  startedAt: number | null;
  pid: number | null;
  /** Entry present under /coordinators_service_registry. */
  inCoordinatorsRegistry: boolean;
  /** Entry present under /workers_service_registry. */
  inWorkersRegistry: boolean;
  /** The slot (supervisor) this node runs in; null for a node no supervisor owns. */
  slot?: string | null;
}

/** One row of the table: the claim, checked against ZooKeeper. */
export interface NodeView extends NodeClaim, NodeZooKeeperFacts {}

/** The cluster as the acting leader sees it through its ZooKeeper watches. */
export interface ClusterSnapshot {
  /** Election znode name of the leader that produced the snapshot. */
  leader: string;
  /** Sequence of the leader's election znode: the fencing token. */
  fencingToken: number;
  /** Increases by one with every snapshot this leader emits. */
  version: number;
  /** Epoch ms the snapshot was assembled. */
  generatedAt: number;
  /** Sorted by sequence. */
  nodes: NodeClaim[];
  /** How this leader took over, on its own clock (absent from nodes that predate it). */
  takeover?: TakeoverRecord | null;
}

/** The successor's own stamps of its takeover (cluster/src/leadership/takeover.ts). */
export interface TakeoverRecord {
  leader: string;
  /** The znode whose deletion woke it; null if it led from the start, or (with `notifiedAt`) if the herd recipe's child watch woke it. */
  predecessor: string | null;
  /** Epoch ms its watch on `predecessor` (under herd: its child watch on /election) fired. */
  notifiedAt: number | null;
  /** Epoch ms its coordinators-registry entry was created. */
  registeredAt: number | null;
  /** Epoch ms it started acting as leader. */
  actingAt: number;
}

/** ndjson lines on the leader's internal stream (`GET /internal/cluster/stream`). */
export type LeaderStreamMessage = { type: 'snapshot'; snapshot: ClusterSnapshot } | { type: 'heartbeat'; leader: string; fencingToken: number; at: number };

/**
 * Data of a registry entry (both registries), as JSON; the child's name is the node's election
 * znode name. It carries what discovery needs (address) and the node's live status, so that a
 * status change notifies only the leader (which watches the registries), never the node's
 * successor. `watching` is what the node really watches right now (not recomputed from the
 * sorted list), so the table shows the brief stale moments after a predecessor dies.
 * Readers go through `readRegistryEntry` (registry.ts), which needs only id, sequence and address.
 */
export interface RegistryEntry {
  /** The node's election znode name; also its id everywhere. */
  id: string;
  /** Sequence of the election znode; for the leader it is the fencing token. */
  sequence: number;
  role: NodeRole | 'candidate';
  /** Name of the election znode this node watches (its predecessor), or null. */
  watching: string | null;
  /** host:port where the node's HTTP server is reachable by the other nodes and the gateway. */
  address: string;
  /** Epoch ms the process started. */
  startedAt: number;
  pid: number;
  /** Hex ZooKeeper session id, so a reader can tell znodes of an old session from the current one. */
  sessionId: string;
  /** Epoch ms this status was written. */
  updatedAt: number;
  registeredAt: number;
}

/**
 * `GET /internal/status` (open, on every node): the node's own view of itself. Tests and the
 * fault harness read it; the JSON schema beside the route (cluster/src/server/health.ts) keeps it.
 */
export interface NodeSelfStatus {
  /** Our election znode name, or null while we have none. */
  znode: string | null;
  role: NodeRole | 'candidate';
  /** The election machine's phase (connecting, joining, deciding, following, leading, stopped). */
  phase: string;
  watching: string | null;
  connected: boolean;
  /** Acting as leader right now (stream and kills on). */
  acting: boolean;
  address: string;
  startedAt: number;
  pid: number;
  /** The recipe the node's election follows now (shared/src/recipes.ts). */
  recipe: Recipe;
  /** Epoch ms of the latest fires of its election watch, oldest first (at most 32): what woke it. */
  wokenAt: number[];
}

/** Data of an election znode, written once at create: who is behind it. */
export interface ElectionZnodeData {
  address: string;
  startedAt: number;
  pid: number;
}

/** Timeline entries of the fault actions and their ends (see frontend/src/gateway/slots/events.ts). */
export type FaultEventKind =
  | 'node-frozen'
  | 'node-resumed'
  | 'node-partitioned'
  | 'node-healed'
  | 'node-crashed'
  | 'node-stopped'
  | 'node-restarting'
  | 'node-restarted'
  | 'slot-added'
  | 'slot-gone'
  | 'zookeeper-stopped'
  | 'zookeeper-started';

/**
 * Timeline entries of what ZooKeeper itself did, read from consecutive ZooKeeperViews
 * (frontend/src/gateway/zookeeper/events.ts): its own (ZAB) leader moved to a new epoch; a node's
 * session is now held by another server of the ensemble (same session id, its znodes kept).
 */
export type ZooKeeperEventKind = 'zookeeper-leader-changed' | 'session-moved';

export type GatewayStatus = 'connecting' | 'ok' | 'leaderless';

/** The measured phases of a failover, in the order they usually happen (the timeline sorts by `at`). */
export const FAILOVER_PHASES = [
  'kill-requested',
  'process-exited',
  'session-closed',
  'session-expired',
  'znode-deleted',
  'successor-notified',
  'successor-acting',
  'registry-updated',
  'gateway-switched',
  'page-painted',
] as const;
export type FailoverPhaseName = (typeof FAILOVER_PHASES)[number];

/** The process that saw a phase, i.e. whose clock stamped it. */
export type FailoverWitness = 'old-leader' | 'successor' | 'zookeeper' | 'gateway' | 'page';

export interface FailoverPhase {
  name: FailoverPhaseName;
  /** Epoch ms on the witness's clock. */
  at: number;
  by: FailoverWitness;
  /** How it was seen, e.g. "leader stream closed by the kernel". */
  how?: string;
}

export interface FailoverRecord {
  from: string | null;
  to: string;
  /** From the moment the gateway lost the old leader to the first snapshot of the new one. */
  durationMs: number;
  at: number;
  /** How the old leader was stopped, when a kill from the page did it; null for any other loss. */
  mode: KillMode | null;
  /** Every phase observed, in time order (page-painted is added by the page itself). */
  phases: FailoverPhase[];
  /** The recipe the cluster ran during the failover (null: not known). */
  recipe?: Recipe | null;
  /** How many nodes an election watch woke during the failover (their own reports); absent until counted, null if not countable. */
  notified?: number | null;
  /** Reads of /election ZooKeeper served during the failover (`mntr`), less the gateway's own; null when not measured. */
  reads?: number | null;
  /** Watches ZooKeeper held (`mntr` zk_watch_count) when the failover was counted; null when not measured. */
  watches?: number | null;
}

/** What the browser sees: `GET /api/cluster` and every `snapshot` message on `/ws`. */
export interface ClusterView {
  status: GatewayStatus;
  /** Election znode name of the current leader, or null while there is none. */
  leader: string | null;
  /** Sequence of the leader's election znode, or null while there is none. */
  fencingToken: number | null;
  /**
   * Which life of the /election znode `fencingToken` counts in: its czxid and ctime, `0x1b@1795…`;
   * null while there is no leader. A wiped (or re-created) /election starts the sequences, and so
   * the tokens, again from 0: compare fencing tokens only within one incarnation.
   */
  electionIncarnation: string | null;
  leaderAddress: string | null;
  nodes: NodeView[];
  /** True when `nodes` is the last known table of a leader that is gone. */
  stale: boolean;
  /** Epoch ms the gateway lost the leader, while leaderless. */
  leaderlessSince: number | null;
  lastFailover: FailoverRecord | null;
  /** Epoch ms of this view (gateway clock). */
  updatedAt: number;
  /** Increases with every view the gateway pushes. */
  seq: number;
  /** Every slot a supervisor publishes, down ones included (sorted by name); see shared/src/slots.ts. */
  slots: SlotView[];
  /**
   * The election recipe the cluster runs (the recipe znode, read by the gateway); null until read.
   * Always sent by this gateway; optional because recordings made before it have none.
   */
  recipe?: Recipe | null;
}

/** Timeline entries shown under the table. */
export interface ClusterEvent {
  at: number;
  kind: 'leader-elected' | 'leader-lost' | 'node-joined' | 'node-left' | 'kill-requested' | 'gateway-connected' | FaultEventKind | ZooKeeperEventKind;
  nodeId: string | null;
  text: string;
}

export type ServerMessage =
  | { type: 'snapshot'; view: ClusterView }
  | { type: 'event'; event: ClusterEvent }
  | { type: 'zookeeper'; view: ZooKeeperView }
  /** The guided scenario in progress or last ended (shared/src/scenarios.ts); every viewer follows it. */
  | { type: 'scenario'; run: ScenarioRunView | null }
  | { type: 'pong'; at: number }
  | { type: 'error'; error: string; message: string };

export type ClientMessage = { type: 'ping' };

export interface KillRequestBody {
  mode?: KillMode;
}

export interface KillAccepted {
  id: string;
  mode: KillMode;
  routedVia: string;
}

/** Every HTTP error body. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Body the gateway sends to the leader's kill route. */
export interface LeaderKillRequest {
  target: string;
  mode: KillMode;
}

/** Body the leader sends to the target's kill route. */
export interface NodeKillRequest {
  target: string;
  mode: KillMode;
  /** Election znode name of the leader routing the kill (the fencing token). */
  leader: string;
}

/** `GET /api/health`: the gateway is up, and whether kills need the presenter's control token. */
export interface GatewayHealth {
  status: 'ok';
  /** True when the gateway has CONTROL_TOKEN set: kills need `x-zkviz-control-token`. */
  controlProtected: boolean;
  /** Which fault actions work in this mode. */
  capabilities: FaultCapabilities;
}

// ---------------------------------------------------------------------------------------------
// What ZooKeeper itself sees (`GET /api/zookeeper`, `{"type":"zookeeper"}` on /ws)
// ---------------------------------------------------------------------------------------------

export type ZooKeeperServerState = 'up' | 'down' | 'refusing';

/** One server of the gateway's connect string, as its `srvr`/`mntr` answer it. */
export interface ZooKeeperServerView {
  /** Position in the connect string, from 1. */
  id: number;
  /** host:port as in the connect string. */
  address: string;
  /** `refusing`: it answers, but refuses a four-letter word zkviz needs (see `problems`). */
  state: ZooKeeperServerState;
  mode: 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only' | null;
  /** Last zxid, `0x…`. */
  zxid: string | null;
  /** The zxid's high 32 bits (the leader epoch) and low 32 bits (the counter). */
  epoch: number | null;
  counter: number | null;
  version: string | null;
  latency: { min: number; avg: number; max: number } | null;
  connections: number | null;
  outstanding: number | null;
  znodeCount: number | null;
  watchCount: number | null;
}

export interface ZooKeeperSessionView {
  /** `0x…` */
  id: string;
  /** Negotiated timeout (from `cons`), null while no connection says it. */
  timeoutMs: number | null;
  /** Node id whose election znode the session owns, `"gateway"` for the gateway's own, or null. */
  owner: string | null;
  /** Address of the server holding its connection, or null. */
  server: string | null;
  /** A server has a connection for it (`cons`); null when not every server answered `cons`. */
  connected: boolean | null;
  /** The server's expiry time (epoch ms): `dump`'s bucket, refined with `cons` (see README); null if unknown. */
  expiresAt: number | null;
  /** Ephemeral znodes it owns (`dump`). */
  ephemerals: string[];
  /** Paths it holds data watches on (`wchc`). */
  watches: string[];
}

export interface ZooKeeperZnodeStat {
  czxid: string;
  mzxid: string;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  /** `0x…`; `0x0` for a persistent znode. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface ZooKeeperZnodeView {
  path: string;
  stat: ZooKeeperZnodeStat;
  /** The data as UTF-8 (at most 4 KiB; longer data is cut), null when empty. */
  data: string | null;
}

export type ZooKeeperProblemKind = 'refused' | 'down' | 'timeout' | 'too-large' | 'not-serving' | 'garbage';

/** Why a part of the view is missing, with the fix when there is one. */
export interface ZooKeeperProblem {
  server: string;
  /** The four-letter word, or `znodes` for the reads through the gateway's session. */
  source: string;
  kind: ZooKeeperProblemKind;
  message: string;
  /** What to change, e.g. the whitelist setting, or null. */
  fix: string | null;
}

/**
 * The ensemble's quorum as the gateway sees it. `size`: the voting servers of the connect string
 * (observers do not vote); `up`: those answering at all; `holds`: more than half of `size` are
 * serving (leader, follower or standalone). A server that answers but is still electing, or has
 * lost its quorum, is up and not serving: ZooKeeper refuses every request then.
 */
export interface ZooKeeperQuorum {
  size: number;
  up: number;
  holds: boolean;
}

export interface ZooKeeperView {
  servers: ZooKeeperServerView[];
  quorum: ZooKeeperQuorum;
  /** Sorted by id. */
  sessions: ZooKeeperSessionView[];
  /** The three paths and their children, parents first. */
  znodes: ZooKeeperZnodeView[];
  /** Epoch ms of the last read (gateway clock). */
  updatedAt: number;
  /** Which sources answered in the last read: four-letter words and `znodes`. */
  source: string[];
  problems: ZooKeeperProblem[];
}
