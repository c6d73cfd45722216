/**
 * Defensive readers for data found in ZooKeeper (or in a file a user opens). Anyone can write
 * there; a malformed entry is skipped (and logged by the caller), never trusted and never fatal.
 * The building blocks here are the one copy the other readers use: registry entries
 * (registry.ts), slot records (slots.ts) and recordings (recording.ts).
 */
import type { ElectionZnodeData } from './protocol.js';

const ADDRESS = /^[A-Za-z0-9.\-_:[\]]{1,255}:[0-9]{1,5}$/;

/** Largest znode data a reader decodes unless it says otherwise (ours are a few hundred bytes). */
export const MAX_ZNODE_DATA_BYTES = 64 * 1024;

export type JsonObject = Record<string, unknown>;
export type JsonObjectRead = { ok: true; value: JsonObject } | { ok: false; reason: string };

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Znode data (bytes or text) as a JSON object, or why not. The size is checked before decoding,
 * so a huge value costs nothing to refuse.
 */
export function readJsonObject(data: Uint8Array | string | null | undefined, maxBytes = MAX_ZNODE_DATA_BYTES): JsonObjectRead {
  if (data == null || data.length === 0) return { ok: false, reason: 'no data' };
  if (data.length > maxBytes) return { ok: false, reason: `data larger than ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  return isJsonObject(value) ? { ok: true, value } : { ok: false, reason: 'data is not a JSON object' };
}

export function isValidAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value);
}

export function parseElectionZnodeData(data: Uint8Array | string | null | undefined): ElectionZnodeData | null {
  const read = readJsonObject(data);
  if (!read.ok) return null;
  const o = read.value;
  if (!isValidAddress(o.address) || !isFiniteNumber(o.startedAt) || !isFiniteNumber(o.pid)) return null;
  return { address: o.address, startedAt: o.startedAt, pid: o.pid };
}
