import type { FastifyPluginAsync } from 'fastify';

const healthSchema = {
  response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } },
} as const;

/** Liveness of the gateway process itself (not of the cluster: see /api/cluster for that). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/health', { schema: healthSchema }, async () => ({ status: 'ok' as const }));
};
