/**
 * Node control routes (state stream, one-shot cluster read, kills) need the cluster token shared
 * by the nodes and the gateway, compared in constant time. There is no "no token" mode: while the
 * token is not known yet (compose without CLUSTER_TOKEN, before it is read from ZooKeeper) these
 * routes answer 503. Health and status stay open: they reveal nothing useful.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { CLUSTER_TOKEN_HEADER } from '@zkviz/shared';
import { sendError, tokenMatches, type TokenHolder } from '@zkviz/shared/fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes that need the cluster token. */
    clusterToken?: boolean;
  }
}

const clusterAuthPlugin: FastifyPluginAsync<{ tokens: TokenHolder }> = async (app, { tokens }) => {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.config.clusterToken) return;
    const token = tokens.token;
    if (token === null) {
      return sendError(reply, 503, 'cluster_token_unavailable', 'the cluster token is not known yet; control routes are closed');
    }
    if (!tokenMatches(token, request.headers[CLUSTER_TOKEN_HEADER])) {
      return sendError(reply, 401, 'unauthorized', `missing or wrong ${CLUSTER_TOKEN_HEADER}`);
    }
  });
};

/** On the root (fastify-plugin) so it covers every route plugin (plugins are encapsulated). */
export const clusterAuth = fp(clusterAuthPlugin, { name: 'zkviz-cluster-auth', fastify: '5.x' });
