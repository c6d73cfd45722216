/**
 * A step's wait, pure: is what it waits for true in this world, and if so, what was measured?
 * Conditions on state (ghost, rejoined, quorum, leader, recipe) are checked against the latest
 * views; those on happenings (failover, event) against what arrived since the step's action, so an
 * event that came while the action's answer was on its way still counts.
 */
import { shortId, type ClusterEvent, type FailoverRecord, type NodeSelector, type ScenarioWait } from '@zkviz/shared';
import type { Value } from './template.js';
import { currentZnode, eventIsAbout, resolveNode, sessionTimeoutOf, type Bindings, type NodeBinding, type Unresolved, type World } from './world.js';

export const DEFAULT_WITHIN_MS = 30_000;

export interface WaitContext {
  world: World;
  bindings: Bindings;
  /** Epoch ms the step's action was sent (or its wait began). */
  since: number;
  /** Timeline events since then, oldest first. */
  events: readonly ClusterEvent[];
  now: number;
}

export interface WaitMet {
  /** Stored under the wait's `as` (default: its `for`). */
  value: Value;
  /** Moments named `<as>` and `<as>.<part>`. */
  moments: Record<string, number>;
  /** A failover to keep following: its late phases and counts refine the explanation. */
  failover?: { at: number; to: string };
  /** The event that met it: a later wait looks only at what came after. */
  consumed?: ClusterEvent;
}

const nodeValue = (znode: string, fields: Record<string, Value> = {}): Value => ({ kind: 'node', znode, fields });

/** A reference a wait may leave out: resolved, with no binding when it names no node. */
function optionalNode(selector: NodeSelector | undefined, ctx: WaitContext): { ok: true; binding: NodeBinding | null } | Unresolved {
  return selector === undefined ? { ok: true, binding: null } : resolveNode(selector, ctx.world, ctx.bindings);
}

/** The failover record's numbers and moments, as a scenario text reads them. */
export function failoverFacts(record: FailoverRecord, name: string, world: World): Pick<WaitMet, 'value' | 'moments'> {
  const moments: Record<string, number> = { [name]: record.at };
  for (const phase of record.phases) moments[`${name}.${phase.name}`] ??= phase.at;
  const to = world.view.nodes.find((n) => n.id === record.to);
  return {
    value: {
      kind: 'record',
      fields: {
        from: record.from,
        to: record.to,
        tookMs: record.durationMs,
        notified: record.notified ?? null,
        reads: record.reads ?? null,
        watches: record.watches ?? null,
        recipe: record.recipe ?? null,
        fencingToken: to?.sequence ?? (world.view.leader === record.to ? world.view.fencingToken : null),
        mode: record.mode,
      },
    },
    moments,
  };
}

/** Met: what was measured; null: not yet; a string: it cannot be met (a bad reference). */
export function checkWait(wait: ScenarioWait, ctx: WaitContext): WaitMet | null | string {
  const name = wait.as ?? wait.for;
  const { view, zookeeper } = ctx.world;
  switch (wait.for) {
    case 'failover': {
      const from = optionalNode(wait.from, ctx);
      if (!from.ok) return from.reason;
      const record = view.lastFailover;
      if (!record || record.at < ctx.since || view.status !== 'ok') return null;
      if (from.binding && record.from !== from.binding.znode) return null;
      if (wait.counted && record.notified === undefined) return null;
      return { ...failoverFacts(record, name, ctx.world), failover: { at: record.at, to: record.to } };
    }
    case 'event': {
      const about = optionalNode(wait.node, ctx);
      if (!about.ok) return about.reason;
      const node = about.binding;
      const event = ctx.events.find((e) => e.kind === wait.kind && (!node || eventIsAbout(e, node, view)));
      if (!event) return null;
      return { value: { kind: 'record', fields: { node: event.nodeId, text: event.text } }, moments: { [name]: event.at }, consumed: event };
    }
    case 'ghost': {
      const about = resolveNode(wait.node, ctx.world, ctx.bindings);
      if (!about.ok) return about.reason;
      const node = about.binding;
      const row = view.nodes.find((n) => n.id === node.znode);
      if (row?.liveness !== 'ghost') return null;
      const at = zookeeper?.updatedAt ?? ctx.now;
      const expiresAt = row.sessionExpiresAt;
      return {
        value: nodeValue(node.znode, {
          expiresInMs: expiresAt === null ? null : Math.max(0, expiresAt - at),
          sessionTimeoutMs: sessionTimeoutOf(node.znode, ctx.world),
          session: row.session,
        }),
        moments: { [name]: at, ...(expiresAt === null ? {} : { [`${name}.expires`]: expiresAt }) },
      };
    }
    case 'rejoined': {
      const about = resolveNode(wait.node, ctx.world, ctx.bindings);
      if (!about.ok) return about.reason;
      const node = about.binding;
      const znode = currentZnode(node, view);
      const row = znode && znode !== node.znode ? view.nodes.find((n) => n.id === znode) : undefined;
      if (!row) return null;
      return { value: nodeValue(row.id, { fencingToken: row.sequence, slot: row.slot ?? null }), moments: { [name]: view.updatedAt } };
    }
    case 'quorum': {
      const quorum = zookeeper?.quorum;
      if (!quorum || quorum.holds !== wait.holds) return null;
      if (wait.down !== undefined && quorum.size - quorum.up !== wait.down) return null;
      return { value: { kind: 'record', fields: { size: quorum.size, up: quorum.up, down: quorum.size - quorum.up } }, moments: { [name]: zookeeper.updatedAt } };
    }
    case 'leaderless':
      if (view.status !== 'leaderless') return null;
      return { value: null, moments: { [name]: view.leaderlessSince ?? view.updatedAt } };
    case 'leader': {
      if (view.status !== 'ok' || !view.leader || view.stale) return null;
      return { value: nodeValue(view.leader, { fencingToken: view.fencingToken }), moments: { [name]: view.updatedAt } };
    }
    case 'recipe': {
      if (view.recipe !== wait.recipe || view.status !== 'ok') return null;
      // Every node's own word: under herd nobody watches a single znode; under predecessor everyone but the leader does.
      const switched = view.nodes.every((n) => (wait.recipe === 'herd' ? n.watching === null : n.id === view.leader || n.watching !== null));
      return switched ? { value: wait.recipe, moments: { [name]: view.updatedAt } } : null;
    }
  }
}

/** The event a step forbids, if it came. */
export function forbiddenSeen(forbid: { kind: ClusterEvent['kind']; node?: string }, ctx: WaitContext): ClusterEvent | null {
  const about = optionalNode(forbid.node, ctx);
  if (!about.ok) return null;
  const node = about.binding;
  return ctx.events.find((e) => e.kind === forbid.kind && (!node || eventIsAbout(e, node, ctx.world.view))) ?? null;
}

const who = (selector: string | undefined, bindings: Bindings, world: World): string => {
  if (selector === undefined) return '';
  const node = resolveNode(selector, world, bindings);
  return node.ok ? shortId(node.binding.znode) : selector;
};

/** The wait in words, for the page while it waits and for a miss. */
export function describeWait(wait: ScenarioWait, bindings: Bindings, world: World): string {
  switch (wait.for) {
    case 'failover':
      return `a new leader${wait.from ? ` after ${who(wait.from, bindings, world)}` : ''}${wait.counted ? ', with its counts' : ''}`;
    case 'event':
      return `“${wait.kind}”${wait.node ? ` for ${who(wait.node, bindings, world)}` : ''} on the timeline`;
    case 'ghost':
      return `ZooKeeper to hold ${who(wait.node, bindings, world)}’s session with no connection`;
    case 'rejoined':
      return `${who(wait.node, bindings, world)}’s slot to rejoin with a new znode`;
    case 'quorum':
      return `ZooKeeper’s quorum to ${wait.holds ? 'hold' : 'be lost'}${wait.down !== undefined ? ` with ${wait.down} server${wait.down === 1 ? '' : 's'} down` : ''}`;
    case 'leaderless':
      return 'no node acting as leader';
    case 'leader':
      return 'a leader again';
    case 'recipe':
      return `every node to run the ${wait.recipe} recipe`;
  }
}
