/**
 * The lower layer in words: what the ensemble's quorum means for the nodes above it, and which
 * node is connected to which server. Pure (no React, no DOM): unit-tested on views from a real
 * ensemble.
 */
import type { ZooKeeperQuorum, ZooKeeperServerView, ZooKeeperSessionView } from '@zkviz/shared';

/** `full`: every voter up; `holds`: some down, a majority serves; `electing`: a majority is up but not serving yet; `lost`: no majority. */
export type QuorumTone = 'full' | 'holds' | 'electing' | 'lost';

export interface QuorumSentence {
  tone: QuorumTone;
  /** "2 of 3 up" */
  count: string;
  /** What it means, or null when nothing is missing. */
  meaning: string | null;
}

export const NO_QUORUM = 'no quorum — ZooKeeper refuses every request; every node is suspended; nobody leads';

export function quorumSentence(quorum: ZooKeeperQuorum, servers: readonly ZooKeeperServerView[]): QuorumSentence | null {
  if (quorum.size === 0) return null;
  const count = `${quorum.up} of ${quorum.size} up`;
  if (quorum.holds) {
    if (quorum.up < quorum.size) return { tone: 'holds', count, meaning: 'quorum holds' };
    const standalone = quorum.size === 1 && servers.some((s) => s.mode === 'standalone');
    return { tone: 'full', count, meaning: standalone ? 'standalone: one server, no ZAB election beneath the nodes' : null };
  }
  // Up but not serving: the servers are still electing (ZAB) or have just lost their leader.
  if (quorum.up * 2 > quorum.size) return { tone: 'electing', count, meaning: 'electing a ZooKeeper leader — until ZAB has one, ZooKeeper refuses every request' };
  return { tone: 'lost', count, meaning: NO_QUORUM };
}

/** A session on a server, named by who owns it. */
export interface ConnectedSession {
  session: string;
  /** Node id, `"gateway"`, or null when no election znode names it. */
  owner: string | null;
}

/** The sessions whose connection this server holds (from `cons`), sorted by owner then id. */
export function sessionsOn(server: ZooKeeperServerView, sessions: readonly ZooKeeperSessionView[]): ConnectedSession[] {
  return sessions
    .filter((s) => s.connected === true && s.server === server.address)
    .map((s) => ({ session: s.id, owner: s.owner }))
    .sort((a, b) => (a.owner ?? '~').localeCompare(b.owner ?? '~') || a.session.localeCompare(b.session));
}

/** The role words of the card: what the server is in ZAB's election. */
export function roleOf(server: ZooKeeperServerView): string {
  if (server.state === 'down') return 'down';
  if (server.mode === null) return server.state === 'refusing' ? 'mode unknown' : 'not serving';
  return server.mode;
}
