/**
 * Which watch arrows to draw. The node says what it watches (`watching`); ZooKeeper says which
 * data watches each session really holds (`wchc`, via the gateway's ZooKeeper view). Where both are
 * known they are compared, so a claim ZooKeeper does not hold (or a watch nobody admits to) shows.
 */
import type { ZooKeeperView } from '@zkviz/shared';
import type { WatchEdge } from './layout.js';

/** The slice of a NodeView (plus the ZooKeeper facts of issue 10, when the gateway has them). */
export interface ChainNode {
  id: string;
  watching: string | null;
  session?: string | null;
  watchConfirmed?: boolean | null;
}

/** Paths each session holds data watches on, by session id (`0x…`); absent when ZooKeeper's list is unknown. */
export type HeldWatches = ReadonlyMap<string, readonly string[]>;

export const ELECTION_PREFIX = '/election/';

/**
 * Each session's data watches from the ZooKeeper view, or null when ZooKeeper's list is unknown
 * (no view yet, or `wchc` did not answer: an empty list would then read as "holds nothing").
 * `previous` itself when no session's watches changed: most ZooKeeper views bring new latencies
 * and expiry times only, and the chain's layout, memoised on this map, is then not redone.
 */
export function heldWatchesOf(zk: ZooKeeperView | null, previous: HeldWatches | null = null): HeldWatches | null {
  if (!zk || !zk.source.includes('wchc')) return null;
  const held = new Map(zk.sessions.map((s) => [s.id, s.watches]));
  return previous && sameWatches(previous, held) ? previous : held;
}

function sameWatches(a: HeldWatches, b: HeldWatches): boolean {
  if (a.size !== b.size) return false;
  for (const [id, paths] of b) {
    const before = a.get(id);
    if (before !== paths && (before?.length !== paths.length || before.some((p, i) => p !== paths[i]))) return false;
  }
  return true;
}

export function chainEdges(nodes: readonly ChainNode[], held?: HeldWatches | null): WatchEdge[] {
  const ids = new Set(nodes.map((n) => n.id));
  const edges: WatchEdge[] = [];
  for (const node of nodes) {
    const heldTargets = heldElectionWatches(node, held);
    if (node.watching) {
      let kind: WatchEdge['kind'] = 'claimed';
      if (heldTargets) kind = heldTargets.has(node.watching) ? 'confirmed' : 'claimed-not-held';
      else if (node.watchConfirmed === true) kind = 'confirmed';
      else if (node.watchConfirmed === false) kind = 'claimed-not-held';
      edges.push({ from: node.id, to: node.watching, kind });
    }
    for (const target of heldTargets ?? []) {
      if (target !== node.watching && ids.has(target)) edges.push({ from: node.id, to: target, kind: 'held-not-claimed' });
    }
  }
  return edges;
}

function heldElectionWatches(node: ChainNode, held?: HeldWatches | null): Set<string> | null {
  if (!held || !node.session) return null;
  const paths = held.get(node.session);
  if (!paths) return null;
  return new Set(paths.filter((p) => p.startsWith(ELECTION_PREFIX)).map((p) => p.slice(ELECTION_PREFIX.length)));
}
