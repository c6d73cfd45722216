/** Node configuration from the environment (documented in the README). */
import { hostname } from 'node:os';
import { DEFAULT_NODE_PORT, DEFAULT_RECIPE, RECIPES, isRecipe, isValidAddress, type Recipe } from '@zkviz/shared';
import { ConfigError, envInt, envString, type Env } from '@zkviz/shared/fastify';

export interface NodeConfig {
  zkConnect: string;
  sessionTimeoutMs: number;
  host: string;
  port: number;
  advertisedAddress: string;
  clusterToken: string | null;
  limits: NodeLimits;
  logLevel: string;
  /** The recipe this node writes to the recipe znode if none exists yet (the cluster's start-up recipe). */
  recipe: Recipe;
}

/** Budgets per caller on the control routes (server/limits.ts); the gateway is one caller. */
export interface NodeLimits {
  /** Requests to token-protected routes per caller address per minute. */
  controlPerMinute: number;
  /** Open state streams per caller address (a gateway holds one; the rest is reconnect overlap). */
  streamsPerAddress: number;
}

export function loadConfig(env: Env = process.env): NodeConfig {
  const port = envInt(env, 'PORT', DEFAULT_NODE_PORT, 0, 65535);
  const advertisedAddress = envString(env, 'ADVERTISED_ADDRESS', `${hostname()}:${port}`);
  if (!isValidAddress(advertisedAddress)) {
    throw new ConfigError(`ADVERTISED_ADDRESS must be host:port (got "${String(advertisedAddress)}")`);
  }
  return {
    zkConnect: envString(env, 'ZK_CONNECT', '127.0.0.1:2181'),
    sessionTimeoutMs: loadSessionTimeoutMs(env),
    host: envString(env, 'HOST', '0.0.0.0'),
    port,
    advertisedAddress,
    clusterToken: envString(env, 'CLUSTER_TOKEN'),
    limits: loadNodeLimits(env),
    logLevel: envString(env, 'LOG_LEVEL', 'info'),
    recipe: envRecipe(env),
  };
}

function envRecipe(env: Env): Recipe {
  const value = envString(env, 'RECIPE', DEFAULT_RECIPE);
  if (!isRecipe(value)) throw new ConfigError(`RECIPE must be one of ${RECIPES.join(', ')} (got "${String(value)}")`);
  return value;
}

/** The control-route budgets, for the node and its slot supervisor alike (same variables). */
export function loadNodeLimits(env: Env): NodeLimits {
  return {
    controlPerMinute: envInt(env, 'CONTROL_RATE_LIMIT_PER_MIN', 6000, 1, 10_000_000),
    streamsPerAddress: envInt(env, 'STREAMS_PER_ADDRESS', 8, 1, 100_000),
  };
}

/** The node's ZooKeeper session timeout; the supervisor reads the same variable for its own session. */
export function loadSessionTimeoutMs(env: Env): number {
  return envInt(env, 'SESSION_TIMEOUT_MS', 4000, 400, 60000);
}

/**
 * How often a process that does not act as leader reads its ZooKeeper handle's state
 * (ZkConnection's state poll; a node polls fast while it acts, F15). A worker or a slot
 * supervisor cut off without a CONNECTING event only has to notice it to start a fresh session;
 * nobody relies on what it does meanwhile, so half its session timeout is soon enough. At
 * 2000 ms that is 1 poll a second instead of 4: an idle worker's wake-ups went from 7 a second
 * to 4 (the rest are its ZooKeeper pings).
 */
export function relaxedStatePollMs(sessionTimeoutMs: number): number {
  return Math.max(250, Math.floor(sessionTimeoutMs / 2));
}
