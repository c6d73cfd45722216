/**
 * Safeguard switches: the one list of the safeguards a fault scenario is meant to catch, and the
 * one way to turn them off.
 *
 * `test/faults/safeguards.sh` proves each safeguard matters by turning it off and watching its
 * scenario fail. It used to patch the compiled JavaScript by exact source lines, which any refactor
 * broke silently; now the code asks `safeguardOff(name)` at the place the safeguard lives. The
 * switches are read once, at process start (`loadSafeguardSwitches` in each entry point), from
 *
 *   ZKVIZ_UNSAFE_DISABLE=name,name…   which safeguards to turn off
 *   ZKVIZ_UNDER_TEST=1                required with it: a process not told it is under test refuses
 *                                     to start rather than run without a safeguard
 *
 * and every disabled safeguard is logged loudly at start. Nothing else reads those variables.
 */

/** Every safeguard that can be switched off, with where it lives and what it prevents. */
export const SAFEGUARDS = {
  'stop-acting-on-suspended': 'machine: a leader whose connection is suspended stops acting at once',
  'local-expiry-timer': 'ZkConnection: cut off for the whole session timeout, presume the session expired',
  'state-poll': "ZkConnection: poll the client's state, because the addon may never deliver CONNECTING",
  'protected-create-adoption': 'machine: find our znode by its candidate prefix, so a create whose reply was lost is adopted',
  'watch-nonode-redecide': 'machine: predecessor gone when the watch is set, list again',
  'predecessor-deleted-redecide': 'machine: predecessor deleted, list again',
  'ownership-check': "machine: lead only if the lowest znode's ephemeralOwner is this session",
  'parents-recreated': 'machine: /election gone (create or list says ZNONODE), re-create the parents',
  'graceful-delete': 'machine: a graceful stop deletes our znode and closes the session',
  'stop-waits-for-create': 'machine: a stop during a create waits for it, to delete what it made',
  'freeze-detector': 'node: a late timer tick means we were frozen, stop acting and re-check',
  'gateway-fencing': "gateway tracker: accept a leader's messages only from the registered leader, never a lower token",
  'gateway-drop-stream': 'gateway feed: drop the stream the moment the registered leader changes',
} as const satisfies Record<string, string>;

export type Safeguard = keyof typeof SAFEGUARDS;

export const SAFEGUARD_NAMES = Object.keys(SAFEGUARDS) as Safeguard[];

export const UNSAFE_DISABLE_ENV = 'ZKVIZ_UNSAFE_DISABLE';
export const UNDER_TEST_ENV = 'ZKVIZ_UNDER_TEST';

export class SafeguardSwitchError extends Error {}

function isSafeguard(name: string): name is Safeguard {
  return Object.hasOwn(SAFEGUARDS, name);
}

/**
 * The safeguards the environment turns off. Throws `SafeguardSwitchError` on an unknown name, or
 * on any name at all unless the process is told it is under test.
 */
export function parseSafeguardSwitches(env: Record<string, string | undefined>): ReadonlySet<Safeguard> {
  const names = (env[UNSAFE_DISABLE_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) return new Set();
  const unknown = names.filter((n) => !isSafeguard(n));
  if (unknown.length > 0) {
    throw new SafeguardSwitchError(`${UNSAFE_DISABLE_ENV} names unknown safeguards: ${unknown.join(', ')} (known: ${SAFEGUARD_NAMES.join(', ')})`);
  }
  if (env[UNDER_TEST_ENV] !== '1') {
    throw new SafeguardSwitchError(
      `${UNSAFE_DISABLE_ENV}=${names.join(',')} turns safeguards off; refused because ${UNDER_TEST_ENV}=1 is not set (only the fault tests may do this)`,
    );
  }
  return new Set(names.filter(isSafeguard));
}

let disabled: ReadonlySet<Safeguard> = new Set();
let loaded = false;

/**
 * Reads the switches from the environment, once, at process start. Call it first thing in an entry
 * point (`startSafeguardSwitches` does, and handles the refusal).
 */
export function loadSafeguardSwitches(env: Record<string, string | undefined>): ReadonlySet<Safeguard> {
  if (loaded) throw new Error('safeguard switches are read once, at process start');
  disabled = parseSafeguardSwitches(env);
  loaded = true;
  return disabled;
}

/** One loud line per disabled safeguard. */
export function describeDisabled(names: Iterable<Safeguard>): string[] {
  return [...names].map((name) => `UNSAFE: safeguard "${name}" is DISABLED (${SAFEGUARDS[name]}); fault tests only`);
}

/** The safeguards switched off in this process (empty unless loadSafeguardSwitches said otherwise). */
export function disabledSafeguards(): ReadonlySet<Safeguard> {
  return disabled;
}

/** True only when `name` was switched off at start; every safeguard is on by default. */
export function safeguardOff(name: Safeguard): boolean {
  return disabled.has(name);
}

/**
 * What an entry point calls first: reads the switches, or prints why it refuses and exits with
 * code 2 (like a configuration error). `warn` gets one line per disabled safeguard, and the same
 * line goes to stderr so it is seen even where logs are filtered.
 */
export function startSafeguardSwitches(
  service: string,
  proc: { env: Record<string, string | undefined>; exit: (code: number) => never },
  warn: (message: string) => void,
): void {
  try {
    for (const message of describeDisabled(loadSafeguardSwitches(proc.env))) {
      warn(message);
      console.error(`zkviz ${service}: ${message}`);
    }
  } catch (err) {
    if (!(err instanceof SafeguardSwitchError)) throw err;
    console.error(`zkviz ${service}: ${err.message}`);
    proc.exit(2);
  }
}
