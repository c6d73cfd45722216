/**
 * Parsers for the four-letter words zkviz reads: `srvr`, `mntr`, `cons`, `dump`, `wchc`, `wchp`.
 * Written against answers recorded from Debian's ZooKeeper 3.8 (shared/test/fixtures) and the
 * 3.9 source (the official image): the formats are the same, except where noted at each parser.
 *
 * Every parser is total: garbage gives `{ ok: false, reason }`, never an exception, and a line it
 * does not understand inside an otherwise valid answer is skipped rather than fatal (ZooKeeper
 * adds lines between releases, e.g. `Proposal sizes` on a quorum leader's `srvr`).
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** `0x…` session ids and zxids as ZooKeeper prints them: lower-case hex, no leading zeros. */
const HEX = /^0x[0-9a-f]+$/i;

function normalizeHex(raw: string): string {
  return `0x${BigInt(raw).toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// srvr
// ---------------------------------------------------------------------------------------------

export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';

export interface SrvrAnswer {
  version: string;
  latency: { min: number; avg: number; max: number };
  received: number;
  sent: number;
  connections: number;
  outstanding: number;
  /** `0x…` */
  zxid: string;
  mode: ServerMode;
  nodeCount: number;
}

const MODES: readonly ServerMode[] = ['standalone', 'leader', 'follower', 'observer', 'read-only'];

/**
 * ```
 * Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
 * Latency min/avg/max: 0/7.2419/132
 * Received: 74 … Zxid: 0x17  Mode: standalone  Node count: 14
 * ```
 * 3.9 prints the same lines; a quorum leader adds `Proposal sizes last/min/max: …`, a read-only
 * server a `READ-ONLY mode` line (Mode then says `read-only`). Debian's build leaves the
 * unexpanded `-${mvngit.commit.id}` in the version; it is dropped.
 */
export function parseSrvr(text: string): Parsed<SrvrAnswer> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  const version = fields.get('zookeeper version');
  if (version === undefined) return bad('no "Zookeeper version" line');
  const lat = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(fields.get('latency min/avg/max') ?? '');
  if (!lat) return bad('no "Latency min/avg/max" line');
  const mode = fields.get('mode') as ServerMode | undefined;
  if (!mode || !MODES.includes(mode)) return bad(`unknown mode ${JSON.stringify(fields.get('mode') ?? null)}`);
  const zxid = fields.get('zxid') ?? '';
  if (!HEX.test(zxid)) return bad(`zxid ${JSON.stringify(zxid)} is not hex`);
  const ints: Record<string, number> = {};
  for (const key of ['received', 'sent', 'connections', 'outstanding', 'node count']) {
    const raw = fields.get(key);
    if (raw === undefined || !/^\d+$/.test(raw)) return bad(`"${key}" missing or not a count`);
    ints[key] = Number(raw);
  }
  return ok({
    version: version
      .split(',')[0]!
      .trim()
      .replace(/-\$\{[^}]*\}$/, ''),
    latency: { min: Number(lat[1]), avg: Number(lat[2]), max: Number(lat[3]) },
    received: ints.received!,
    sent: ints.sent!,
    connections: ints.connections!,
    outstanding: ints.outstanding!,
    zxid: normalizeHex(zxid),
    mode,
    nodeCount: ints['node count']!,
  });
}

/** The zxid's halves: the epoch (the leader's term) in the high 32 bits, a counter in the low 32. */
export function splitZxid(zxid: string): { epoch: number; counter: number } {
  const value = BigInt(zxid);
  return { epoch: Number(value >> 32n), counter: Number(value & 0xffffffffn) };
}

// ---------------------------------------------------------------------------------------------
// mntr
// ---------------------------------------------------------------------------------------------

export interface MntrAnswer {
  /** Every `key<TAB>value` line, as printed. */
  values: Record<string, string>;
  watchCount: number | null;
  znodeCount: number | null;
  ephemeralsCount: number | null;
  serverState: string | null;
}

/**
 * `zk_key<TAB>value` lines. 3.8 and 3.9 print several hundred; only a few are used. 3.9's Prometheus
 * summaries keep the same form. Lines without a tab are skipped.
 */
export function parseMntr(text: string): Parsed<MntrAnswer> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(zk_[a-z0-9_]+)\t(.*)$/i.exec(line.trimEnd());
    if (m) values[m[1]!] = m[2]!;
  }
  if (!('zk_version' in values)) return bad('no zk_version line');
  const int = (key: string) => (values[key] !== undefined && /^\d+$/.test(values[key]) ? Number(values[key]) : null);
  return ok({
    values,
    watchCount: int('zk_watch_count'),
    znodeCount: int('zk_znode_count'),
    ephemeralsCount: int('zk_ephemerals_count'),
    serverState: values.zk_server_state ?? null,
  });
}

// ---------------------------------------------------------------------------------------------
// cons
// ---------------------------------------------------------------------------------------------

export interface ConsConnection {
  /** Client address as the server sees it (`127.0.0.1:38978`, `[::1]:50356` style kept as printed). */
  address: string;
  /** null for a connection without a session yet (e.g. our own four-letter-word connection). */
  sessionId: string | null;
  queued: number;
  received: number;
  sent: number;
  lastOperation: string | null;
  /** Epoch ms the connection was established (wall clock). */
  establishedAt: number | null;
  /** Negotiated session timeout. */
  timeoutMs: number | null;
  lastZxid: string | null;
  /**
   * When the server last answered this connection, on ZooKeeper's *elapsed* clock
   * (`System.nanoTime()` in ms: not wall time; see ElapsedClock).
   */
  lastResponseElapsed: number | null;
  latency: { last: number; min: number; avg: number; max: number } | null;
}

/**
 * One line per connection (3.8 and 3.9 alike, `ServerCnxn.dumpConnectionInfo`):
 * ` /127.0.0.1:38978[1](queued=0,recved=17,sent=17,sid=0x100000d896e0000,lop=PING,est=1796158469065,
 *   to=2000,lcxid=0x6b0f340d,lzxid=0x17,lresp=899126,llat=0,minlat=0,avglat=11,maxlat=132)`
 * A connection without a session prints only queued/recved/sent. `lcxid` is absent before the
 * first request. IPv6 peers print as `/0:0:0:0:0:0:0:1:50356`.
 */
export function parseCons(text: string): Parsed<ConsConnection[]> {
  const connections: ConsConnection[] = [];
  let lines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    lines++;
    const m = /^\/?(.+?)\[[0-9a-f]+\]\((.*)\)$/i.exec(line);
    if (!m) continue;
    const kv = new Map<string, string>();
    for (const part of m[2]!.split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) kv.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const num = (key: string) => {
      const v = kv.get(key);
      return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null;
    };
    const sid = kv.get('sid');
    const latencies = [num('llat'), num('minlat'), num('avglat'), num('maxlat')];
    connections.push({
      address: m[1]!,
      sessionId: sid && HEX.test(sid) ? normalizeHex(sid) : null,
      queued: num('queued') ?? 0,
      received: num('recved') ?? 0,
      sent: num('sent') ?? 0,
      lastOperation: kv.get('lop') ?? null,
      establishedAt: num('est'),
      timeoutMs: num('to'),
      lastZxid: kv.has('lzxid') && HEX.test(kv.get('lzxid')!) ? normalizeHex(kv.get('lzxid')!) : null,
      lastResponseElapsed: num('lresp'),
      latency: latencies.every((v) => v !== null) ? { last: latencies[0]!, min: latencies[1]!, avg: latencies[2]!, max: latencies[3]! } : null,
    });
  }
  // The asking connection itself is always listed, so a real answer is never empty.
  if (connections.length === 0) return bad(lines === 0 ? 'empty answer' : 'no connection lines');
  return ok(connections);
}

// ---------------------------------------------------------------------------------------------
// dump
// ---------------------------------------------------------------------------------------------

export interface DumpAnswer {
  /**
   * Standalone servers and a quorum's leader: the session expiry queue, one bucket per expiry
   * time. ZooKeeper prints the time with `Date.toString()`, to the second; `expiresAtSecond` is
   * that second (epoch ms), null when its time zone is not one we can read. null on a follower.
   */
  expiryBuckets: { expiresAtSecond: number | null; sessions: string[] }[] | null;
  /** A quorum follower prints `Global Sessions(n):` with each session's timeout instead of expiry times. */
  globalSessions: { sessionId: string; timeoutMs: number }[] | null;
  /** session id → ephemeral paths it owns. */
  ephemerals: Map<string, string[]>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Java's `Date.toString()`: `Tue Dec 01 20:54:34 UTC 2026`. The zone is the JVM's default zone's
 * short name: UTC/GMT (the official image, CI) and `GMT+hh:mm` are exact; other names are
 * ambiguous (CST is three zones), so they give null.
 */
export function parseJavaDate(text: string): number | null {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (\d{4})$/.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const utc = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const zone = m[6]!;
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return utc;
  const offset = /^GMT([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (offset) return utc - (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000;
  return null;
}

/**
 * ```
 * SessionTracker dump:
 * Session Sets (8)/(4):            ← standalone: ExpiryQueue.dump, 3.8 and 3.9 alike
 * 1 expire at Tue Dec 01 20:54:36 UTC 2026:
 * \t0x100000d896e0000
 * ephemeral nodes dump:
 * Sessions with Ephemerals (3):
 * 0x100000d896e0002:
 * \t/election/…
 * Connections dump:                ← NIO only (the default); Netty prints the header alone
 * ```
 * In an ensemble (recorded from 3.8, fixtures/zookeeper-3.8-ensemble) the leader prints the
 * expiry queue as above, a follower `Global Sessions(n):` + `0x…<TAB><timeout>ms` lines (no expiry
 * times); a tracker without a dump prints only its `toString()`.
 */
export function parseDump(text: string): Parsed<DumpAnswer> {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const trackerAt = lines.findIndex((l) => l.trim() === 'SessionTracker dump:');
  const ephemeralAt = lines.findIndex((l) => l.trim() === 'ephemeral nodes dump:');
  if (trackerAt < 0 || ephemeralAt < trackerAt) return bad('no "SessionTracker dump:" / "ephemeral nodes dump:" sections');
  const connectionsAt = lines.findIndex((l) => l.trim() === 'Connections dump:');
  const trackerLines = lines.slice(trackerAt + 1, ephemeralAt);
  const ephemeralLines = lines.slice(ephemeralAt + 1, connectionsAt > ephemeralAt ? connectionsAt : undefined);

  let expiryBuckets: DumpAnswer['expiryBuckets'] = null;
  let globalSessions: DumpAnswer['globalSessions'] = null;
  let bucket: { expiresAtSecond: number | null; sessions: string[] } | null = null;
  for (const line of trackerLines) {
    if (/^Session Sets \(\d+\)/.test(line)) {
      expiryBuckets = [];
      continue;
    }
    if (/^Global Sessions\s*\(\d+\):/.test(line)) {
      globalSessions = [];
      continue;
    }
    const head = /^(\d+) expire at (.+):$/.exec(line);
    if (head && expiryBuckets) {
      bucket = { expiresAtSecond: parseJavaDate(head[2]!), sessions: [] };
      expiryBuckets.push(bucket);
      continue;
    }
    const member = /^\t(0x[0-9a-f]+)$/i.exec(line);
    if (member && bucket) {
      bucket.sessions.push(normalizeHex(member[1]!));
      continue;
    }
    const global = /^(0x[0-9a-f]+)\s+(\d+)ms$/i.exec(line.trim());
    if (global && globalSessions) globalSessions.push({ sessionId: normalizeHex(global[1]!), timeoutMs: Number(global[2]) });
  }

  const ephemerals = new Map<string, string[]>();
  let owner: string[] | null = null;
  for (const line of ephemeralLines) {
    const session = /^(0x[0-9a-f]+):$/i.exec(line.trim());
    if (session) {
      owner = [];
      ephemerals.set(normalizeHex(session[1]!), owner);
      continue;
    }
    if (line.startsWith('\t/') && owner) owner.push(line.slice(1).trim());
  }
  return ok({ expiryBuckets, globalSessions, ephemerals });
}

// ---------------------------------------------------------------------------------------------
// wchc / wchp
// ---------------------------------------------------------------------------------------------

/**
 * `wchc` (by session) and `wchp` (by path): a key line, then tab-indented values. Both list the
 * server's *data* watches only (DataTree.dumpWatches in 3.8 and 3.9; child watches are not in
 * them). Returns session → paths either way, so the two are interchangeable.
 */
export function parseWatches(text: string, by: 'session' | 'path'): Parsed<Map<string, string[]>> {
  const bySession = new Map<string, string[]>();
  const add = (session: string, path: string) => {
    const list = bySession.get(session) ?? [];
    if (!list.includes(path)) list.push(path);
    bySession.set(session, list);
  };
  let key: string | null = null;
  let understood = 0;
  let lines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    lines++;
    if (!line.startsWith('\t')) {
      const k = line.trim();
      const valid = by === 'session' ? HEX.test(k) : k.startsWith('/');
      key = valid ? (by === 'session' ? normalizeHex(k) : k) : null;
      if (valid) understood++;
      continue;
    }
    if (key === null) continue;
    const value = line.trim();
    if (by === 'session' && value.startsWith('/')) add(key, value);
    else if (by === 'path' && HEX.test(value)) add(normalizeHex(value), key);
    else continue;
    understood++;
  }
  if (lines > 0 && understood === 0) return bad(`no ${by === 'session' ? 'session' : 'path'} lines`);
  return ok(bySession);
}
