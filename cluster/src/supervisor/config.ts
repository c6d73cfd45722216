/** Supervisor configuration from the environment (documented in the README). */
import { hostname } from 'node:os';
import { SLOT_NAME_PATTERN, isValidAddress } from '@zkviz/shared';
import { ConfigError } from '@zkviz/shared/fastify';

export const DEFAULT_SUPERVISOR_PORT = 7001;

export interface SupervisorConfig {
  /** This slot's name: SLOT, or the container's hostname. */
  slot: string;
  /** Where ZooKeeper really is; the node gets the relay instead. */
  zkConnect: string;
  /** The supervisor's own session (its slot record), not the node's. */
  sessionTimeoutMs: number;
  host: string;
  port: number;
  advertisedAddress: string;
  clusterToken: string | null;
}

export function loadSupervisorConfig(env: NodeJS.ProcessEnv = process.env): SupervisorConfig {
  const slot = env.SLOT || hostname();
  if (!SLOT_NAME_PATTERN.test(slot)) throw new ConfigError(`SLOT must match ${SLOT_NAME_PATTERN} (got "${slot}")`);
  const rawPort = env.SUPERVISOR_PORT;
  const port = rawPort ? Number(rawPort) : DEFAULT_SUPERVISOR_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`SUPERVISOR_PORT must be a port number (got "${rawPort}")`);
  const advertisedAddress = env.SUPERVISOR_ADVERTISED_ADDRESS || `${hostname()}:${port}`;
  if (!isValidAddress(advertisedAddress))
    throw new ConfigError(`SUPERVISOR_ADVERTISED_ADDRESS must be host:port (got ${JSON.stringify(env.SUPERVISOR_ADVERTISED_ADDRESS)})`);
  const timeout = Number(env.SESSION_TIMEOUT_MS || 4000);
  return {
    slot,
    zkConnect: env.ZK_CONNECT || '127.0.0.1:2181',
    sessionTimeoutMs: Number.isInteger(timeout) && timeout >= 400 && timeout <= 60000 ? timeout : 4000,
    host: env.SUPERVISOR_HOST || env.HOST || '0.0.0.0',
    port,
    advertisedAddress,
    clusterToken: env.CLUSTER_TOKEN || null,
  };
}
