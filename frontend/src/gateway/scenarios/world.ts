/**
 * What a scenario step sees of the cluster, and the pure answers to "which node is the leader's
 * successor?", "how long is 2.5 sessions for this node?", "can this scenario run here?". No I/O.
 */
import type {
  ClusterEvent,
  ClusterView,
  FaultCapabilities,
  NodeSelector,
  NodeView,
  ScenarioDefinition,
  ScenarioDuration,
  ServerSelector,
  ZooKeeperView,
} from '@zkviz/shared';

/** Everything the runner knows at one instant. */
export interface World {
  view: ClusterView;
  zookeeper: ZooKeeperView | null;
  capabilities: FaultCapabilities;
  /** The gateway can write the recipe znode. */
  recipeWritable: boolean;
  /** The session timeout the nodes are configured with, when ZooKeeper's own word for it is missing. */
  defaultSessionTimeoutMs: number;
}

/** A node a step bound with `as`: its election znode then, and its slot (which outlives the znode). */
export interface NodeBinding {
  znode: string;
  slot: string | null;
  /** Its fencing token (the znode's sequence). */
  sequence: number;
  /** The node that watched it when it was bound (its successor then), or null. */
  watchedBy: string | null;
}

export type Bindings = Record<string, NodeBinding | { server: string }>;

const bySequence = (view: ClusterView): NodeView[] => [...view.nodes].sort((a, b) => a.sequence - b.sequence);

export const NODE_SELECTORS = ['leader', 'successor', 'last', 'worker'] as const;
export const SERVER_SELECTORS = ['zk-leader', 'zk-follower'] as const;

/** The node a built-in selector names right now, or null. */
export function selectNode(selector: (typeof NODE_SELECTORS)[number], view: ClusterView): NodeView | null {
  if (view.status !== 'ok' || !view.leader) return null;
  const nodes = bySequence(view);
  const leader = nodes.find((n) => n.id === view.leader) ?? null;
  const others = nodes.filter((n) => n.id !== view.leader);
  switch (selector) {
    case 'leader':
      return leader;
    case 'successor':
      // The node that watches the leader; under herd nobody does, and the next in line is it.
      return others.find((n) => n.watching === view.leader) ?? others[0] ?? null;
    case 'last':
      return others.at(-1) ?? null;
    case 'worker':
      return others[0] ?? null;
  }
}

export function bindingOf(node: NodeView, view: ClusterView): NodeBinding {
  const watcher = view.nodes.find((n) => n.watching === node.id) ?? (node.id === view.leader ? selectNode('successor', view) : null);
  return { znode: node.id, slot: node.slot ?? null, sequence: node.sequence, watchedBy: watcher?.id ?? null };
}

/** A step's node or server resolved now, or why it cannot be, in words a user can act on. */
export type Unresolved = { ok: false; reason: string };
export type ResolvedNode = { ok: true; binding: NodeBinding } | Unresolved;
export type ResolvedServer = { ok: true; id: string } | Unresolved;

const unresolved = (reason: string): Unresolved => ({ ok: false, reason });

/**
 * A step's node: a built-in selector (the cluster now), or a name bound earlier. A bound node
 * resolves even when its znode has left the view: waits for its failover or ghost need just that.
 */
export function resolveNode(selector: NodeSelector, world: World, bindings: Bindings): ResolvedNode {
  if ((NODE_SELECTORS as readonly string[]).includes(selector)) {
    const node = selectNode(selector as (typeof NODE_SELECTORS)[number], world.view);
    if (node) return { ok: true, binding: bindingOf(node, world.view) };
    return unresolved(world.view.status !== 'ok' ? 'there is no leader right now' : `there is no ${selector} in the cluster right now`);
  }
  const bound = bindings[selector];
  if (bound && 'znode' in bound) return { ok: true, binding: bound };
  return unresolved(`no node is called ${selector} in this run`);
}

/** The election znode the binding's slot runs now (a restarted or rejoined node has a new one). */
export function currentZnode(binding: NodeBinding, view: ClusterView): string | null {
  if (!binding.slot) return binding.znode;
  return view.slots.find((s) => s.slot === binding.slot)?.znode ?? null;
}

/** A timeline event is about the binding's node (its znode then, or its slot's znode now). */
export function eventIsAbout(event: ClusterEvent, binding: NodeBinding, view: ClusterView): boolean {
  if (event.nodeId === null) return false;
  return event.nodeId === binding.znode || event.nodeId === currentZnode(binding, view);
}

/** ZooKeeper's negotiated timeout of the node's session, else the configured one. */
export function sessionTimeoutOf(znode: string | null, world: World): number {
  const session = znode ? world.zookeeper?.sessions.find((s) => s.owner === znode) : undefined;
  return session?.timeoutMs ?? world.defaultSessionTimeoutMs;
}

export function durationOf(duration: ScenarioDuration, znode: string | null, world: World): number {
  if (typeof duration === 'number') return duration;
  return Math.round(duration.sessions * sessionTimeoutOf(znode, world));
}

/** A ZooKeeper server of the view now, by selector, bound name or id. */
export function resolveServer(selector: ServerSelector, world: World, bindings: Bindings): ResolvedServer {
  const servers = world.zookeeper?.servers ?? [];
  if (selector === 'zk-leader') {
    const leader = servers.find((s) => s.mode === 'leader');
    return leader ? { ok: true, id: String(leader.id) } : unresolved('no ZooKeeper server leads right now');
  }
  if (selector === 'zk-follower') {
    // The highest-numbered serving follower: stopping it leaves server 1 (often the nodes') alone.
    const follower = servers.filter((s) => s.mode === 'follower' && s.state === 'up').at(-1);
    return follower ? { ok: true, id: String(follower.id) } : unresolved('no ZooKeeper follower is serving right now');
  }
  const bound = bindings[selector];
  const id = bound && 'server' in bound ? bound.server : selector;
  if (servers.some((s) => String(s.id) === id)) return { ok: true, id };
  if (id !== selector) return unresolved(`ZooKeeper server ${id} (bound as ${selector}) is not in the ZooKeeper view now`);
  // No view at all: say so, rather than that the server does not exist.
  return unresolved(
    world.zookeeper ? `no ZooKeeper server ${id}` : `no ZooKeeper view right now (ZOOKEEPER_VIEW=off, or not read yet): server ${id} cannot be found`,
  );
}

/** Can the scenario run here and now? Null when it can, else why not, in words a user can act on. */
export function unavailableBecause(scenario: ScenarioDefinition, world: World): string | null {
  const needs = scenario.needs ?? {};
  if (needs.ensemble !== undefined) {
    const size = world.zookeeper?.quorum.size ?? (world.zookeeper ? world.zookeeper.servers.length : 0);
    // Exactly: a scenario that stops servers one by one narrates a size (a 5-server ensemble keeps its quorum with two down).
    if (size !== needs.ensemble) {
      return `needs a ZooKeeper ensemble of ${needs.ensemble} servers; this one has ${size || 'an unknown number (the ZooKeeper view is off)'} — start with \`npm start -- --ensemble ${needs.ensemble}\``;
    }
  }
  for (const capability of needs.capabilities ?? []) {
    if (!world.capabilities[capability]) {
      return capability === 'zookeeperControl'
        ? 'needs ZooKeeper server control, which only local mode (`npm start`) has'
        : `needs the ${capability} action, which this gateway does not offer (no slot supervisors)`;
    }
  }
  if (needs.recipe && !world.recipeWritable) return 'needs to switch the election recipe, which this gateway cannot';
  if (world.view.status !== 'ok' || !world.view.leader) return 'needs a leader; wait for the election to settle';
  if (needs.nodes !== undefined && world.view.nodes.length < needs.nodes) {
    return `needs at least ${needs.nodes} nodes; there ${world.view.nodes.length === 1 ? 'is 1' : `are ${world.view.nodes.length}`} — add one with "Add node"`;
  }
  return null;
}
