/**
 * Who takes over when a crashed leader's session expires: the node watching it (its successor),
 * or, if that one is gone too, the next live node by sequence. Pure, from the (stale) table.
 */
import type { ClusterView, NodeView } from '@zkviz/shared';

export interface Takeover {
  ghost: NodeView;
  successor: NodeView | null;
}

export function pendingTakeover(view: ClusterView): Takeover | null {
  if (view.status !== 'leaderless') return null;
  const ghost = view.nodes.find((n) => n.role === 'leader' && n.liveness === 'ghost');
  if (!ghost) return null;
  const alive = view.nodes.filter((n) => n.liveness === 'alive' && n.sequence > ghost.sequence);
  const successor = alive.find((n) => n.watching === ghost.id) ?? alive.sort((a, b) => a.sequence - b.sequence)[0] ?? null;
  return { ghost, successor };
}
