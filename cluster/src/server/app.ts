/** The node's HTTP server: one plugin per concern, on the server kit shared with the gateway. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ClusterTokenSource, jsonErrors, serverOptions } from '@zkviz/shared/fastify';
import type { ClusterNode } from '../node.js';
import { clusterAuth } from './auth.js';
import { clusterStateRoutes } from './cluster-state.js';
import { healthRoutes } from './health.js';
import { killRoutes } from './kill.js';
import { controlLimits } from './limits.js';

export async function buildNodeServer(node: ClusterNode, logger: Logger): Promise<FastifyInstance> {
  // typed as fastify's logger so the instance is the plain FastifyInstance the plugins take
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify(serverOptions({ loggerInstance }));
  await app.register(jsonErrors);
  const tokens = new ClusterTokenSource(node.config.clusterToken);
  tokens.attach(node.zk, logger);
  await app.register(controlLimits, node.config.limits);
  await app.register(clusterAuth, { tokens });
  await app.register(healthRoutes(node));
  await app.register(clusterStateRoutes(node));
  await app.register(killRoutes(node, tokens));
  return app;
}
