/**
 * Gateway configuration, read once from the environment. Bad values fail fast at startup with a
 * message naming the variable, rather than surfacing later as a confusing runtime error.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_GATEWAY_PORT } from '@zkviz/shared';
import { ConfigError, envInt, envString, type Env } from '@zkviz/shared/fastify';
import { loadLimits, type GatewayLimits } from './limits/config.js';
import { loadRecordingBounds } from './recording/config.js';
import type { RecorderBounds } from './recording/recorder.js';

export const DEFAULT_ZK_CONNECT = '127.0.0.1:2181';

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
  /** Kill requests per client IP per minute (each fault action route has the same limit). */
  killRateLimitPerMinute: number;
  /**
   * Local mode: the launcher's internal control server (adds slots, stops and starts ZooKeeper).
   * Unset in compose, where those actions answer 409 not_supported with the command to run.
   */
  hostControlUrl: string | null;
  /** Read, connection and message budgets per client (limits/config.ts). */
  limits: GatewayLimits;
  /** Read what ZooKeeper itself sees (four-letter words, znodes): `ZOOKEEPER_VIEW=off` turns it off (the bench compares). */
  zookeeperView: boolean;
  logLevel: string;
  /** How much of the run `GET /api/recording` keeps (by age and by size). */
  recording: RecorderBounds;
  /** The guided scenario files (`<id>.yaml`); defaults to frontend/scenarios beside dist/. */
  scenariosDir?: string;
  /** `RECORDING=off`: record nothing (`GET /api/recording` answers an empty run); the bench compares. Default on. */
  recordingOn?: boolean;
}

function onOff(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'on' || raw === 'true' || raw === '1') return true;
  if (raw === 'off' || raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
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
      throw new ConfigError(`ALLOWED_ORIGINS contains an invalid origin: ${JSON.stringify(trimmed)}`);
    }
  }
  return origins;
}

function hostControlUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`HOST_CONTROL_URL must be an http URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:') throw new Error(`HOST_CONTROL_URL must be an http URL, got ${JSON.stringify(value)}`);
  return url.origin;
}

export function defaultStaticDir(): string {
  return fileURLToPath(new URL('../web', import.meta.url));
}

export function defaultScenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios', import.meta.url));
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  return {
    zkConnect: envString(env, 'ZK_CONNECT', DEFAULT_ZK_CONNECT),
    // SESSION_TIMEOUT_MS is what the nodes read; accept it too so one setting covers the cluster.
    zkSessionTimeoutMs: envInt(env, env.ZK_SESSION_TIMEOUT_MS ? 'ZK_SESSION_TIMEOUT_MS' : 'SESSION_TIMEOUT_MS', 4000, 200, 120_000),
    port: envInt(env, 'PORT', DEFAULT_GATEWAY_PORT, 0, 65_535),
    // Loopback unless told otherwise: the compose file sets HOST=0.0.0.0 inside the container.
    host: envString(env, 'HOST', '127.0.0.1'),
    clusterToken: envString(env, 'CLUSTER_TOKEN'),
    controlToken: envString(env, 'CONTROL_TOKEN'),
    staticDir: envString(env, 'STATIC_DIR', defaultStaticDir()),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
    killRateLimitPerMinute: envInt(env, 'KILL_RATE_LIMIT_PER_MIN', 120, 1, 100_000),
    hostControlUrl: hostControlUrl(env.HOST_CONTROL_URL),
    limits: loadLimits((name, fallback, min, max) => envInt(env, name, fallback, min, max)),
    zookeeperView: onOff(env, 'ZOOKEEPER_VIEW', true),
    logLevel: envString(env, 'LOG_LEVEL', 'info'),
    recording: loadRecordingBounds((name, fallback, min, max) => envInt(env, name, fallback, min, max)),
    recordingOn: onOff(env, 'RECORDING', true),
    scenariosDir: envString(env, 'SCENARIOS_DIR', defaultScenariosDir()),
  };
}
