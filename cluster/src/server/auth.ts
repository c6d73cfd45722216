/**
 * Node control routes (state stream, kills) need the cluster token shared by the nodes and the
 * gateway. Compared in constant time. Health and status stay open: they reveal nothing useful.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CLUSTER_TOKEN_HEADER } from '@zkviz/shared';
import { sendError } from './errors.js';

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes that need the cluster token. */
    clusterToken?: boolean;
  }
}

/** Installed on the root instance so it covers every route plugin (plugins are encapsulated). */
export function installClusterAuth(app: FastifyInstance, token: string | null): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (!request.routeOptions.config.clusterToken || token === null) return;
    if (!tokenMatches(token, request.headers[CLUSTER_TOKEN_HEADER])) {
      return sendError(reply, 401, 'unauthorized', `missing or wrong ${CLUSTER_TOKEN_HEADER}`);
    }
  });
}
