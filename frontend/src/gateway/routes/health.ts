import type { FastifyPluginAsync } from 'fastify';
import { GATEWAY_ROUTES, type GatewayHealth } from '@zkviz/shared';
import { errorBodySchema } from '@zkviz/shared/fastify';

const healthSchema = {
  response: {
    200: {
      type: 'object',
      required: ['status', 'controlProtected'],
      properties: { status: { const: 'ok' }, controlProtected: { type: 'boolean' } },
    },
    '4xx': errorBodySchema,
  },
} as const;

/**
 * Liveness of the gateway process itself (not of the cluster: see /api/cluster for that), and
 * whether kills need the presenter's control token, so the page can ask for it up front.
 */
export const healthRoutes: FastifyPluginAsync<{ controlProtected: boolean }> = async (app, { controlProtected }) => {
  app.get(GATEWAY_ROUTES.health, { schema: healthSchema }, async (): Promise<GatewayHealth> => ({ status: 'ok', controlProtected }));
};
