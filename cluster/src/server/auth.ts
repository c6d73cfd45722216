/**
 * Node control routes (state stream, one-shot cluster read, kills) need the cluster token shared
 * by the nodes and the gateway, compared in constant time. There is no "no token" mode: while the
 * token is not known yet (compose without CLUSTER_TOKEN, before it is read from ZooKeeper) these
 * routes answer 503. Health and status stay open: they reveal nothing useful.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CLUSTER_TOKEN_HEADER } from '@zkviz/shared';
import { sendError } from './errors.js';

/** Constant time in the secret's content and length: both sides are hashed to 32 bytes first. */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || expected.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes that need the cluster token. */
    clusterToken?: boolean;
  }
}

export interface TokenHolder {
  /** null: not known yet. */
  readonly token: string | null;
}

/** Installed on the root instance so it covers every route plugin (plugins are encapsulated). */
export function installClusterAuth(app: FastifyInstance, source: TokenHolder): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (!request.routeOptions.config.clusterToken) return;
    const token = source.token;
    if (token === null) {
      return sendError(reply, 503, 'cluster_token_unavailable', 'the cluster token is not known yet; control routes are closed');
    }
    if (!tokenMatches(token, request.headers[CLUSTER_TOKEN_HEADER])) {
      return sendError(reply, 401, 'unauthorized', `missing or wrong ${CLUSTER_TOKEN_HEADER}`);
    }
  });
}
