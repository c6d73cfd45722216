/**
 * The recording format (`GET /api/recording`, the page's "Open recording…"): NDJSON, one header
 * line, then one line per message the gateway broadcast on /ws, in the order it sent them:
 *
 *   {"type":"recording","version":1,"startedAt":1795…,"cluster":ClusterView,"zookeeper":ZooKeeperView}
 *   {"at":1795…,"message":{"type":"snapshot","view":…}}
 *   {"at":1795…,"message":{"type":"zookeeper","view":…}}
 *   {"at":1795…,"message":{"type":"event","event":…}}
 *
 * `cluster` (and `zookeeper`, absent when the gateway had no ZooKeeper view) is the view in effect
 * at `startedAt` (the gateway's start, or the moment the oldest kept line was dropped by the
 * recording's bounds), so a replay can start from a known picture.
 * `message` is the exact text /ws sent; `at` is the gateway's clock when it sent it.
 * The parser checks every line and names the first bad one: a file from elsewhere is never trusted.
 */
import type { ClusterView, ServerMessage, ZooKeeperView } from './protocol.js';
import { isFiniteNumber, isJsonObject, type JsonObject } from './validate.js';

export const RECORDING_VERSION = 1;
export const RECORDING_CONTENT_TYPE = 'application/x-ndjson';

export interface RecordingHeader {
  type: 'recording';
  version: typeof RECORDING_VERSION;
  /** Epoch ms (gateway clock) of the state in `cluster`; every line's `at` is at or after it. */
  startedAt: number;
  cluster: ClusterView;
  /** What ZooKeeper itself showed at `startedAt`; absent when the gateway had not read it (or the view is off). */
  zookeeper?: ZooKeeperView;
}

/** The messages a recording holds: what the gateway broadcasts (never per-client pongs or errors). */
export type RecordedMessage = Extract<ServerMessage, { type: 'snapshot' } | { type: 'event' } | { type: 'zookeeper' }>;

export interface RecordingEntry {
  at: number;
  message: RecordedMessage;
}

export interface Recording {
  header: RecordingHeader;
  entries: RecordingEntry[];
}

export type RecordingParse = { ok: true; recording: Recording } | { ok: false; line: number; message: string };

// ---------------------------------------------------------------------------------------------
// Writing: the gateway splices the text /ws sent, so a line holds it byte for byte.
// ---------------------------------------------------------------------------------------------

export function recordingHeaderLine(startedAt: number, cluster: ClusterView, zookeeper?: ZooKeeperView | null): string {
  const header: RecordingHeader = { type: 'recording', version: RECORDING_VERSION, startedAt, cluster, ...(zookeeper ? { zookeeper } : {}) };
  return JSON.stringify(header);
}

/** `sent` is the JSON text of one /ws message, exactly as it went out. */
export function recordingEntryLine(at: number, sent: string): string {
  return `{"at":${at},"message":${sent}}`;
}

export function serializeRecording(recording: Recording): string {
  const lines = [recordingHeaderLine(recording.header.startedAt, recording.header.cluster, recording.header.zookeeper)];
  for (const entry of recording.entries) lines.push(recordingEntryLine(entry.at, JSON.stringify(entry.message)));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

const STATUSES = new Set(['connecting', 'ok', 'leaderless']);
const ROLES = new Set(['leader', 'worker', 'candidate']);

/** What the page draws from a view; extra fields are kept (a newer gateway may add some). */
export function clusterViewProblem(v: unknown): string | null {
  if (!isJsonObject(v)) return 'the cluster view is not an object';
  if (typeof v.status !== 'string' || !STATUSES.has(v.status)) return `unknown cluster status ${JSON.stringify(v.status)}`;
  if (!isStrOrNull(v.leader)) return 'leader must be a string or null';
  if (!Array.isArray(v.nodes)) return 'nodes must be an array';
  for (const [i, n] of v.nodes.entries()) {
    if (
      !isJsonObject(n) ||
      typeof n.id !== 'string' ||
      !isFiniteNumber(n.sequence) ||
      typeof n.role !== 'string' ||
      !ROLES.has(n.role) ||
      !isStrOrNull(n.watching)
    ) {
      return `node ${i} lacks a valid id, sequence, role or watching`;
    }
  }
  if (typeof v.stale !== 'boolean' || !isFiniteNumber(v.updatedAt) || !isFiniteNumber(v.seq)) return 'stale, updatedAt and seq are required';
  if (v.leaderlessSince !== null && !isFiniteNumber(v.leaderlessSince)) return 'leaderlessSince must be a number or null';
  if (v.lastFailover !== null && !(isJsonObject(v.lastFailover) && typeof v.lastFailover.to === 'string' && isFiniteNumber(v.lastFailover.durationMs))) {
    return 'lastFailover must be null or name `to` and `durationMs`';
  }
  return null;
}

function eventProblem(e: unknown): string | null {
  if (!isJsonObject(e)) return 'the event is not an object';
  if (!isFiniteNumber(e.at) || typeof e.kind !== 'string' || !/^[a-z][a-z-]{0,63}$/.test(e.kind) || !isStrOrNull(e.nodeId) || typeof e.text !== 'string') {
    return 'an event needs at, a kind (lower-case words joined by -), nodeId and text';
  }
  return null;
}

const SERVER_STATES = new Set(['up', 'down', 'refusing']);
const isNumOrNull = (v: unknown): boolean => v === null || isFiniteNumber(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** What the page's ZooKeeper panel, ghost countdowns and chain arrows read from a ZooKeeper view. */
export function zookeeperViewProblem(v: unknown): string | null {
  if (!isJsonObject(v)) return 'the ZooKeeper view is not an object';
  if (!Array.isArray(v.servers) || !Array.isArray(v.sessions) || !Array.isArray(v.znodes) || !Array.isArray(v.problems)) {
    return 'a ZooKeeper view needs servers, sessions, znodes and problems arrays';
  }
  for (const [i, s] of v.servers.entries()) {
    if (!isJsonObject(s) || !isFiniteNumber(s.id) || typeof s.address !== 'string' || typeof s.state !== 'string' || !SERVER_STATES.has(s.state)) {
      return `ZooKeeper server ${i} lacks a numeric id, an address or a state (up, down, refusing)`;
    }
  }
  const q = v.quorum;
  if (!isJsonObject(q) || !isFiniteNumber(q.size) || !isFiniteNumber(q.up) || typeof q.holds !== 'boolean')
    return 'the quorum needs numeric size and up and a boolean holds';
  for (const [i, s] of v.sessions.entries()) {
    if (
      !isJsonObject(s) ||
      typeof s.id !== 'string' ||
      !isStrOrNull(s.owner) ||
      !isNumOrNull(s.expiresAt) ||
      !isNumOrNull(s.timeoutMs) ||
      !(s.connected === null || typeof s.connected === 'boolean') ||
      !isStringArray(s.watches) ||
      !isStringArray(s.ephemerals)
    ) {
      return `ZooKeeper session ${i} lacks a valid id, owner, timeout, expiry, connected, watches or ephemerals`;
    }
  }
  for (const [i, z] of v.znodes.entries()) {
    if (!isJsonObject(z) || typeof z.path !== 'string' || !isJsonObject(z.stat) || !isStrOrNull(z.data)) return `znode ${i} lacks a path, a stat or data`;
  }
  if (!isFiniteNumber(v.updatedAt) || !isStringArray(v.source)) return 'a ZooKeeper view needs a numeric updatedAt and a source list';
  return null;
}

/** One checker per recorded message type: adding a broadcast type means adding a row here. */
const MESSAGE_CHECKS: Record<RecordedMessage['type'], (m: JsonObject) => string | null> = {
  snapshot: (m) => clusterViewProblem(m.view),
  event: (m) => eventProblem(m.event),
  zookeeper: (m) => zookeeperViewProblem(m.view),
};

function parseLine(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: 'is not JSON' };
  }
}

/** Parses a whole recording; the first bad line makes it fail with its line number (from 1). */
export function parseRecording(text: string): RecordingParse {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const fail = (line: number, message: string): RecordingParse => ({ ok: false, line, message: `line ${line}: ${message}` });
  if (lines.length === 0) return fail(1, 'the file is empty; a recording starts with a {"type":"recording"} header line');

  const head = parseLine(lines[0]!.replace(/\r$/, ''));
  if ('error' in head) return fail(1, 'the header is not JSON: this is not a zkviz recording');
  const h = head.value;
  if (!isJsonObject(h) || h.type !== 'recording') return fail(1, 'the first line is not a {"type":"recording"} header: this is not a zkviz recording');
  if (h.version !== RECORDING_VERSION)
    return fail(1, `recording version ${JSON.stringify(h.version)} is not supported (this page reads version ${RECORDING_VERSION})`);
  if (!isFiniteNumber(h.startedAt)) return fail(1, 'the header has no numeric startedAt');
  const viewProblem = clusterViewProblem(h.cluster);
  if (viewProblem) return fail(1, `the header's cluster: ${viewProblem}`);
  const header: RecordingHeader = { type: 'recording', version: RECORDING_VERSION, startedAt: h.startedAt, cluster: h.cluster as ClusterView };
  if (h.zookeeper !== undefined && h.zookeeper !== null) {
    const zkProblem = zookeeperViewProblem(h.zookeeper);
    if (zkProblem) return fail(1, `the header's zookeeper: ${zkProblem}`);
    header.zookeeper = h.zookeeper as unknown as ZooKeeperView;
  }

  const entries: RecordingEntry[] = [];
  let previousAt = header.startedAt;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') return fail(lineNo, 'is empty');
    const parsed = parseLine(raw);
    if ('error' in parsed) return fail(lineNo, parsed.error);
    const e = parsed.value;
    if (!isJsonObject(e) || !isFiniteNumber(e.at) || !isJsonObject(e.message)) return fail(lineNo, 'a line needs a numeric "at" and a "message" object');
    if (e.at < previousAt) return fail(lineNo, `"at" goes back in time (${e.at} after ${previousAt})`);
    const type = e.message.type;
    const check = typeof type === 'string' && Object.hasOwn(MESSAGE_CHECKS, type) ? MESSAGE_CHECKS[type as RecordedMessage['type']] : undefined;
    if (!check) return fail(lineNo, `unknown message type ${JSON.stringify(type)}`);
    const problem = check(e.message);
    if (problem) return fail(lineNo, problem);
    previousAt = e.at;
    entries.push({ at: e.at, message: e.message as unknown as RecordedMessage });
  }
  return { ok: true, recording: { header, entries } };
}
