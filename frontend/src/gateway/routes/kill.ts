/**
 * POST /api/nodes/:id/kill — the presenter's kill button. The gateway checks what it can answer
 * itself (malformed id, no leader, unknown node), then hands the kill to the acting leader, which
 * routes it to the target, and translates the leader's answer into the public error vocabulary.
 *
 * One exception: a crash of a frozen node. A SIGSTOPped process cannot take the leader's kill
 * request (the leader would time out, or be the frozen one itself), so that kill goes to the
 * node's slot supervisor, which SIGKILLs it the same way: a crash is a crash, whoever sends it.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONTROL_TOKEN_HEADER,
  DEFAULT_KILL_MODE,
  GATEWAY_ROUTES,
  KILL_MODES,
  NODE_ID_SCHEMA_PATTERN,
  type ErrorBody,
  type KillAccepted,
  type KillMode,
  type KillRequestBody,
} from '@zkviz/shared';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import type { LeaderClient } from '../leader-client/kill-client.js';
import type { SlotDirectory, SupervisorClient } from '../slots/types.js';
import { errorBodySchema, sendError, tokenMatches } from '@zkviz/shared/fastify';
import { PeerUnreachableError, type JsonReply } from '@zkviz/shared/net';

const killSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: NODE_ID_SCHEMA_PATTERN } },
  },
  body: {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: { mode: { type: 'string', enum: [...KILL_MODES] } },
  },
  response: {
    202: {
      type: 'object',
      required: ['id', 'mode', 'routedVia'],
      properties: { id: { type: 'string' }, mode: { type: 'string' }, routedVia: { type: 'string' } },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

export interface KillRoutesOptions {
  feed: ClusterFeed;
  leaderClient: LeaderClient;
  rateLimitPerMinute: number;
  /** Presenter mode: kills need this token (x-zkviz-control-token); null: kills are open. */
  controlToken?: string | null;
  /** Where a frozen node's crash goes (see above); absent: no slot supervisors in this mode. */
  slots?: { directory: SlotDirectory | null; supervisors: SupervisorClient };
}

type Outcome = { status: 202; body: KillAccepted } | { status: number; body: ErrorBody };

function isKillAccepted(body: unknown): body is KillAccepted {
  const b = body as Partial<KillAccepted> | null;
  return typeof b?.id === 'string' && typeof b.mode === 'string' && typeof b.routedVia === 'string';
}

/** The leader's answer in the gateway's terms. Pure, so the mapping is tested table by table. */
export function mapLeaderReply(reply: JsonReply, target: string, mode: KillMode, leader: string): Outcome {
  const body = reply.body as Partial<ErrorBody> | null;
  switch (reply.statusCode) {
    case 200:
    case 202:
      return { status: 202, body: isKillAccepted(reply.body) ? reply.body : { id: target, mode, routedVia: leader } };
    case 404:
      return { status: 404, body: { error: 'unknown_node', message: body?.message ?? `the leader does not know node ${target}` } };
    case 409:
      return { status: 409, body: { error: 'stale_leader', message: body?.message ?? 'the leader was superseded; retry once the new leader is known' } };
    case 503:
      return { status: 503, body: { error: 'no_leader', message: body?.message ?? 'the leader stepped down; re-election in progress' } };
    case 429:
      return { status: 429, body: { error: 'rate_limited', message: 'the leader is refusing more control calls from this gateway for now' } };
    case 502:
      return { status: 502, body: { error: 'target_unreachable', message: body?.message ?? `the leader could not reach ${target}` } };
    case 401:
    case 403:
      return { status: 502, body: { error: 'gateway_misconfigured', message: 'the leader rejected the gateway (CLUSTER_TOKEN mismatch?)' } };
    default:
      return { status: 502, body: { error: 'bad_leader_reply', message: `the leader answered ${reply.statusCode}` } };
  }
}

/**
 * The target's slot and supervisor when the target is frozen and the kill is a crash, else null.
 * Found by the slot's znode, not the table: a node frozen past its session is gone from the
 * leader's table but still a frozen process that a crash must end.
 */
function frozenTarget(feed: ClusterFeed, id: string, mode: KillMode, directory: SlotDirectory | null | undefined): { slot: string; supervisor: string } | null {
  if (mode !== 'crash' || !directory) return null;
  const slot = feed.view.slots.find((s) => s.znode === id && s.state === 'frozen');
  const record = slot ? directory.get(slot.slot) : undefined;
  return record?.state === 'frozen' && record.znode === id ? { slot: record.slot, supervisor: record.supervisor } : null;
}

async function crashThroughSupervisor(supervisors: SupervisorClient, supervisor: string, id: string, slot: string): Promise<Outcome> {
  const routedVia = `supervisor of ${slot}`;
  try {
    const answer = await supervisors.act(supervisor, 'crash', {});
    if (answer.statusCode === 202) return { status: 202, body: { id, mode: 'crash', routedVia } };
    if (answer.statusCode === 409) return { status: 409, body: { error: 'invalid_state', message: `slot ${slot} can no longer be crashed` } };
    return { status: 502, body: { error: 'bad_upstream_reply', message: `the ${routedVia} answered ${answer.statusCode}` } };
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    return timedOut
      ? { status: 504, body: { error: 'upstream_timeout', message: `the ${routedVia} did not answer in time` } }
      : { status: 502, body: { error: 'upstream_unreachable', message: `could not reach the ${routedVia}` } };
  }
}

export const killRoutes: FastifyPluginAsync<KillRoutesOptions> = async (app, { feed, leaderClient, rateLimitPerMinute, controlToken, slots }) => {
  // After the rate limit (onRequest), before the body is validated: an unauthenticated caller
  // learns nothing about ids or bodies, and guessing the token is rate-limited like kills are.
  const requireControlToken = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!controlToken) return;
    if (!tokenMatches(controlToken, req.headers[CONTROL_TOKEN_HEADER])) {
      return sendError(reply, 401, 'control_token_required', `kills need the presenter's control token (${CONTROL_TOKEN_HEADER})`);
    }
  };
  app.post<{ Params: { id: string }; Body: KillRequestBody | null | undefined }>(
    GATEWAY_ROUTES.kill,
    {
      schema: killSchema,
      config: { rateLimit: { max: rateLimitPerMinute, timeWindow: '1 minute' } },
      preValidation: requireControlToken,
    },
    async (req, reply) => {
      const requestedAt = Date.now();
      const { id } = req.params;
      const mode: KillMode = req.body?.mode ?? DEFAULT_KILL_MODE;
      const frozen = frozenTarget(feed, id, mode, slots?.directory);
      if (frozen && slots) {
        // Needs no leader: a frozen leader's crash is how a class ends the zombie early.
        const outcome = await crashThroughSupervisor(slots.supervisors, frozen.supervisor, id, frozen.slot);
        if (outcome.status === 202) {
          req.log.info(
            { ev: 'kill-requested', target: id, mode, via: 'supervisor', slot: frozen.slot, at: requestedAt },
            'kill requested (frozen: through its supervisor)',
          );
          feed.recordKill(id, mode, requestedAt);
        }
        return reply.code(outcome.status).send(outcome.body);
      }
      const view = feed.view;
      if (view.status !== 'ok' || !view.leader || !view.leaderAddress) {
        return sendError(reply, 503, 'no_leader', 'no leader right now; re-election in progress');
      }
      if (!view.nodes.some((n) => n.id === id)) {
        return sendError(reply, 404, 'unknown_node', `node ${id} is not in the cluster`);
      }
      let outcome: Outcome;
      try {
        const answer = await leaderClient.kill(view.leaderAddress, { target: id, mode });
        outcome = mapLeaderReply(answer, id, mode, view.leader);
      } catch (err) {
        const timedOut = err instanceof PeerUnreachableError && err.timedOut;
        req.log.warn({ err: String(err), leader: view.leader, target: id }, 'kill forwarding failed');
        outcome = timedOut
          ? { status: 504, body: { error: 'leader_timeout', message: 'the leader did not answer in time' } }
          : { status: 502, body: { error: 'leader_unreachable', message: 'could not reach the leader' } };
      }
      if (outcome.status === 202) {
        // `at`: when the request arrived (the failover's clock starts there), not when the leader answered.
        req.log.info({ ev: 'kill-requested', target: id, mode, leader: view.leader, at: requestedAt }, 'kill requested');
        feed.recordKill(id, mode, requestedAt);
      }
      return reply.code(outcome.status).send(outcome.body);
    },
  );
};
