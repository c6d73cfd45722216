/** The node's HTTP server: one plugin per concern. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ClusterNode } from '../node.js';
import { installClusterAuth } from './auth.js';
import { ClusterTokenSource } from './cluster-token.js';
import { clusterStateRoutes } from './cluster-state.js';
import { sendError } from './errors.js';
import { healthRoutes } from './health.js';
import { killRoutes } from './kill.js';
import { controlLimits } from './limits.js';
import { trackRouteMethods } from '@zkviz/shared/fastify';

function codeFor(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

export async function buildNodeServer(node: ClusterNode, logger: Logger): Promise<FastifyInstance> {
  // typed as fastify's logger so the instance is the plain FastifyInstance the plugins take
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    disableRequestLogging: true,
    bodyLimit: 4096,
    // Reject what the schemas do not allow instead of silently stripping or coercing it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // Router-level rejections (bad percent-encoding, an absurdly long path parameter) skip the
    // error handler: keep them `{error, message}` too.
    frameworkErrors: (err, _req, reply) => {
      void sendError(reply, 400, 'bad_request', err.message.slice(0, 200));
    },
  });
  // JSON only: a text/plain body is refused (415) instead of being handed to a schema as a string.
  app.removeContentTypeParser(['text/plain']);
  const allowedMethods = trackRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, 405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    }
    return sendError(reply, 404, 'not_found', `no route ${request.method} ${path}`);
  });
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string; validation?: unknown }, _request, reply) => {
    const status = err.validation ? 400 : err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      logger.error({ err }, 'request failed');
      return sendError(reply, status, 'internal', 'internal error');
    }
    return sendError(reply, status, codeFor(status), err.message);
  });
  const tokens = new ClusterTokenSource(node.config.clusterToken, node.zk, logger);
  await app.register(controlLimits, node.config.limits);
  installClusterAuth(app, tokens);
  await app.register(healthRoutes(node));
  await app.register(clusterStateRoutes(node));
  await app.register(killRoutes(node, tokens));
  return app;
}
