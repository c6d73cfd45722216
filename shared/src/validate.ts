/**
 * Defensive readers for data found in ZooKeeper. Anyone can write there; a malformed entry is
 * skipped (and logged by the caller), never trusted and never fatal. Registry entries: registry.ts.
 */
import type { ElectionZnodeData } from './protocol.js';

const ADDRESS = /^[A-Za-z0-9.\-_:[\]]{1,255}:[0-9]{1,5}$/;

function parseJsonObject(data: Uint8Array | string | null | undefined): Record<string, unknown> | null {
  if (data == null) return null;
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  if (text.length === 0 || text.length > 64 * 1024) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isValidAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value);
}

export function parseElectionZnodeData(data: Uint8Array | string | null | undefined): ElectionZnodeData | null {
  const o = parseJsonObject(data);
  if (!o || !isValidAddress(o.address) || !isNum(o.startedAt) || !isNum(o.pid)) return null;
  return { address: o.address, startedAt: o.startedAt, pid: o.pid };
}
