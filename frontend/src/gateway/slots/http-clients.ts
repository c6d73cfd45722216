/** The gateway's HTTP calls to the supervisors and to the local-mode host, with the cluster token. */
import { CLUSTER_TOKEN_HEADER, HOST_ROUTES, SUPERVISOR_ROUTES } from '@zkviz/shared';
import type { HostClient, HttpAnswer, SupervisorClient } from './types.js';

const TIMEOUT_MS = 5000;
/** Starting ZooKeeper (a JVM) takes seconds; adding a node waits for it to listen. */
const HOST_TIMEOUT_MS = 40_000;

async function post(url: string, token: string | null, body: unknown, timeoutMs: number): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers[CLUSTER_TOKEN_HEADER] = token;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { statusCode: res.status, body: parsed };
}

export function httpSupervisorClient(clusterToken: () => string | null): SupervisorClient {
  return {
    act: (supervisor, action, body) => post(`http://${supervisor}${SUPERVISOR_ROUTES.action(action)}`, clusterToken(), body, TIMEOUT_MS),
  };
}

export function httpHostClient(baseUrl: string, clusterToken: () => string | null): HostClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    addSlot: () => post(`${base}${HOST_ROUTES.addSlot}`, clusterToken(), {}, HOST_TIMEOUT_MS),
    zookeeper: (id, op) => post(`${base}${HOST_ROUTES.zookeeper(id, op)}`, clusterToken(), {}, HOST_TIMEOUT_MS),
  };
}
