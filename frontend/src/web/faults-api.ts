/**
 * The page's side of the fault actions: what this gateway can do (`/api/health` capabilities,
 * read once and shared by every menu) and one POST helper for the slot, host and ZooKeeper routes.
 */
import {
  CONTROL_TOKEN_HEADER,
  GATEWAY_ROUTES,
  type ErrorBody,
  type FaultAction,
  type FaultCapabilities,
  type GatewayHealth,
  type ZooKeeperServerOp,
} from '@zkviz/shared';
import { getControlToken, markTokenNeeded } from './api.js';

export type ActionOutcome = { ok: true; text: string } | { ok: false; error: string; message: string };

const KILLS_ONLY: FaultCapabilities = { kill: true, freeze: false, partition: false, restart: false, addNode: false, zookeeperControl: false };

let capabilities: FaultCapabilities = KILLS_ONLY;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export const capabilitiesStore = {
  subscribe(this: void, listener: () => void): () => void {
    listeners.add(listener);
    loading ??= fetch(GATEWAY_ROUTES.health)
      .then((res) => res.json() as Promise<Partial<GatewayHealth>>)
      .then((body) => {
        if (body.capabilities) capabilities = body.capabilities;
        for (const l of listeners) l();
      })
      .catch(() => {
        loading = null; // try again with the next subscriber
      });
    return () => listeners.delete(listener);
  },
  getSnapshot(this: void): FaultCapabilities {
    return capabilities;
  },
};

/** POSTs a fault route; never throws — a failure is an outcome to show. */
export async function postFault(path: string, body: object, done: string): Promise<ActionOutcome> {
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = getControlToken();
    if (token) headers[CONTROL_TOKEN_HEADER] = token;
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => null)) as ErrorBody | null;
    if (res.status === 202) return { ok: true, text: done };
    if (res.status === 401) {
      markTokenNeeded(token !== null);
      return {
        ok: false,
        error: 'control_token_required',
        message: token ? 'wrong control token: enter it again above' : 'this needs the control token: enter it above',
      };
    }
    return { ok: false, error: answer?.error ?? `http_${res.status}`, message: answer?.message ?? `gateway answered ${res.status}` };
  } catch {
    return { ok: false, error: 'network', message: 'could not reach the gateway' };
  }
}

export function slotAction(slot: string, action: Exclude<FaultAction, 'crash' | 'graceful'>, body: object, done: string): Promise<ActionOutcome> {
  return postFault(`/api/slots/${encodeURIComponent(slot)}/${action}`, body, done);
}

export function addNode(): Promise<ActionOutcome> {
  return postFault(GATEWAY_ROUTES.slots, {}, 'node added');
}

export function zookeeperServer(id: string, op: ZooKeeperServerOp): Promise<ActionOutcome> {
  return postFault(
    `/api/zookeeper/servers/${encodeURIComponent(id)}/${op}`,
    {},
    `ZooKeeper ${op === 'stop' ? 'stopped' : op === 'start' ? 'started' : 'restarted'}`,
  );
}
