/**
 * Validation of what the leader sends. The stream is trusted only as far as its shape: a line
 * that is not a well-formed LeaderStreamMessage is dropped (and logged), never half-applied.
 */
import { isFiniteNumber as isNum, isJsonObject as isRecord, type ClusterSnapshot, type LeaderStreamMessage, type NodeClaim } from '@zkviz/shared';

const ROLES = new Set(['leader', 'worker', 'candidate']);
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isNumOrNull = (v: unknown): v is number | null => v === null || isNum(v);
const isBoolOrMissing = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

function isNodeView(value: unknown): value is NodeClaim {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    isNum(value.sequence) &&
    typeof value.role === 'string' &&
    ROLES.has(value.role) &&
    isStrOrNull(value.watching) &&
    isStrOrNull(value.address) &&
    // Informational fields: tolerated when missing, checked when present.
    isNumOrNull(value.startedAt ?? null) &&
    isNumOrNull(value.pid ?? null) &&
    isBoolOrMissing(value.inCoordinatorsRegistry) &&
    isBoolOrMissing(value.inWorkersRegistry)
  );
}

/** The successor's own takeover stamps: optional (older nodes do not send them), checked when present. */
function isTakeoverOrMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return (
    isRecord(value) &&
    typeof value.leader === 'string' &&
    isStrOrNull(value.predecessor) &&
    isNumOrNull(value.notifiedAt) &&
    isNumOrNull(value.registeredAt) &&
    isNum(value.actingAt)
  );
}

export function isClusterSnapshot(value: unknown): value is ClusterSnapshot {
  return (
    isRecord(value) &&
    typeof value.leader === 'string' &&
    isNum(value.fencingToken) &&
    isNum(value.version) &&
    isNum(value.generatedAt) &&
    Array.isArray(value.nodes) &&
    value.nodes.every(isNodeView) &&
    isTakeoverOrMissing(value.takeover)
  );
}

export function isLeaderStreamMessage(value: unknown): value is LeaderStreamMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'snapshot') return isClusterSnapshot(value.snapshot);
  if (value.type === 'heartbeat') return typeof value.leader === 'string' && isNum(value.fencingToken) && isNum(value.at);
  return false;
}

export type ParsedLine = { ok: true; message: LeaderStreamMessage } | { ok: false; reason: string };

export function parseStreamLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  return isLeaderStreamMessage(value) ? { ok: true, message: value } : { ok: false, reason: 'not a LeaderStreamMessage' };
}

/**
 * Splits a byte stream into lines. Keeps the unfinished tail between chunks; refuses a line
 * longer than `maxLineLength` so a broken peer cannot make us buffer without bound.
 */
export class LineSplitter {
  private tail = '';
  constructor(private readonly maxLineLength = 1 << 20) {}

  /** Returns the complete lines in `chunk`; throws when the unfinished line grows too long. */
  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split('\n');
    this.tail = parts.pop() ?? '';
    if (this.tail.length > this.maxLineLength) throw new Error(`line longer than ${this.maxLineLength} characters`);
    return parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p)).filter((p) => p.trim() !== '');
  }
}
