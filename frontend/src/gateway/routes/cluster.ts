import type { FastifyPluginAsync } from 'fastify';
import { GATEWAY_ROUTES } from '@zkviz/shared';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import { errorBodySchema } from '@zkviz/shared/fastify';

// ClusterView and ClusterEvent are defined in shared/src/protocol.ts; no response schema here so
// that an additive field there reaches clients without being stripped by the serializer.

const readSchema = { response: { '4xx': errorBodySchema, '5xx': errorBodySchema } } as const;

export const clusterRoutes: FastifyPluginAsync<{ feed: ClusterFeed }> = async (app, { feed }) => {
  app.get(GATEWAY_ROUTES.cluster, { schema: readSchema }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return feed.view;
  });

  app.get(GATEWAY_ROUTES.events, { schema: readSchema }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { events: feed.recentEvents };
  });
};
