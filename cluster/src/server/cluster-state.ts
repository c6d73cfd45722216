/** The acting leader serves the cluster state: a one-shot read and an ndjson stream. */
import type { FastifyPluginAsync } from 'fastify';
import { NODE_ROUTES } from '@zkviz/shared';
import type { ClusterNode } from '../node.js';
import { errorBodySchema, sendError } from '@zkviz/shared/fastify';

// No 200 schema: the snapshot type lives in shared/protocol.ts and must not be stripped by a serializer.
const controlReadSchema = {
  querystring: { type: 'object', additionalProperties: false, properties: {} },
  response: { '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

export function clusterStateRoutes(node: ClusterNode): FastifyPluginAsync {
  return async (app) => {
    app.get(NODE_ROUTES.clusterSnapshot, { schema: controlReadSchema, config: { clusterToken: true } }, async (_request, reply) => {
      const snapshot = node.leadership ? node.latestSnapshot : null;
      if (!snapshot) return sendError(reply, 503, 'not_leader', 'this node is not acting as leader');
      return snapshot;
    });

    app.get(NODE_ROUTES.clusterStream, { schema: controlReadSchema, config: { clusterToken: true } }, async (request, reply) => {
      if (!node.leadership) return sendError(reply, 503, 'not_leader', 'this node is not acting as leader');
      reply.hijack();
      app.admitStream(request, reply.raw);
      node.streams.subscribe(reply.raw);
    });
  };
}
