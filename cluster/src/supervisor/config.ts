/**
 * Supervisor configuration from the environment (documented in the README). The supervisor and
 * its node share one environment, so the variables they both read are read by the same functions
 * (../config.ts): a value the node would refuse stops the supervisor at start-up too.
 */
import { hostname } from 'node:os';
import { SLOT_NAME_PATTERN, isValidAddress } from '@zkviz/shared';
import { ConfigError, envInt, envString, type Env } from '@zkviz/shared/fastify';
import { loadNodeLimits, loadSessionTimeoutMs, type NodeLimits } from '../config.js';

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
  /** The same budgets as the node's control routes (server/limits.ts). */
  limits: NodeLimits;
}

export function loadSupervisorConfig(env: Env = process.env): SupervisorConfig {
  const slot = envString(env, 'SLOT', hostname());
  if (!SLOT_NAME_PATTERN.test(slot)) throw new ConfigError(`SLOT must match ${SLOT_NAME_PATTERN} (got "${slot}")`);
  const port = envInt(env, 'SUPERVISOR_PORT', DEFAULT_SUPERVISOR_PORT, 0, 65535);
  const advertisedAddress = envString(env, 'SUPERVISOR_ADVERTISED_ADDRESS', `${hostname()}:${port}`);
  if (!isValidAddress(advertisedAddress)) throw new ConfigError(`SUPERVISOR_ADVERTISED_ADDRESS must be host:port (got ${JSON.stringify(advertisedAddress)})`);
  return {
    slot,
    zkConnect: envString(env, 'ZK_CONNECT', '127.0.0.1:2181'),
    sessionTimeoutMs: loadSessionTimeoutMs(env),
    host: envString(env, 'SUPERVISOR_HOST') ?? envString(env, 'HOST', '0.0.0.0'),
    port,
    advertisedAddress,
    clusterToken: envString(env, 'CLUSTER_TOKEN'),
    limits: loadNodeLimits(env),
  };
}
