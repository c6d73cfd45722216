/**
 * Gateway configuration, read once from the environment. Bad values fail fast at startup with a
 * message naming the variable, rather than surfacing later as a confusing runtime error.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_GATEWAY_PORT } from '@zkviz/shared';
import { loadLimits, type GatewayLimits } from './limits/config.js';
import { loadRecordingBounds } from './recording/config.js';
import type { RecorderBounds } from './recording/recorder.js';

export interface GatewayConfig {
  zkConnect: string;
  zkSessionTimeoutMs: number;
  port: number;
  host: string;
  /**
   * Sent to the leader on every internal call. null when unset: then it is read from ZooKeeper
   * (/zkviz/cluster_token, created by the first node or gateway), never left out.
   */
  clusterToken: string | null;
  /** Presenter mode: when set, kills need this token in `x-zkviz-control-token`; watching stays open. */
  controlToken: string | null;
  /** Built page directory; defaults to dist/web next to dist/gateway. */
  staticDir: string;
  /** Extra browser origins allowed to open /ws besides the gateway's own host. */
  allowedOrigins: string[];
  /** Kill requests per client IP per minute. */
  killRateLimitPerMinute: number;
  /** Read, connection and message budgets per client (limits/config.ts). */
  limits: GatewayLimits;
  logLevel: string;
  /** How much of the run `GET /api/recording` keeps (by age and by size). */
  recording: RecorderBounds;
}

type Env = Record<string, string | undefined>;

function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Origins are compared as `new URL(x).origin` so trailing slashes and case do not matter. */
export function parseOrigins(raw: string | undefined): string[] {
  if (!raw) return [];
  const origins: string[] = [];
  for (const part of raw.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    try {
      origins.push(new URL(trimmed).origin);
    } catch {
      throw new Error(`ALLOWED_ORIGINS contains an invalid origin: ${JSON.stringify(trimmed)}`);
    }
  }
  return origins;
}

export function defaultStaticDir(): string {
  return fileURLToPath(new URL('../web', import.meta.url));
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  return {
    zkConnect: env.ZK_CONNECT?.trim() || '127.0.0.1:2181',
    // SESSION_TIMEOUT_MS is what the nodes read; accept it too so one setting covers the cluster.
    zkSessionTimeoutMs: intFromEnv(env, env.ZK_SESSION_TIMEOUT_MS ? 'ZK_SESSION_TIMEOUT_MS' : 'SESSION_TIMEOUT_MS', 4000, 200, 120_000),
    port: intFromEnv(env, 'PORT', DEFAULT_GATEWAY_PORT, 0, 65_535),
    // Loopback unless told otherwise: the compose file sets HOST=0.0.0.0 inside the container.
    host: env.HOST?.trim() || '127.0.0.1',
    clusterToken: env.CLUSTER_TOKEN ? env.CLUSTER_TOKEN : null,
    controlToken: env.CONTROL_TOKEN ? env.CONTROL_TOKEN : null,
    staticDir: env.STATIC_DIR?.trim() || defaultStaticDir(),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
    killRateLimitPerMinute: intFromEnv(env, 'KILL_RATE_LIMIT_PER_MIN', 120, 1, 100_000),
    limits: loadLimits((name, fallback, min, max) => intFromEnv(env, name, fallback, min, max)),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    recording: loadRecordingBounds((name, fallback, min, max) => intFromEnv(env, name, fallback, min, max)),
  };
}
