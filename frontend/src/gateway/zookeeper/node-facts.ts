/**
 * Checks each claimed row against what ZooKeeper reports: the session behind the node's election
 * znode, whether any server still has a connection for it (no: a ghost), when the server will
 * expire it, and whether ZooKeeper holds the data watch the node says it has. Pure.
 */
import { ELECTION_PATH, type NodeClaim, type NodeView, type NodeZooKeeperFacts, type ZooKeeperView } from '@zkviz/shared';

export const UNKNOWN_FACTS: NodeZooKeeperFacts = { session: null, liveness: 'alive', sessionExpiresAt: null, watchConfirmed: null };

export function nodeFacts(claim: NodeClaim, zk: ZooKeeperView | null): NodeZooKeeperFacts {
  if (!zk) return UNKNOWN_FACTS;
  const znode = zk.znodes.find((z) => z.path === `${ELECTION_PATH}/${claim.id}`);
  const session = znode && znode.stat.ephemeralOwner !== '0x0' ? znode.stat.ephemeralOwner : null;
  if (!session) return UNKNOWN_FACTS;
  const seen = zk.sessions.find((s) => s.id === session);
  // Ghost only on positive evidence: ZooKeeper lists the session and every server answered
  // `cons` without a connection for it. A session too new for the last `dump` is not a ghost.
  const ghost = seen?.connected === false;
  let watchConfirmed: boolean | null = null;
  if (claim.watching !== null && zk.source.includes('wchc')) {
    watchConfirmed = (seen?.watches ?? []).includes(`${ELECTION_PATH}/${claim.watching}`);
  }
  return { session, liveness: ghost ? 'ghost' : 'alive', sessionExpiresAt: ghost ? (seen?.expiresAt ?? null) : null, watchConfirmed };
}

export function withZooKeeperFacts(claims: readonly NodeClaim[], zk: ZooKeeperView | null): NodeView[] {
  return claims.map((claim) => ({ ...stripFacts(claim), ...nodeFacts(claim, zk) }));
}

/** A leader built before this field existed, or a rogue, may send facts of its own: they are not its to claim. */
function stripFacts(claim: NodeClaim): NodeClaim {
  const { session: _s, liveness: _l, sessionExpiresAt: _e, watchConfirmed: _w, ...rest } = claim as NodeClaim & Partial<NodeZooKeeperFacts>;
  return rest;
}

export function sameFacts(a: readonly NodeView[], b: readonly NodeView[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((n, i) => {
    const m = b[i]!;
    return (
      n.id === m.id && n.session === m.session && n.liveness === m.liveness && n.sessionExpiresAt === m.sessionExpiresAt && n.watchConfirmed === m.watchConfirmed
    );
  });
}
