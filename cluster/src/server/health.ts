/** Liveness and this node's own view of itself. */
import type { FastifyPluginAsync } from 'fastify';
import { NODE_ROUTES, RECIPES, type NodeSelfStatus } from '@zkviz/shared';
import type { ClusterNode } from '../node.js';
import { errorBodySchema } from '@zkviz/shared/fastify';

const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

const healthSchema = {
  querystring: noQuery,
  response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }, '4xx': errorBodySchema },
} as const;

const nullableString = { type: ['string', 'null'] } as const;
const statusSchema = {
  querystring: noQuery,
  response: {
    200: {
      type: 'object',
      required: ['znode', 'role', 'phase', 'watching', 'connected', 'acting', 'address', 'startedAt', 'pid', 'recipe', 'wokenAt'],
      properties: {
        znode: nullableString,
        role: { type: 'string' },
        phase: { type: 'string' },
        watching: nullableString,
        connected: { type: 'boolean' },
        acting: { type: 'boolean' },
        address: { type: 'string' },
        startedAt: { type: 'number' },
        pid: { type: 'integer' },
        recipe: { type: 'string', enum: [...RECIPES] },
        wokenAt: { type: 'array', items: { type: 'number' } },
      },
    },
    '4xx': errorBodySchema,
  },
} as const;

export function healthRoutes(node: ClusterNode): FastifyPluginAsync {
  return async (app) => {
    app.get(NODE_ROUTES.health, { schema: healthSchema }, async () => ({ status: 'ok' }));
    app.get(NODE_ROUTES.status, { schema: statusSchema }, async (): Promise<NodeSelfStatus> => {
      const s = node.election.state;
      return {
        znode: s.electionZnode,
        role: s.role,
        phase: node.election.phase,
        watching: s.watching,
        connected: s.connected,
        acting: node.leadership !== null,
        address: node.config.advertisedAddress,
        startedAt: node.startedAt,
        pid: process.pid,
        recipe: s.recipe,
        wokenAt: [...node.election.wokenAt],
      };
    });
  };
}
