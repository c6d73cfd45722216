/**
 * Reading configuration from the environment, for the node and the gateway alike: a bad value
 * fails at startup with a message naming the variable, never later as a confusing runtime error.
 */
export type Env = Record<string, string | undefined>;

/** A configuration value that cannot be used; entry points print its message and exit 2. */
export class ConfigError extends Error {}

/** The trimmed value, or `fallback` when unset or blank. */
export function envString(env: Env, name: string, fallback: string): string;
export function envString(env: Env, name: string, fallback?: null): string | null;
export function envString(env: Env, name: string, fallback: string | null = null): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : fallback;
}

/** An integer in [min, max], or `fallback` when unset or blank. */
export function envInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Loads a server's configuration; a ConfigError ends the process with its message and exit code 2 (a usage error). */
export function loadConfigOrExit<T>(program: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${program}: ${err.message}`);
    process.exit(2);
  }
}
