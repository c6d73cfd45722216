/**
 * Assembles a ZooKeeperView from the latest answer of every four-letter word on every server, the
 * znodes read through the gateway's session, and what earlier `cons` reads taught (when each
 * session was last answered, the servers' elapsed clocks). Pure: no I/O, `now` passed in.
 */
import type { ZooKeeperProblem, ZooKeeperQuorum, ZooKeeperServerView, ZooKeeperSessionView, ZooKeeperView, ZooKeeperZnodeView } from '@zkviz/shared';
import { ELECTION_PATH } from '@zkviz/shared';
import {
  parseCons,
  parseDump,
  parseMntr,
  parseSrvr,
  parseWatches,
  splitZxid,
  type ConsConnection,
  type DumpAnswer,
  type FourLetterAnswer,
  type FourLetterWord,
  type Parsed,
} from '@zkviz/shared/zk/four-letter';
import type { ZooKeeperServerAddress } from './connect-string.js';
import type { ElapsedClock } from './elapsed-clock.js';

/** The words the view reads, and so exactly what the whitelist needs (README, docker-compose.yml). */
export const VIEW_WORDS = ['srvr', 'mntr', 'cons', 'dump', 'wchc'] as const satisfies readonly FourLetterWord[];
export type ViewWord = (typeof VIEW_WORDS)[number];

export function whitelistFix(word: string): string {
  return `add ${word} to 4lw.commands.whitelist in zoo.cfg (ZOO_4LW_COMMANDS_WHITELIST with the official image, as in docker-compose.yml); the panel needs ${VIEW_WORDS.join(',')}`;
}

export interface ServerReading {
  server: ZooKeeperServerAddress;
  /** Latest answer per word (a fast `cons` poll replaces only `cons`). */
  answers: Partial<Record<ViewWord, FourLetterAnswer>>;
  /** When each answer arrived (gateway wall clock); a `dump` from before a crash has the old expiry. */
  receivedAt?: Partial<Record<ViewWord, number>>;
}

export type ZnodeReading = { ok: true; znodes: ZooKeeperZnodeView[] } | { ok: false; message: string };

/** What the last `cons` that listed a session said: needed once its connection is gone. */
export interface LastSeen {
  serverId: number;
  lastResponseElapsed: number;
  timeoutMs: number;
  /** Wall time a read first found no connection for the session (set by the source). */
  goneSince?: number;
}

export interface BuildInput {
  readings: readonly ServerReading[];
  znodes: ZnodeReading | null;
  /** The gateway's own session id (`0x…`), or null. */
  gatewaySession: string | null;
  clocks: ReadonlyMap<number, ElapsedClock>;
  lastSeen: ReadonlyMap<string, LastSeen>;
  now: number;
}

interface ParsedServer {
  reading: ServerReading;
  srvr: Parsed<ReturnType<typeof parseSrvr> extends Parsed<infer T> ? T : never> | null;
  mntr: Parsed<ReturnType<typeof parseMntr> extends Parsed<infer T> ? T : never> | null;
  cons: Parsed<ConsConnection[]> | null;
  dump: Parsed<DumpAnswer> | null;
  wchc: Parsed<Map<string, string[]>> | null;
}

function parseAnswer<T>(answer: FourLetterAnswer | undefined, parse: (text: string) => Parsed<T>): Parsed<T> | null {
  if (!answer?.ok) return null;
  return parse(answer.text);
}

export function parseServer(reading: ServerReading): ParsedServer {
  const a = reading.answers;
  return {
    reading,
    srvr: parseAnswer(a.srvr, parseSrvr),
    mntr: parseAnswer(a.mntr, parseMntr),
    cons: parseAnswer(a.cons, parseCons),
    dump: parseAnswer(a.dump, parseDump),
    wchc: parseAnswer(a.wchc, (t) => parseWatches(t, 'session')),
  };
}

function problemsOf(p: ParsedServer): ZooKeeperProblem[] {
  const problems: ZooKeeperProblem[] = [];
  const server = p.reading.server.address;
  for (const word of VIEW_WORDS) {
    const answer = p.reading.answers[word];
    if (!answer) continue;
    if (!answer.ok) {
      problems.push({ server, source: word, kind: answer.failure, message: answer.message, fix: answer.failure === 'refused' ? whitelistFix(word) : null });
      continue;
    }
    const parsed = p[word];
    if (parsed && !parsed.ok) problems.push({ server, source: word, kind: 'garbage', message: `could not read the ${word} answer: ${parsed.reason}`, fix: null });
  }
  return problems;
}

function serverView(p: ParsedServer): ZooKeeperServerView {
  const srvrAnswer = p.reading.answers.srvr;
  const refusing = VIEW_WORDS.some((w) => p.reading.answers[w]?.ok === false && (p.reading.answers[w] as { failure: string }).failure === 'refused');
  const down = srvrAnswer?.ok === false && (srvrAnswer.failure === 'down' || srvrAnswer.failure === 'timeout');
  const srvr = p.srvr?.ok ? p.srvr.value : null;
  const mntr = p.mntr?.ok ? p.mntr.value : null;
  const zxid = srvr ? splitZxid(srvr.zxid) : null;
  return {
    id: p.reading.server.id,
    address: p.reading.server.address,
    state: down || srvrAnswer === undefined ? 'down' : refusing ? 'refusing' : 'up',
    mode: srvr?.mode ?? null,
    zxid: srvr?.zxid ?? null,
    epoch: zxid?.epoch ?? null,
    counter: zxid?.counter ?? null,
    version: srvr?.version ?? null,
    latency: srvr?.latency ?? null,
    connections: srvr?.connections ?? null,
    outstanding: srvr?.outstanding ?? null,
    znodeCount: srvr?.nodeCount ?? mntr?.znodeCount ?? null,
    watchCount: mntr?.watchCount ?? null,
  };
}

/** Remembers, per session, the last `cons` line that listed it (kept while ZooKeeper lists the session). */
export function rememberConnections(lastSeen: Map<string, LastSeen>, serverId: number, connections: readonly ConsConnection[]): void {
  for (const c of connections) {
    if (c.sessionId && c.lastResponseElapsed !== null && c.timeoutMs !== null) {
      lastSeen.set(c.sessionId, { serverId, lastResponseElapsed: c.lastResponseElapsed, timeoutMs: c.timeoutMs });
    }
  }
}

/**
 * The server's expiry time for a session. ZooKeeper expires a session `timeout` after it last
 * heard from it (rounded up to the next tick on its elapsed clock). While connected that is
 * `lresp + to` (mapped to wall time). Once the connection is gone, the last touch lies between
 * the last `lresp` we saw (or, clients pinging every third of the timeout, `to/3` before the
 * connection was found gone, if later) and the moment it was found gone: the middle of that is
 * the estimate. `dump` prints the expiry to the second, which bounds it.
 */
export function expiryOf(id: string, input: Pick<BuildInput, 'clocks' | 'lastSeen'>, bucket: { second: number | null; receivedAt: number } | null): number | null {
  const seen = input.lastSeen.get(id);
  let wall: number | null = null;
  if (seen) {
    const lastResponse = input.clocks.get(seen.serverId)?.toWall(seen.lastResponseElapsed) ?? null;
    if (seen.goneSince !== undefined) {
      const lower = Math.min(seen.goneSince, Math.max(lastResponse ?? -Infinity, seen.goneSince - seen.timeoutMs / 3));
      wall = Math.round((lower + seen.goneSince) / 2) + seen.timeoutMs;
    } else if (lastResponse !== null) {
      wall = lastResponse + seen.timeoutMs;
    }
  }
  const bucketSecond = bucket?.second ?? null;
  if (wall === null) return bucketSecond === null ? null : bucketSecond + 999;
  // The bucket bounds a ghost's expiry only if `dump` was read after the connection went: until
  // then the session kept moving to later buckets with every ping.
  const fresh = bucketSecond !== null && seen?.goneSince !== undefined && bucket!.receivedAt >= seen.goneSince;
  return fresh ? Math.min(Math.max(wall, bucketSecond), bucketSecond + 999) : wall;
}

function ownerOf(id: string, input: BuildInput, znodes: readonly ZooKeeperZnodeView[]): string | null {
  if (id === input.gatewaySession) return 'gateway';
  const election = znodes.find((z) => z.stat.ephemeralOwner === id && z.path.startsWith(`${ELECTION_PATH}/`));
  if (election) return election.path.slice(ELECTION_PATH.length + 1);
  const other = znodes.find((z) => z.stat.ephemeralOwner === id);
  return other ? other.path.slice(other.path.lastIndexOf('/') + 1) : null;
}

export function buildZooKeeperView(input: BuildInput): ZooKeeperView {
  const parsed = input.readings.map(parseServer);
  const everywhere = (word: ViewWord) => parsed.length > 0 && parsed.every((p) => p[word]?.ok === true);
  const consKnown = everywhere('cons');
  const znodes = input.znodes?.ok ? input.znodes.znodes : [];

  const connections = new Map<string, { server: string; conn: ConsConnection }>();
  const buckets = new Map<string, { second: number | null; receivedAt: number }>();
  const ephemerals = new Map<string, string[]>();
  const watches = new Map<string, string[]>();
  for (const p of parsed) {
    if (p.cons?.ok) for (const conn of p.cons.value) if (conn.sessionId) connections.set(conn.sessionId, { server: p.reading.server.address, conn });
    if (p.dump?.ok) {
      const receivedAt = p.reading.receivedAt?.dump ?? input.now;
      for (const b of p.dump.value.expiryBuckets ?? []) for (const s of b.sessions) buckets.set(s, { second: b.expiresAtSecond, receivedAt });
      for (const g of p.dump.value.globalSessions ?? []) if (!buckets.has(g.sessionId)) buckets.set(g.sessionId, { second: null, receivedAt });
      // Every member of an ensemble lists every ephemeral: once each.
      for (const [s, paths] of p.dump.value.ephemerals) ephemerals.set(s, [...new Set([...(ephemerals.get(s) ?? []), ...paths])]);
    }
    if (p.wchc?.ok) for (const [s, paths] of p.wchc.value) watches.set(s, [...new Set([...(watches.get(s) ?? []), ...paths])]);
  }
  const ids = new Set<string>([...connections.keys(), ...buckets.keys(), ...ephemerals.keys()]);
  for (const z of znodes) if (z.stat.ephemeralOwner !== '0x0') ids.add(z.stat.ephemeralOwner);

  const sessions: ZooKeeperSessionView[] = [...ids].sort().map((id) => {
    const live = connections.get(id);
    return {
      id,
      timeoutMs: live?.conn.timeoutMs ?? input.lastSeen.get(id)?.timeoutMs ?? null,
      owner: ownerOf(id, input, znodes),
      server: live?.server ?? null,
      connected: live ? true : consKnown ? false : null,
      expiresAt: expiryOf(id, input, buckets.get(id) ?? null),
      ephemerals: [...(ephemerals.get(id) ?? [])].sort(),
      watches: [...(watches.get(id) ?? [])].sort(),
    };
  });

  const problems = parsed.flatMap(problemsOf);
  if (input.znodes && !input.znodes.ok) problems.push({ server: 'gateway session', source: 'znodes', kind: 'down', message: input.znodes.message, fix: null });
  const source: string[] = VIEW_WORDS.filter(everywhere);
  if (input.znodes?.ok) source.push('znodes');
  const servers = parsed.map(serverView);
  return { servers, quorum: quorumOf(servers), sessions, znodes, updatedAt: input.now, source, problems };
}

const SERVING: ReadonlySet<ZooKeeperServerView['mode']> = new Set(['leader', 'follower', 'standalone']);

/** See ZooKeeperQuorum: counted over the voters, serving means a quorum elected this server's leader. */
export function quorumOf(servers: readonly ZooKeeperServerView[]): ZooKeeperQuorum {
  const voters = servers.filter((s) => s.mode !== 'observer');
  const serving = voters.filter((s) => s.state !== 'down' && SERVING.has(s.mode)).length;
  return { size: voters.length, up: voters.filter((s) => s.state !== 'down').length, holds: serving * 2 > voters.length };
}
