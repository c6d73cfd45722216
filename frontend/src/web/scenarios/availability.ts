/**
 * What a scenario's availability depends on (shared/src/scenarios.ts `needs`, judged by the
 * gateway: a leader, enough nodes, the ensemble's size and servers up, the recipe switch), as one key: the page
 * reads the list again when it changes, so "Run" is offered exactly when the gateway would start it.
 */
import type { ClusterView, ZooKeeperView } from '@zkviz/shared';

export function availabilityKey(view: ClusterView | null, zookeeper: ZooKeeperView | null): string {
  if (!view) return '';
  const leading = view.status === 'ok' && view.leader !== null;
  return [leading ? 'leader' : 'none', view.nodes.length, view.recipe ?? '', zookeeper?.quorum.size ?? '', zookeeper?.quorum.up ?? ''].join(':');
}
