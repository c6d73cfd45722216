import type { FastifyPluginAsync } from 'fastify';
import { GATEWAY_ROUTES, type FaultCapabilities, type GatewayHealth } from '@zkviz/shared';
import { errorBodySchema } from '@zkviz/shared/fastify';

const healthSchema = {
  response: {
    200: {
      type: 'object',
      required: ['status', 'controlProtected', 'capabilities'],
      properties: {
        status: { const: 'ok' },
        controlProtected: { type: 'boolean' },
        capabilities: {
          type: 'object',
          required: ['kill', 'freeze', 'partition', 'restart', 'addNode', 'zookeeperControl'],
          properties: {
            kill: { type: 'boolean' },
            freeze: { type: 'boolean' },
            partition: { type: 'boolean' },
            restart: { type: 'boolean' },
            addNode: { type: 'boolean' },
            zookeeperControl: { type: 'boolean' },
          },
        },
      },
    },
    '4xx': errorBodySchema,
  },
} as const;

/**
 * Liveness of the gateway process itself (not of the cluster: see /api/cluster for that), and
 * whether kills need the presenter's control token, so the page can ask for it up front, and
 * which fault actions work in this mode, so the page shows only those.
 */
export const healthRoutes: FastifyPluginAsync<{ controlProtected: boolean; capabilities: FaultCapabilities }> = async (app, { controlProtected, capabilities }) => {
  app.get(GATEWAY_ROUTES.health, { schema: healthSchema }, async (): Promise<GatewayHealth> => ({ status: 'ok', controlProtected, capabilities }));
};
