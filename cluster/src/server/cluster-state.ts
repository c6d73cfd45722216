/** The acting leader serves the cluster state: a one-shot read and an ndjson stream. */
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { NODE_ROUTES, STANDBY_STREAM_QUERY } from '@zkviz/shared';
import type { ClusterNode } from '../node.js';
import { errorBodySchema, sendError } from '@zkviz/shared/fastify';

// No 200 schema: the snapshot type lives in shared/protocol.ts and must not be stripped by a serializer.
const controlReadSchema = {
  querystring: { type: 'object', additionalProperties: false, properties: {} },
  response: { '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

const streamSchema = {
  querystring: { type: 'object', additionalProperties: false, properties: { [STANDBY_STREAM_QUERY]: { type: 'string', enum: ['1'] } } },
  response: { '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

/**
 * The 503 a parked stream gets when acting did not start in time (the reply is hijacked: raw); a
 * standby stream, answered already, is ended instead (the gateway drops it either way).
 */
function refuseStream(res: ServerResponse): void {
  if (res.destroyed) return;
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({ error: 'not_leader', message: 'this node is not acting as leader' });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function clusterStateRoutes(node: ClusterNode): FastifyPluginAsync {
  return async (app) => {
    app.get(NODE_ROUTES.clusterSnapshot, { schema: controlReadSchema, config: { clusterToken: true } }, async (_request, reply) => {
      const snapshot = node.leadership ? node.latestSnapshot : null;
      if (!snapshot) return sendError(reply, 503, 'not_leader', 'this node is not acting as leader');
      return snapshot;
    });

    app.get<{ Querystring: { [STANDBY_STREAM_QUERY]?: '1' } }>(
      NODE_ROUTES.clusterStream,
      { schema: streamSchema, config: { clusterToken: true } },
      async (request, reply) => {
        const acting = node.leadership !== null;
        // A standby stream (the gateway connecting ahead to the node next in line) waits as long as
        // this node stays next in line; any other stream only between winning and acting.
        const wait = acting ? null : node.streamWait(request.query[STANDBY_STREAM_QUERY] === '1');
        if (!acting && !wait) return sendError(reply, 503, 'not_leader', 'this node is not acting as leader');
        reply.hijack();
        app.admitStream(request, reply.raw);
        if (acting) node.streams.subscribe(reply.raw);
        else if (wait === 'standby') {
          request.log.info({ ev: 'stream-standby', znode: node.election.state.electionZnode }, 'a gateway waits here on a standby stream');
          node.streams.park(reply.raw, refuseStream, 'standby');
        } else node.streams.park(reply.raw, refuseStream);
      },
    );
  };
}
