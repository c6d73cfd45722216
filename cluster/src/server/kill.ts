/**
 * Kills. The gateway asks the leader (`/internal/kill`); the leader routes the kill to the target
 * (`/internal/self/kill`), naming itself. The target obeys only the leader registered right now
 * (fencing: read from ZooKeeper at the moment of the kill, by the same rule the gateway uses to
 * pick whom to follow, shared/src/registry.ts) and only a kill meant for itself.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  CLUSTER_TOKEN_HEADER,
  COORDINATORS_REGISTRY_PATH,
  KILL_MODES,
  NODE_ID_SCHEMA_PATTERN,
  NODE_ROUTES,
  isJsonObject,
  registeredLeader,
  type KillAccepted,
  type LeaderKillRequest,
  type NodeKillRequest,
} from '@zkviz/shared';
import type { ClusterNode } from '../node.js';
import { errorBodySchema, sendError, type TokenHolder } from '@zkviz/shared/fastify';
import { postJson } from '@zkviz/shared/net';

const ROUTE_TIMEOUT_MS = 2000;

const leaderKillSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['target', 'mode'],
    properties: {
      target: { type: 'string', pattern: NODE_ID_SCHEMA_PATTERN },
      mode: { type: 'string', enum: KILL_MODES },
    },
  },
  response: { '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

const selfKillSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['target', 'mode', 'leader'],
    properties: {
      target: { type: 'string', pattern: NODE_ID_SCHEMA_PATTERN },
      mode: { type: 'string', enum: KILL_MODES },
      leader: { type: 'string', pattern: NODE_ID_SCHEMA_PATTERN },
    },
  },
  response: { '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

export function killRoutes(node: ClusterNode, tokens: TokenHolder): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: LeaderKillRequest }>(NODE_ROUTES.routeKill, { schema: leaderKillSchema, config: { clusterToken: true } }, async (request, reply) => {
      const leadership = node.leadership;
      const snapshot = node.latestSnapshot;
      if (!leadership || !snapshot) return sendError(reply, 503, 'not_leader', 'this node is not acting as leader');
      const { target, mode } = request.body;
      const row = snapshot.nodes.find((n) => n.id === target);
      if (!row) return sendError(reply, 404, 'unknown_node', `no node ${target} in the cluster`);
      const accepted: KillAccepted = { id: target, mode, routedVia: leadership.id };
      if (target === leadership.id) {
        reply.raw.once('finish', () => node.die(mode));
        return reply.code(202).send(accepted);
      }
      if (!row.address) return sendError(reply, 502, 'unreachable', `node ${target} has not published an address yet`);
      const body: NodeKillRequest = { target, mode, leader: leadership.id };
      const token = tokens.token;
      if (token === null) return sendError(reply, 503, 'cluster_token_unavailable', 'the cluster token is not known yet');
      try {
        const res = await postJson(row.address, NODE_ROUTES.selfKill, body, { headers: { [CLUSTER_TOKEN_HEADER]: token }, timeoutMs: ROUTE_TIMEOUT_MS });
        if (res.statusCode === 202) return reply.code(202).send(accepted);
        const answer = isJsonObject(res.body) ? res.body : null;
        const status = res.statusCode === 409 ? 409 : 502;
        const error = typeof answer?.error === 'string' ? answer.error : 'kill_failed';
        const message = typeof answer?.message === 'string' ? answer.message : `node ${target} answered ${res.statusCode}`;
        return sendError(reply, status, error, message);
      } catch (err) {
        return sendError(reply, 502, 'unreachable', `node ${target} at ${row.address} did not answer: ${String(err)}`);
      }
    });

    app.post<{ Body: NodeKillRequest }>(NODE_ROUTES.selfKill, { schema: selfKillSchema, config: { clusterToken: true } }, async (request, reply) => {
      const { target, mode, leader } = request.body;
      const self = node.election.state.electionZnode;
      if (target !== self) return sendError(reply, 409, 'wrong_node', `this is ${self ?? 'a node without an election znode'}, not ${target}`);
      // The leader the request names is the likeliest newest entry: its read goes right behind the
      // listing, one round trip instead of two. No watch: the fencing reads once, at the kill.
      const pick = await registeredLeader(node.zk, [leader]);
      for (const { name, reason } of pick?.skipped ?? []) {
        request.log.warn({ ev: 'zk-garbage', path: `${COORDINATORS_REGISTRY_PATH}/${name}`, what: 'registry entry (fencing)', reason }, 'skipped a registry entry');
      }
      // Unknown (ZooKeeper could not say) is refused like a stale leader: a kill is never obeyed on a guess.
      if (!pick?.leader || pick.leader.id !== leader) {
        return sendError(reply, 409, 'stale_leader', `${leader} is not the registered leader`);
      }
      reply.raw.once('finish', () => node.die(mode));
      return reply.code(202).send({ id: target, mode, routedVia: leader } satisfies KillAccepted);
    });
  };
}
