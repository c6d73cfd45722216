/** Builders for timeline entries, plus the snapshot diff that produces join/leave entries. */
import { shortId, type ClusterEvent, type KillMode, type NodeView } from '@zkviz/shared';

export function leaderElectedEvent(leader: string, fencingToken: number, at: number): ClusterEvent {
  return { at, kind: 'leader-elected', nodeId: leader, text: `${shortId(leader)} became leader (fencing token ${fencingToken})` };
}

export function leaderLostEvent(leader: string, at: number): ClusterEvent {
  return { at, kind: 'leader-lost', nodeId: leader, text: `Lost leader ${shortId(leader)}; re-election in progress` };
}

export function gatewayConnectedEvent(leader: string, at: number): ClusterEvent {
  return { at, kind: 'gateway-connected', nodeId: leader, text: `Gateway connected to leader ${shortId(leader)}` };
}

export function killRequestedEvent(target: string, mode: KillMode, at: number): ClusterEvent {
  return { at, kind: 'kill-requested', nodeId: target, text: `Kill (${mode}) requested for ${shortId(target)}` };
}

/** Nodes that appeared and disappeared between two tables, in sequence order. */
export function diffNodes(before: readonly NodeView[], after: readonly NodeView[], at: number): ClusterEvent[] {
  const beforeIds = new Set(before.map((n) => n.id));
  const afterIds = new Set(after.map((n) => n.id));
  const events: ClusterEvent[] = [];
  for (const node of before) {
    if (!afterIds.has(node.id)) events.push({ at, kind: 'node-left', nodeId: node.id, text: `${shortId(node.id)} left` });
  }
  for (const node of after) {
    if (!beforeIds.has(node.id)) events.push({ at, kind: 'node-joined', nodeId: node.id, text: `${shortId(node.id)} joined` });
  }
  return events;
}

/** A bounded, oldest-first history of events for clients that connect later. */
export class EventHistory {
  private readonly items: ClusterEvent[] = [];
  constructor(private readonly capacity = 50) {}

  push(event: ClusterEvent): void {
    this.items.push(event);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  list(): ClusterEvent[] {
    return [...this.items];
  }
}
