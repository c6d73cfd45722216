/**
 * The page's side of the fault actions: what this gateway can do (`/api/health` capabilities,
 * shared by every menu) and the slot, host and ZooKeeper routes (POSTed by api.ts's postControl).
 */
import { GATEWAY_ROUTES, type FaultAction, type FaultCapabilities, type ZooKeeperServerOp } from '@zkviz/shared';
import { gatewayHealth, postControl, type ActionOutcome } from './api.js';

export type { ActionOutcome } from './api.js';

const KILLS_ONLY: FaultCapabilities = { kill: true, freeze: false, partition: false, restart: false, addNode: false, zookeeperControl: false };

let capabilities: FaultCapabilities = KILLS_ONLY;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export const capabilitiesStore = {
  subscribe(this: void, listener: () => void): () => void {
    listeners.add(listener);
    loading ??= gatewayHealth().then(
      (body) => {
        if (body.capabilities) capabilities = body.capabilities;
        for (const l of listeners) l();
      },
      () => {
        loading = null; // try again with the next subscriber
      },
    );
    return () => listeners.delete(listener);
  },
  getSnapshot(this: void): FaultCapabilities {
    return capabilities;
  },
};

export function slotAction(slot: string, action: Exclude<FaultAction, 'crash' | 'graceful'>, body: object, done: string): Promise<ActionOutcome> {
  return postControl(`/api/slots/${encodeURIComponent(slot)}/${action}`, body, done);
}

export function addNode(): Promise<ActionOutcome> {
  return postControl(GATEWAY_ROUTES.slots, {}, 'node added');
}

export function zookeeperServer(id: string, op: ZooKeeperServerOp): Promise<ActionOutcome> {
  return postControl(
    `/api/zookeeper/servers/${encodeURIComponent(id)}/${op}`,
    {},
    `ZooKeeper ${op === 'stop' ? 'stopped' : op === 'start' ? 'started' : 'restarted'}`,
  );
}
