/**
 * Budgets on a node's control routes, so that a caller holding the cluster token but stuck in a
 * loop (a buggy gateway, a script) cannot stall the node for the real gateway:
 * - every route marked `clusterToken` shares one request budget per caller address
 *   (`429 rate_limited` with `Retry-After`), checked before the token so guessing counts too;
 * - state streams are capped per caller address: a new stream past the cap closes that caller's
 *   oldest one (a gateway only ever reads its newest, and one whose old connection went half-open
 *   must still get a new one), and StreamHub drops a subscriber that stops reading
 *   (stream-hub.ts), so neither connections nor buffers pile up.
 * Cut-offs are logged once per caller per minute. Register before installClusterAuth.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { CutoffLog } from '@zkviz/shared/fastify';
import type { NodeLimits } from '../config.js';

const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts a state stream from this caller until `res` closes; at the cap, the caller's oldest is closed. */
    admitStream(request: FastifyRequest, res: ServerResponse): void;
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

  const streams = new StreamSlots(limits.streamsPerAddress, (client) =>
    report('streams', client, { max: limits.streamsPerAddress }, 'caller at its state-stream cap: closing its oldest stream for each new one'),
  );
  app.decorate('admitStream', (request: FastifyRequest, res: ServerResponse) => streams.admit(request.ip, res));
}

export const controlLimits = fp(controlLimitsPlugin, { name: 'zkviz-control-limits' });

/** Open streams per caller, oldest first (a Set keeps insertion order). */
export class StreamSlots {
  private readonly open = new Map<string, Set<ServerResponse>>();

  constructor(
    private readonly maxPerCaller: number,
    private readonly onEvict: (client: string) => void = () => {},
  ) {}

  admit(client: string, res: ServerResponse): void {
    let mine = this.open.get(client);
    if (!mine) this.open.set(client, (mine = new Set()));
    while (mine.size >= this.maxPerCaller) {
      const oldest = mine.values().next().value!;
      mine.delete(oldest);
      this.onEvict(client);
      oldest.destroy();
    }
    mine.add(res);
    res.once('close', () => {
      mine.delete(res);
      if (mine.size === 0 && this.open.get(client) === mine) this.open.delete(client);
    });
  }

  count(client: string): number {
    return this.open.get(client)?.size ?? 0;
  }
}
