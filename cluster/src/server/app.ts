/** The node's HTTP server: one plugin per concern. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ClusterNode } from '../node.js';
import { installClusterAuth } from './auth.js';
import { clusterStateRoutes } from './cluster-state.js';
import { sendError } from './errors.js';
import { healthRoutes } from './health.js';
import { killRoutes } from './kill.js';

export async function buildNodeServer(node: ClusterNode, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true, bodyLimit: 4096 });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url}`));
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const code = status === 400 ? 'bad_request' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'error';
    if (status >= 500) logger.error({ err }, 'request failed');
    return sendError(reply, status, code, err.message);
  });
  installClusterAuth(app, node.config.clusterToken);
  await app.register(healthRoutes(node));
  await app.register(clusterStateRoutes(node));
  await app.register(killRoutes(node));
  return app;
}
