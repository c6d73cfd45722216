/**
 * Every fault a user can cause from the page, as one table (RaftScope style): which action, how it
 * is labelled, which gateway route carries it, what its body looks like and in which slot states
 * it is allowed. The gateway registers its routes from this table, the supervisor validates and
 * dispatches its internal routes from it (its `run` per action lives beside it, in
 * cluster/src/supervisor/actions.ts, typed so that a row without a run does not compile), and the
 * page builds each row's actions menu from it. Adding a fault is adding a row.
 */
import type { SlotState } from './slots.js';

/** Bounds of a timed freeze or partition, in ms. */
export const FAULT_DURATION_MIN_MS = 100;
export const FAULT_DURATION_MAX_MS = 60_000;

export type PartitionStyle = 'drop' | 'reset';
export const PARTITION_STYLES: readonly PartitionStyle[] = ['drop', 'reset'];

export type FaultAction = 'crash' | 'graceful' | 'freeze' | 'partition' | 'restart';

export interface FreezeBody {
  durationMs: number;
}
export interface PartitionBody {
  durationMs: number;
  style: PartitionStyle;
}
/** Body of each action, as the gateway and the supervisor receive it. */
export interface FaultBodies {
  crash: Record<string, never>;
  graceful: Record<string, never>;
  freeze: FreezeBody;
  partition: PartitionBody;
  restart: Record<string, never>;
}

const durationMs = { type: 'integer', minimum: FAULT_DURATION_MIN_MS, maximum: FAULT_DURATION_MAX_MS } as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;

export interface FaultActionRow {
  action: FaultAction;
  /** What the page's menu says. */
  label: string;
  /**
   * `node`: the public route names the node (the existing kill route, routed through the leader);
   * `slot`: it names the slot and the gateway hands it to that slot's supervisor.
   */
  target: 'node' | 'slot';
  /** The gateway route (fastify syntax). */
  route: string;
  /** JSON schema of the body (both on the gateway and on the supervisor's internal route). */
  body: object;
  /** Slot states in which the supervisor carries it out; anything else is `409 invalid_state`. */
  allowedStates: readonly SlotState[];
  /** Timed actions end by themselves (resumed, healed); `until` in the slot says when. */
  timed: boolean;
}

/** Alive in some form: the node process exists. */
const ALIVE: readonly SlotState[] = ['starting', 'running', 'frozen', 'partitioned'];

/** crash and graceful are the kill modes (shared/src/kill-modes.ts: how the node dies, the kill buttons); here they are rows so the menu and the supervisor cover every fault. */
export const FAULT_ACTIONS = [
  {
    action: 'crash',
    label: 'Crash (SIGKILL)',
    target: 'node',
    route: '/api/nodes/:id/kill',
    body: { type: ['object', 'null'], additionalProperties: false, properties: { mode: { const: 'crash' } } },
    allowedStates: ALIVE,
    timed: false,
  },
  {
    action: 'graceful',
    label: 'Stop gracefully (SIGTERM)',
    target: 'node',
    route: '/api/nodes/:id/kill',
    body: { type: ['object', 'null'], additionalProperties: false, properties: { mode: { const: 'graceful' } } },
    allowedStates: ['starting', 'running', 'partitioned'],
    timed: false,
  },
  {
    action: 'freeze',
    label: 'Freeze (SIGSTOP)',
    target: 'slot',
    route: '/api/slots/:slot/freeze',
    body: { type: 'object', additionalProperties: false, required: ['durationMs'], properties: { durationMs } },
    allowedStates: ['running'],
    timed: true,
  },
  {
    action: 'partition',
    label: 'Cut off from ZooKeeper',
    target: 'slot',
    route: '/api/slots/:slot/partition',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['durationMs', 'style'],
      properties: { durationMs, style: { type: 'string', enum: [...PARTITION_STYLES] } },
    },
    allowedStates: ['running'],
    timed: true,
  },
  {
    action: 'restart',
    label: 'Restart',
    target: 'slot',
    route: '/api/slots/:slot/restart',
    body: emptyBody,
    allowedStates: ['stopped', 'crashed'],
    timed: false,
  },
] as const satisfies readonly FaultActionRow[];

export const FAULT_ACTION_NAMES: readonly FaultAction[] = FAULT_ACTIONS.map((row) => row.action);

export function faultRow(action: FaultAction): FaultActionRow {
  return FAULT_ACTIONS.find((row) => row.action === action)!;
}

export function isAllowed(action: FaultAction, state: SlotState): boolean {
  return faultRow(action).allowedStates.includes(state);
}

/** `202` answer of every slot action. */
export interface SlotActionAccepted {
  slot: string;
  action: FaultAction;
  state: SlotState;
  /** Epoch ms a timed action ends, else null. */
  until: number | null;
}

/** Actions on the machine the slots run on: adding a node, ZooKeeper servers. Local mode only. */
export type ZooKeeperServerOp = 'stop' | 'start' | 'restart';
export const ZOOKEEPER_SERVER_OPS: readonly ZooKeeperServerOp[] = ['stop', 'start', 'restart'];

/** `GET /api/health` `capabilities`: what works in this mode, so the page shows only that. */
export interface FaultCapabilities {
  kill: boolean;
  freeze: boolean;
  partition: boolean;
  restart: boolean;
  addNode: boolean;
  zookeeperControl: boolean;
}

/** What to tell the user where the mode cannot do it (compose). */
export const NOT_SUPPORTED_HINTS = {
  addNode: 'adding a node is not possible from here in compose: run `docker compose up -d --scale node=N` (N = the new number of nodes)',
  /** `service`: the compose service of that server (its host in the connect string). */
  zookeeperControl: (op: ZooKeeperServerOp, service: string, ensemble: boolean): string =>
    `ZooKeeper cannot be controlled from here in compose: run \`docker compose ${op} ${service}\`` +
    (ensemble ? ' with the files you started it with (-f docker-compose.yml -f docker-compose.ensemble.yml, or COMPOSE_FILE set to both)' : ''),
} as const;
