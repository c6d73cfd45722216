/** Node configuration from the environment (documented in the README). */
import { hostname } from 'node:os';
import { DEFAULT_NODE_PORT, isValidAddress } from '@zkviz/shared';

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

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const port = int(env, 'PORT', DEFAULT_NODE_PORT, 0, 65535);
  const advertisedAddress = env.ADVERTISED_ADDRESS || `${hostname()}:${port}`;
  if (!isValidAddress(advertisedAddress)) {
    throw new ConfigError(`ADVERTISED_ADDRESS must be host:port (got "${String(advertisedAddress)}")`);
  }
  return {
    zkConnect: env.ZK_CONNECT || '127.0.0.1:2181',
    sessionTimeoutMs: int(env, 'SESSION_TIMEOUT_MS', 4000, 400, 60000),
    host: env.HOST || '0.0.0.0',
    port,
    advertisedAddress,
    clusterToken: env.CLUSTER_TOKEN || null,
    limits: {
      controlPerMinute: int(env, 'CONTROL_RATE_LIMIT_PER_MIN', 6000, 1, 10_000_000),
      streamsPerAddress: int(env, 'STREAMS_PER_ADDRESS', 8, 1, 100_000),
    },
    logLevel: env.LOG_LEVEL || 'info',
  };
}
