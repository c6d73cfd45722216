/**
 * Every error leaves both servers as JSON `{error, message}`: never an HTML page, never a stack.
 * `jsonErrors` is installed on the root (fastify-plugin), so it covers every route plugin, the
 * router's own rejections (see serverOptions) and unknown paths.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorBody } from '../protocol.js';
import { trackRouteMethods } from './method-not-allowed.js';

export const errorBodySchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ErrorBody);
}

/** The error code for a status fastify or a plugin chose (validation, body limits, rate limit). */
function codeFor(status: number, err: FastifyError): string {
  if (err.validation) return 'bad_request';
  switch (status) {
    case 401:
      return 'unauthorized';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

export interface JsonErrorsOptions {
  /**
   * Asked first for an unknown GET path; answers it (the gateway's page fallback: index.html for
   * the page's own client-side routes) or returns null to let the 404/405 logic answer.
   */
  notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;
}

const jsonErrorsPlugin: FastifyPluginAsync<JsonErrorsOptions> = async (app, options) => {
  // JSON only: a text/plain body is refused (415) instead of being handed to a schema as a string.
  app.removeContentTypeParser(['text/plain']);
  const allowedMethods = trackRouteMethods(app);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.validation ? 400 : err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return sendError(reply, status, 'internal', 'internal error');
    }
    return sendError(reply, status, codeFor(status, err), err.message);
  });

  app.setNotFoundHandler((request, reply) => {
    const fallback = options.notFoundFallback?.(request, reply);
    if (fallback) return fallback;
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.includes(request.method)) {
      // The path has the shape of a route with this method, yet the router refused it: a path
      // parameter too long for it (find-my-way's maxParamLength). Malformed input, not "not found".
      return sendError(reply, 400, 'bad_request', 'malformed path parameter');
    }
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, 405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    }
    return sendError(reply, 404, 'not_found', `no route ${request.method} ${path}`);
  });
};

/** Register before any route: the 405 logic records routes as they are added. */
export const jsonErrors = fp(jsonErrorsPlugin, { name: 'zkviz-json-errors', fastify: '5.x' });
