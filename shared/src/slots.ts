/**
 * Slots: the places node processes run in (`node-1`… in local mode, the container's hostname in
 * compose). Each slot has a supervisor that owns its node process; a restarted node is the same
 * slot with a new election znode. The supervisor publishes its slot, and only it writes there, as
 * the ephemeral `/zkviz/slots/<slot>` (JSON `SlotRecord`), which is how the gateway finds it.
 */
import { ELECTION_ZNODE_PATTERN } from './paths.js';
import { isFiniteNumber, isValidAddress, readJsonObject } from './validate.js';

export const SLOTS_PATH = '/zkviz/slots';

export type SlotState = 'starting' | 'running' | 'frozen' | 'partitioned' | 'stopped' | 'crashed';
export const SLOT_STATES: readonly SlotState[] = ['starting', 'running', 'frozen', 'partitioned', 'stopped', 'crashed'];

/** A slot name: what a hostname may be, and safe in a znode name and a URL path segment. */
export const SLOT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const SLOT_NAME_SCHEMA_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';

/** `ClusterView.slots[]`: one slot as the page sees it. */
export interface SlotView {
  slot: string;
  state: SlotState;
  /** The election znode of its node right now (null while it has none: starting, down). */
  znode: string | null;
  /** Pid of the node process (null while there is none). */
  pid: number | null;
  /** Epoch ms the slot entered `state`. */
  since: number;
  /** Epoch ms a timed freeze or partition ends, else null. */
  until: number | null;
}

/** Data of `/zkviz/slots/<slot>`: the view plus what the gateway needs to reach the supervisor. */
export interface SlotRecord extends SlotView {
  /** host:port of the supervisor's internal HTTP server. */
  supervisor: string;
  /** How the node process last ended, once it has (e.g. "signal SIGKILL", "code 0"). */
  lastExit: string | null;
  updatedAt: number;
}

/** Internal routes of a slot supervisor (cluster token required on all but health). */
export const SUPERVISOR_ROUTES = {
  health: '/internal/supervisor/health',
  slot: '/internal/supervisor/slot',
  /** POST /internal/supervisor/actions/<action> with the action's body. */
  action: (action: string) => `/internal/supervisor/actions/${action}`,
} as const;

/** Internal routes of the local-mode host (the launcher): add a slot, control ZooKeeper. */
export const HOST_ROUTES = {
  addSlot: '/internal/host/slots',
  zookeeper: (id: string, op: string) => `/internal/host/zookeeper/servers/${id}/${op}`,
} as const;

/** The standalone ZooKeeper server's id in local mode (an ensemble's servers are 1…N, their myids). */
export const LOCAL_ZOOKEEPER_SERVER_ID = '1';

/** Slot records are small; anything bigger is not one of ours. */
const MAX_SLOT_RECORD_BYTES = 4096;
const orNull = <T>(v: unknown, ok: (v: unknown) => v is T): v is T | null => v === null || ok(v);

/** A slot record is trusted only if it is well formed and names the znode it is stored under. */
export function parseSlotRecord(name: string, data: Uint8Array | string | null | undefined): SlotRecord | null {
  if (!SLOT_NAME_PATTERN.test(name)) return null;
  const read = readJsonObject(data, MAX_SLOT_RECORD_BYTES);
  if (!read.ok) return null;
  const o = read.value;
  if (o.slot !== name || !SLOT_STATES.includes(o.state as SlotState)) return null;
  if (!orNull(o.znode, (v): v is string => typeof v === 'string' && ELECTION_ZNODE_PATTERN.test(v))) return null;
  if (!orNull(o.pid, isFiniteNumber) || !isFiniteNumber(o.since) || !orNull(o.until, isFiniteNumber) || !isFiniteNumber(o.updatedAt)) return null;
  if (!isValidAddress(o.supervisor)) return null;
  if (!orNull(o.lastExit, (v): v is string => typeof v === 'string' && v.length <= 64)) return null;
  return {
    slot: name,
    state: o.state as SlotState,
    znode: o.znode,
    pid: o.pid,
    since: o.since,
    until: o.until,
    supervisor: o.supervisor,
    lastExit: o.lastExit,
    updatedAt: o.updatedAt,
  };
}
