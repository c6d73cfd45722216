/**
 * Wire types shared by the cluster nodes, the gateway and the page.
 * One definition; every process imports it from here.
 */
import type { FaultCapabilities } from './faults.js';
import type { SlotView } from './slots.js';
import type { KillMode } from './kill-modes.js';

export type NodeRole = 'leader' | 'worker';

/** One row of the table. */
export interface NodeView {
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
  nodes: NodeView[];
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

export type GatewayStatus = 'connecting' | 'ok' | 'leaderless';

export interface FailoverRecord {
  from: string | null;
  to: string;
  /** From the moment the gateway lost the old leader to the first snapshot of the new one. */
  durationMs: number;
  at: number;
}

/** What the browser sees: `GET /api/cluster` and every `snapshot` message on `/ws`. */
export interface ClusterView {
  status: GatewayStatus;
  /** Election znode name of the current leader, or null while there is none. */
  leader: string | null;
  /** Sequence of the leader's election znode, or null while there is none. */
  fencingToken: number | null;
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
}

/** Timeline entries shown under the table. */
export interface ClusterEvent {
  at: number;
  kind: 'leader-elected' | 'leader-lost' | 'node-joined' | 'node-left' | 'kill-requested' | 'gateway-connected' | FaultEventKind;
  nodeId: string | null;
  text: string;
}

export type ServerMessage =
  | { type: 'snapshot'; view: ClusterView }
  | { type: 'event'; event: ClusterEvent }
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
