/**
 * A step's action, pure: which of the gateway's own routes it is, with which body, and how to say
 * it. The runner sends it through those routes (validation, rate limit, presenter token, timeline
 * entries and all), so a scenario can do nothing the page's buttons cannot.
 */
import { formatDuration, gatewayKillPath, GATEWAY_ROUTES, shortId, type ScenarioAction } from '@zkviz/shared';
import { durationOf, resolveNode, resolveServer, type Bindings, type NodeBinding, type World } from './world.js';

export interface PlannedAction {
  url: string;
  body: object;
  /** The action in words, shown on the step's button. */
  label: string;
  /** Binds `as` to the target. */
  bind: { name: string; value: NodeBinding | { server: string } } | null;
  /** Resolved duration of a timed action (for `{{action.durationMs}}`). */
  durationMs: number | null;
}

const slotPath = (slot: string, action: string) => `/api/slots/${encodeURIComponent(slot)}/${action}`;

/** The request, or why it cannot be sent now. */
export function planAction(action: ScenarioAction, world: World, bindings: Bindings): PlannedAction | string {
  if (action.action === 'recipe') {
    return { url: GATEWAY_ROUTES.recipe, body: { recipe: action.recipe }, label: `Switch the recipe to ${action.recipe}`, bind: null, durationMs: null };
  }
  if (action.action === 'zookeeper') {
    const resolved = resolveServer(action.server, world, bindings);
    if (!resolved.ok) return resolved.reason;
    const server = resolved.id;
    const verb = { stop: 'Stop', start: 'Start', restart: 'Restart' }[action.op];
    return {
      url: `/api/zookeeper/servers/${encodeURIComponent(server)}/${action.op}`,
      body: {},
      label: `${verb} ZooKeeper server ${server}`,
      bind: action.as ? { name: action.as, value: { server } } : null,
      durationMs: null,
    };
  }
  const resolved = resolveNode(action.node, world, bindings);
  if (!resolved.ok) return resolved.reason;
  const target = resolved.binding;
  const bind = action.as ? { name: action.as, value: target } : null;
  const who = shortId(target.znode);
  const needSlot = (): string | null => (target.slot ? null : `${who} runs in no slot this gateway can reach`);
  switch (action.action) {
    case 'kill':
      return {
        url: gatewayKillPath(target.znode),
        body: { mode: action.mode },
        label: action.mode === 'crash' ? `Crash ${who} (SIGKILL)` : `Stop ${who} gracefully (SIGTERM)`,
        bind,
        durationMs: null,
      };
    case 'freeze': {
      const problem = needSlot();
      if (problem) return problem;
      const durationMs = durationOf(action.durationMs, target.znode, world);
      return { url: slotPath(target.slot!, 'freeze'), body: { durationMs }, label: `Freeze ${who} for ${formatDuration(durationMs)} (SIGSTOP)`, bind, durationMs };
    }
    case 'partition': {
      const problem = needSlot();
      if (problem) return problem;
      const durationMs = durationOf(action.durationMs, target.znode, world);
      return {
        url: slotPath(target.slot!, 'partition'),
        body: { durationMs, style: action.style ?? 'drop' },
        label: `Cut ${who} off from ZooKeeper for ${formatDuration(durationMs)}`,
        bind,
        durationMs,
      };
    }
    case 'restart': {
      const problem = needSlot();
      if (problem) return problem;
      return { url: slotPath(target.slot!, 'restart'), body: {}, label: `Restart ${target.slot}`, bind, durationMs: null };
    }
  }
}
