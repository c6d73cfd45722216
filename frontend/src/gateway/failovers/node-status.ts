/** A node's own report of when its election watch fired (GET /internal/status, open like health). */
import { NODE_ROUTES, type NodeSelfStatus } from '@zkviz/shared';

const STATUS_TIMEOUT_MS = 2000;

export async function nodeWokenAt(address: string): Promise<number[] | null> {
  const res = await fetch(`http://${address}${NODE_ROUTES.status}`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
  if (!res.ok) return null;
  const body = (await res.json()) as Partial<NodeSelfStatus>;
  return Array.isArray(body.wokenAt) && body.wokenAt.every((t) => typeof t === 'number') ? body.wokenAt : null;
}
