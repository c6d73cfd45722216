/**
 * Every error leaves the gateway as JSON `{error, message}` — never an HTML page, never a stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_API_PREFIX, GATEWAY_ROUTES } from '@zkviz/shared';
import type { AllowedMethods } from '@zkviz/shared/fastify';

function codeFor(status: number, err: FastifyError): string {
  if (err.validation) return 'bad_request';
  if (status === 429) return 'rate_limited';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 401) return 'unauthorized';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

export function installErrorHandlers(
  app: FastifyInstance,
  serveSpa: ((reply: FastifyReply) => FastifyReply) | null,
  allowedMethods: AllowedMethods = () => [],
): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = err.validation ? 400 : err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ error: codeFor(status, err), message: err.message });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Client-side routes of the page fall back to index.html; the API and assets never do.
    const wantsPage = req.method === 'GET' && !path.startsWith(GATEWAY_API_PREFIX) && !path.startsWith('/assets/') && path !== GATEWAY_ROUTES.ws;
    if (wantsPage && serveSpa && (req.headers.accept ?? '').includes('text/html')) return serveSpa(reply);
    // A known path asked with another method: 405 and what is allowed (fastify would say 404).
    const allowed = allowedMethods(path);
    if (allowed.includes(req.method)) {
      // The path has the shape of a route with this method, yet the router refused it: a path
      // parameter too long for it (find-my-way's maxParamLength). Malformed input, not "not found".
      return reply.code(400).send({ error: 'bad_request', message: 'malformed path parameter' });
    }
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: 'method_not_allowed', message: `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${path}` });
  });
}
