/**
 * Kill modes: one entry per way the page can end a node. The gateway's and the node's route
 * schemas take their enum from here, the node ends its process by it (ClusterNode.die) and the
 * page draws one button per entry (KillControls). A new mode is one entry here plus one case in
 * ClusterNode.die's switch, which the compiler asks for (`unknownKillMode` takes `never`).
 */

export interface KillModeSpec {
  /** How the process ends: a signal it sends itself, or an exit code. */
  exit: { signal: 'SIGKILL' } | { code: number };
  /** The page's button text, and its text while the request is on its way. */
  label: string;
  pendingLabel: string;
  /** The button's tooltip: what the mode does to the election. */
  description: string;
  /** The button's look: the main action or the quieter one. */
  emphasis: 'danger' | 'secondary';
}

export const KILL_MODE_TABLE = {
  crash: {
    exit: { signal: 'SIGKILL' },
    label: 'Kill',
    pendingLabel: 'Killing…',
    description: 'Crash: SIGKILL, nothing cleaned up; the session and its znodes expire after the session timeout',
    emphasis: 'danger',
  },
  graceful: {
    exit: { code: 0 },
    label: 'graceful',
    pendingLabel: 'Stopping…',
    description: 'Stop gracefully: the node deletes its znodes before exiting',
    emphasis: 'secondary',
  },
} as const satisfies Record<string, KillModeSpec>;

export type KillMode = keyof typeof KILL_MODE_TABLE;

/** In table order: the page draws the buttons in this order, the schemas use it as their enum. */
export const KILL_MODES: readonly KillMode[] = Object.keys(KILL_MODE_TABLE) as KillMode[];

/** What the gateway asks for when the request names no mode. */
export const DEFAULT_KILL_MODE: KillMode = 'crash';

export function isKillMode(value: unknown): value is KillMode {
  return typeof value === 'string' && Object.hasOwn(KILL_MODE_TABLE, value);
}

/** The entry for a mode; throws for anything that is not one (never falls back to a default). */
export function killModeSpec(mode: string): KillModeSpec {
  if (!isKillMode(mode)) throw unknownKillMode(mode as never);
  return KILL_MODE_TABLE[mode];
}

/** The `default:` of an exhaustive switch over kill modes: a compile error when a case is missing, a throw at run time. */
export function unknownKillMode(mode: never): Error {
  return new Error(`unknown kill mode ${JSON.stringify(mode)}`);
}
