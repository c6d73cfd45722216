/**
 * The one "settled cluster" predicate. The fault harness (and with it chaos), the integration
 * tests and the bench all wait for it, each feeding what it can see: the nodes' own status
 * reports and ZooKeeper's children (harness, integration), or the gateway's view (bench).
 *
 * Settled means: every live node is connected and has an election znode; exactly one node acts as
 * leader, with role leader, and it holds the lowest znode; every other node is a worker watching
 * its immediate predecessor (under the `herd` recipe: watching no znode, it watches /election's
 * children); and for each ZooKeeper list given, it holds exactly one entry per
 * live node (/election all of them, the coordinators registry the leader, the workers registry
 * the rest): no orphans, nothing missing.
 *
 * No imports beyond @zkviz/shared, so the bench can use it outside the test runner.
 */
import { parseElectionZnode } from '@zkviz/shared';

export interface SettleNode {
  /** For the messages (a process name, or the znode). */
  name: string;
  znode: string | null;
  role: string;
  acting: boolean;
  watching: string | null;
  /** When known: whether the node has a ZooKeeper session right now. */
  connected?: boolean;
  /** When known: the election phase, for the message when the node has no znode. */
  phase?: string;
  /** When known: the recipe the node follows (`herd`: it names no predecessor). */
  recipe?: string;
}

/** Children of the three parents, as ZooKeeper lists them; give the ones you can see. */
export interface SettleTree {
  election?: readonly string[];
  coordinators?: readonly string[];
  workers?: readonly string[];
}

/** What is not settled yet, one phrase per problem; empty when settled. */
export function settledProblems(nodes: readonly SettleNode[], tree: SettleTree = {}): string[] {
  const problems: string[] = [];
  const byZnode = new Map<string, SettleNode>();
  for (const n of nodes) {
    if (n.connected === false) problems.push(`${n.name} not connected`);
    if (!n.znode) problems.push(`${n.name} has no znode (phase ${n.phase ?? 'unknown'})`);
    else byZnode.set(n.znode, n);
  }
  const acting = nodes.filter((n) => n.acting);
  if (acting.length !== 1) problems.push(`${acting.length} nodes acting (${acting.map((n) => n.name).join(',')})`);
  const leaderZnode = acting.length === 1 ? acting[0]!.znode : null;

  const expected: Required<SettleTree> = {
    election: [...byZnode.keys()].sort(),
    coordinators: leaderZnode ? [leaderZnode] : [],
    workers: [...byZnode.keys()].filter((z) => z !== leaderZnode).sort(),
  };
  for (const key of ['election', 'coordinators', 'workers'] as const) {
    const seen = tree[key];
    if (!seen) continue;
    const extra = seen.filter((z) => !expected[key].includes(z));
    const missing = expected[key].filter((z) => !seen.includes(z));
    if (extra.length) problems.push(`${key}: orphan/extra ${extra.join(',')}`);
    if (missing.length) problems.push(`${key}: missing ${missing.map((z) => `${z} (${byZnode.get(z)?.name})`).join(',')}`);
  }

  for (const n of nodes) {
    if (n.znode && n.znode !== leaderZnode && n.role !== 'worker') problems.push(`${n.name} role ${n.role}`);
    if (n.znode && n.znode === leaderZnode && n.role !== 'leader') problems.push(`${n.name} acting with role ${n.role}`);
  }

  // The chain: the lowest znode leads, every other node watches its immediate predecessor.
  const chain = inSequenceOrder([...byZnode.values()]);
  if (leaderZnode && chain[0] && chain[0].znode !== leaderZnode) problems.push(`${chain[0].name} holds the lowest znode but does not act`);
  for (let i = 1; i < chain.length; i++) {
    const n = chain[i]!;
    const predecessor = chain[i - 1]!.znode;
    const wanted = n.recipe === 'herd' ? null : predecessor;
    if (n.znode !== leaderZnode && n.watching !== wanted) problems.push(`${n.name} watches ${n.watching ?? 'nothing'}, not its predecessor ${predecessor}`);
  }
  return problems;
}

/** Sorted by the election znode's sequence (lowest first); nodes without a (valid) znode last. */
export function inSequenceOrder<T extends { znode: string | null }>(nodes: readonly T[]): T[] {
  const seq = (n: T) => (n.znode ? (parseElectionZnode(n.znode)?.sequence ?? Infinity) : Infinity);
  return [...nodes].sort((a, b) => seq(a) - seq(b));
}
