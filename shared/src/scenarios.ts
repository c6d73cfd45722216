/**
 * Guided scenarios: narrated step sequences run on the live cluster (the gateway's
 * frontend/src/gateway/scenarios). A scenario is data, one YAML file each in `frontend/scenarios/`
 * (or SCENARIOS_DIR), validated against `SCENARIO_FILE_SCHEMA` when the gateway starts; the page
 * only renders what the gateway's runner publishes (`{"type":"scenario"}` on /ws), so a teacher
 * adds a scenario without touching the page, and every viewer follows the presenter's run.
 *
 * A step: `expect` (said before), `do` (an action the runner takes through the gateway's own
 * routes) or `ask` (the user does it), `wait` (the real event, within a bound), `forbid` (an event
 * that must not happen meanwhile), `explain` (said after, with the numbers measured in this run).
 * Texts are templates: `{{name}}` and `{{name.field}}` read what the run knows, `{{ms A B}}` is
 * the milliseconds between two recorded moments (see the README's "Writing a scenario").
 */
import type { FaultCapabilities, PartitionStyle, ZooKeeperServerOp } from './faults.js';
import type { ClusterEvent } from './protocol.js';
import type { KillMode } from './kill-modes.js';
import type { Recipe } from './recipes.js';

/** Ids are file-name and URL safe. */
export const SCENARIO_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,47}$';

/**
 * Which node a step means: the `leader`; its `successor` (the node watching it); the `last`
 * candidate (highest sequence, the one whose loss wakes nobody); any `worker`; or a name an earlier
 * step bound with `as`.
 */
export type NodeSelector = 'leader' | 'successor' | 'last' | 'worker' | (string & {});
/** Which ZooKeeper server: its own ZAB `zk-leader`, a `zk-follower`, a server id, or a bound name. */
export type ServerSelector = 'zk-leader' | 'zk-follower' | (string & {});

/** A duration in ms, or a multiple of the target's session timeout (`{sessions: 2.5}`). */
export type ScenarioDuration = number | { sessions: number };

export type ScenarioAction =
  | { action: 'kill'; node: NodeSelector; mode: KillMode; as?: string }
  | { action: 'freeze'; node: NodeSelector; durationMs: ScenarioDuration; as?: string }
  | { action: 'partition'; node: NodeSelector; durationMs: ScenarioDuration; style?: PartitionStyle; as?: string }
  | { action: 'restart'; node: NodeSelector; as?: string }
  | { action: 'recipe'; recipe: Recipe }
  | { action: 'zookeeper'; server: ServerSelector; op: ZooKeeperServerOp; as?: string };

/** What a step waits for; each result is stored under `as` (default: the `for` name). */
export type ScenarioWait =
  /** The gateway switched to a new leader (from `from` when given); `counted`: also wait for the herd counts. */
  | { for: 'failover'; from?: NodeSelector; counted?: boolean; within?: number; as?: string }
  /** A timeline event of this kind (about `node` when given), seen since the step's action. */
  | { for: 'event'; kind: ClusterEvent['kind']; node?: NodeSelector; within?: number; as?: string }
  /** ZooKeeper holds the node's session with no connection: the process is gone, the session waits to expire. */
  | { for: 'ghost'; node: NodeSelector; within?: number; as?: string }
  /** The node's slot runs a node with a new election znode (it rejoined at the back of the queue). */
  | { for: 'rejoined'; node: NodeSelector; within?: number; as?: string }
  /** ZooKeeper's quorum holds (or not), with exactly `down` voting servers not answering when given. */
  | { for: 'quorum'; holds: boolean; down?: number; within?: number; as?: string }
  /** No acting leader (`leaderless`) or one again (`leader`). */
  | { for: 'leaderless'; within?: number; as?: string }
  | { for: 'leader'; within?: number; as?: string }
  /** The cluster runs this recipe and every node's watch says so. */
  | { for: 'recipe'; recipe: Recipe; within?: number; as?: string };

export type ScenarioWaitKind = ScenarioWait['for'];

export interface ScenarioStepDefinition {
  title: string;
  /** Said when the step comes up: what is about to happen and what to look for. */
  expect?: string;
  do?: ScenarioAction;
  /** The user does it on the page (instead of `do`); the step waits at once. */
  ask?: string;
  wait?: ScenarioWait;
  /** Must not happen between the action and the wait's event; if it does, the step says so. */
  forbid?: { kind: ClusterEvent['kind']; node?: NodeSelector };
  /** Said once the wait is met, with the numbers of this run. */
  explain?: string;
}

export interface ScenarioNeeds {
  /** At least this many nodes in the table when it starts. */
  nodes?: number;
  /** Fault actions this gateway must offer (`GET /api/health` capabilities). */
  capabilities?: (keyof FaultCapabilities)[];
  /** Exactly this many voting ZooKeeper servers (what stopping them one by one does depends on it). */
  ensemble?: number;
  /** The gateway can switch the recipe. */
  recipe?: boolean;
}

/** One scenario file. */
export interface ScenarioDefinition {
  id: string;
  title: string;
  /** One or two sentences for the list. */
  summary: string;
  /** Where it comes in the list (lower first; then by id). */
  order?: number;
  needs?: ScenarioNeeds;
  steps: ScenarioStepDefinition[];
}

// ---------------------------------------------------------------------------------------------
// What the gateway publishes (`GET /api/scenarios`, `{"type":"scenario"}` on /ws)
// ---------------------------------------------------------------------------------------------

/** One row of `GET /api/scenarios`. */
export interface ScenarioListing {
  id: string;
  title: string;
  summary: string;
  steps: number;
  available: boolean;
  /** Why not, in words a user can act on; null when available. */
  why: string | null;
}

/**
 * `pending`: not reached; `ready`: shown, waiting for the presenter's Next (it has an action, or
 * is just words); `acting`: its action is being sent; `waiting`: for its event; `done`; `missed`:
 * its event did not come within its bound, or a forbidden one did; `failed`: its action was refused.
 */
export type ScenarioStepState = 'pending' | 'ready' | 'acting' | 'waiting' | 'done' | 'missed' | 'failed';

export interface ScenarioStepView {
  title: string;
  state: ScenarioStepState;
  /** Rendered when the step comes up; null before, or when it has none. */
  expect: string | null;
  /** The action in words ("Freeze n_1 for 10.0 s"), once the step is up; null when it has none. */
  action: string | null;
  /** What the user is asked to do, when the step asks instead of acting. */
  ask: string | null;
  /** The awaited event in words, while it is awaited or was missed. */
  waitingFor: string | null;
  /** Epoch ms (gateway clock) the wait gives up. */
  deadline: number | null;
  /** Rendered once done: what happened, with this run's numbers. */
  explain: string | null;
  /** Plain words when missed or failed. */
  problem: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** A step not reached yet: its title, nothing said, nothing timed. */
export function pendingStep(title: string): ScenarioStepView {
  return {
    title,
    state: 'pending',
    expect: null,
    action: null,
    ask: null,
    waitingFor: null,
    deadline: null,
    explain: null,
    problem: null,
    startedAt: null,
    endedAt: null,
  };
}

export type ScenarioRunStatus = 'running' | 'done' | 'missed' | 'failed' | 'stopped';

export interface ScenarioRunView {
  /** Increases with every run this gateway starts. */
  run: number;
  id: string;
  title: string;
  status: ScenarioRunStatus;
  /** Index of the step that is up (the last one once ended). */
  current: number;
  steps: ScenarioStepView[];
  startedAt: number;
  endedAt: number | null;
  /** Increases with every change of this run, so a follower knows it has the latest. */
  version: number;
}

/** `GET /api/scenarios`. */
export interface ScenarioList {
  scenarios: ScenarioListing[];
  /** The run in progress or last ended, null if none yet. */
  run: ScenarioRunView | null;
}

export const SCENARIO_ROUTES = {
  list: '/api/scenarios',
  run: '/api/scenarios/:id/run',
  next: '/api/scenarios/current/next',
  stop: '/api/scenarios/current/stop',
} as const;

export function scenarioRunPath(id: string): string {
  return SCENARIO_ROUTES.run.replace(':id', encodeURIComponent(id));
}

// ---------------------------------------------------------------------------------------------
// The file format's JSON schema (the gateway's loader validates every file with it)
// ---------------------------------------------------------------------------------------------

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,31}$' } as const;
const node = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,31}$' } as const;
const within = { type: 'integer', minimum: 100, maximum: 300_000 } as const;
const duration = {
  oneOf: [
    { type: 'integer', minimum: 100, maximum: 60_000 },
    { type: 'object', additionalProperties: false, required: ['sessions'], properties: { sessions: { type: 'number', exclusiveMinimum: 0, maximum: 10 } } },
  ],
} as const;
const EVENT_KINDS = [
  'leader-elected',
  'leader-lost',
  'node-joined',
  'node-left',
  'kill-requested',
  'gateway-connected',
  'node-frozen',
  'node-resumed',
  'node-partitioned',
  'node-healed',
  'node-crashed',
  'node-stopped',
  'node-restarting',
  'node-restarted',
  'slot-added',
  'slot-gone',
  'zookeeper-stopped',
  'zookeeper-started',
  'zookeeper-leader-changed',
  'session-moved',
] as const satisfies readonly ClusterEvent['kind'][];

const action = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'node', 'mode'],
      properties: { action: { const: 'kill' }, node, mode: { enum: ['crash', 'graceful'] }, as: name },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'node', 'durationMs'],
      properties: { action: { const: 'freeze' }, node, durationMs: duration, as: name },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'node', 'durationMs'],
      properties: { action: { const: 'partition' }, node, durationMs: duration, style: { enum: ['drop', 'reset'] }, as: name },
    },
    { type: 'object', additionalProperties: false, required: ['action', 'node'], properties: { action: { const: 'restart' }, node, as: name } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'recipe'],
      properties: { action: { const: 'recipe' }, recipe: { enum: ['predecessor', 'herd'] } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'server', 'op'],
      properties: { action: { const: 'zookeeper' }, server: node, op: { enum: ['stop', 'start', 'restart'] }, as: name },
    },
  ],
} as const;

const waitOf = (kind: string, required: string[], extra: object) => ({
  type: 'object',
  additionalProperties: false,
  required: ['for', ...required],
  properties: { for: { const: kind }, within, as: name, ...extra },
});

const wait = {
  oneOf: [
    waitOf('failover', [], { from: node, counted: { type: 'boolean' } }),
    waitOf('event', ['kind'], { kind: { enum: EVENT_KINDS }, node }),
    waitOf('ghost', ['node'], { node }),
    waitOf('rejoined', ['node'], { node }),
    waitOf('quorum', ['holds'], { holds: { type: 'boolean' }, down: { type: 'integer', minimum: 0, maximum: 7 } }),
    waitOf('leaderless', [], {}),
    waitOf('leader', [], {}),
    waitOf('recipe', ['recipe'], { recipe: { enum: ['predecessor', 'herd'] } }),
  ],
} as const;

export const SCENARIO_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'summary', 'steps'],
  properties: {
    id: { type: 'string', pattern: SCENARIO_ID_PATTERN },
    title: { type: 'string', minLength: 1, maxLength: 80 },
    summary: text,
    order: { type: 'integer', minimum: 0, maximum: 1000 },
    needs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nodes: { type: 'integer', minimum: 1, maximum: 100 },
        capabilities: { type: 'array', items: { enum: ['kill', 'freeze', 'partition', 'restart', 'addNode', 'zookeeperControl'] }, uniqueItems: true },
        ensemble: { type: 'integer', minimum: 1, maximum: 7 },
        recipe: { type: 'boolean' },
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 40,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title'],
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 120 },
          expect: text,
          do: action,
          ask: text,
          wait,
          forbid: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { enum: EVENT_KINDS }, node } },
          explain: text,
        },
      },
    },
  },
} as const;
