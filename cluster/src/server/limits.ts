/**
 * Budgets on a node's control routes, so that a caller holding the cluster token but stuck in a
 * loop (a buggy gateway, a script) cannot stall the node for the real gateway:
 * - every route marked `clusterToken` shares one request budget per caller address
 *   (`429 rate_limited` with `Retry-After`), checked before the token so guessing counts too;
 * - state streams are capped per caller address (`429 too_many_streams`), and StreamHub drops a
 *   subscriber that stops reading (stream-hub.ts), so neither connections nor buffers pile up.
 * Cut-offs are logged once per caller per minute. Register before installClusterAuth.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { ConnectionCap, CutoffLog } from '@zkviz/shared/fastify';
import type { NodeLimits } from '../config.js';
import { sendError } from './errors.js';

const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts a state stream from this caller until its response closes; false at the cap (429 sent). */
    admitStream(request: FastifyRequest, reply: FastifyReply): boolean;
  }
}

async function controlLimitsPlugin(app: FastifyInstance, limits: NodeLimits): Promise<void> {
  const reported = new CutoffLog(WINDOW_MS);
  const report = (kind: string, client: string, fields: Record<string, unknown>, msg: string) => {
    if (reported.first(`${kind} ${client}`)) app.log.warn({ ev: 'rate-limited', limit: kind, client, ...fields }, msg);
  };

  await app.register(rateLimit, { global: false });
  const limiter = app.rateLimit({
    max: limits.controlPerMinute,
    timeWindow: WINDOW_MS,
    onExceeded: (req, key) => report('control', key, { perMinute: limits.controlPerMinute }, 'caller over its control-route budget: 429 until its window ends'),
  });
  // A root hook, not a route option: it runs before the cluster-token check (also a root hook).
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.clusterToken) await limiter.call(app, request, reply);
  });

  const streams = new ConnectionCap(limits.streamsPerAddress);
  app.decorate('admitStream', (request: FastifyRequest, reply: FastifyReply): boolean => {
    const client = request.ip;
    if (!streams.tryAcquire(client)) {
      report('streams', client, { max: limits.streamsPerAddress }, 'caller at its state-stream cap: refusing more with 429');
      void sendError(reply, 429, 'too_many_streams', `at most ${limits.streamsPerAddress} state streams per caller`);
      return false;
    }
    reply.raw.once('close', () => streams.release(client));
    return true;
  });
}

export const controlLimits = fp(controlLimitsPlugin, { name: 'zkviz-control-limits' });
