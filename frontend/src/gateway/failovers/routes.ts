/** GET /api/failovers — the recent failovers with their measured phases, newest first. */
import type { FastifyPluginAsync } from 'fastify';
import { FAILOVER_PHASES, GATEWAY_ROUTES, KILL_MODES, RECIPES } from '@zkviz/shared';
import { errorBodySchema } from '@zkviz/shared/fastify';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import { FAILOVER_HISTORY } from './recorder.js';

const phaseSchema = {
  type: 'object',
  required: ['name', 'at', 'by'],
  properties: {
    name: { type: 'string', enum: [...FAILOVER_PHASES] },
    at: { type: 'number' },
    by: { type: 'string', enum: ['old-leader', 'successor', 'zookeeper', 'gateway', 'page'] },
    how: { type: 'string' },
  },
} as const;

export const failoverRecordSchema = {
  type: 'object',
  required: ['from', 'to', 'durationMs', 'at', 'mode', 'phases'],
  properties: {
    from: { type: ['string', 'null'] },
    to: { type: 'string' },
    durationMs: { type: 'number' },
    at: { type: 'number' },
    mode: { type: ['string', 'null'], enum: [...KILL_MODES, null] },
    phases: { type: 'array', items: phaseSchema },
    // The herd-effect counts (failovers/counts.ts); absent or null until counted.
    recipe: { type: ['string', 'null'], enum: [...RECIPES, null] },
    notified: { type: ['integer', 'null'] },
    reads: { type: ['integer', 'null'] },
    watches: { type: ['integer', 'null'] },
  },
} as const;

const failoversSchema = {
  querystring: { type: 'object', additionalProperties: false, properties: {} },
  response: {
    200: {
      type: 'object',
      required: ['failovers', 'capacity'],
      properties: { failovers: { type: 'array', items: failoverRecordSchema }, capacity: { type: 'integer' } },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

export const failoverRoutes: FastifyPluginAsync<{ feed: ClusterFeed }> = async (app, { feed }) => {
  app.get(GATEWAY_ROUTES.failovers, { schema: failoversSchema }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { failovers: feed.recentFailovers, capacity: FAILOVER_HISTORY };
  });
};
