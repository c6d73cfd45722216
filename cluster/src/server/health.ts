/** Liveness and this node's own view of itself. */
import type { FastifyPluginAsync } from 'fastify';
import { NODE_ROUTES } from '@zkviz/shared';
import type { ClusterNode } from '../node.js';

export function healthRoutes(node: ClusterNode): FastifyPluginAsync {
  return async (app) => {
    app.get(NODE_ROUTES.health, async () => ({ status: 'ok' }));
    app.get(NODE_ROUTES.status, async () => {
      const s = node.election.state;
      return {
        znode: s.electionZnode,
        role: s.role,
        phase: s.phase,
        watching: s.watching,
        connected: s.connected,
        acting: node.leadership !== null,
        address: node.config.advertisedAddress,
        startedAt: node.startedAt,
        pid: process.pid,
      };
    });
  };
}
