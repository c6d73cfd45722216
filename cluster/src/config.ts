/** Node configuration from the environment (documented in the README). */
import { hostname } from 'node:os';
import { DEFAULT_NODE_PORT, isValidAddress } from '@zkviz/shared';
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
  };
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
