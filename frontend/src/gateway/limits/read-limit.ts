/**
 * Fair reads: every GET (and HEAD) route under /api/ shares one budget per client address, so a
 * client looping on the API gets `429 rate_limited` with `Retry-After` while everyone else's reads
 * go on. A prefix rule rather than a per-route option: a read route added later (/api/zookeeper,
 * /api/recording, ...) is covered without anyone remembering to opt in. Register after
 * @fastify/rate-limit and before the routes.
 *
 * The client is the TCP peer address (fastify's req.ip without trustProxy): X-Forwarded-For is not
 * trusted, so a client cannot pick its own key.
 */
import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { CutoffLog } from '@zkviz/shared/fastify';

export interface ReadLimitOptions {
  perMinute: number;
}

const WINDOW_MS = 60_000;

export function isReadRoute(route: Pick<RouteOptions, 'method' | 'url'>): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return route.url.startsWith('/api/') && methods.every((m) => m === 'GET' || m === 'HEAD');
}

function appendHook(route: RouteOptions, hook: onRequestHookHandler): void {
  const existing = route.onRequest;
  route.onRequest = existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

async function readLimitPlugin(app: FastifyInstance, { perMinute }: ReadLimitOptions): Promise<void> {
  const reported = new CutoffLog(WINDOW_MS);
  // One handler, hence one store: the budget is shared by all read routes, not one per route.
  const limiter = app.rateLimit({
    max: perMinute,
    timeWindow: WINDOW_MS,
    onExceeded: (req, key) => {
      if (reported.first(key)) {
        req.log.warn({ ev: 'rate-limited', limit: 'reads', client: key, perMinute }, 'client over its read budget: 429 until its window ends');
      }
    },
  }) as unknown as onRequestHookHandler;
  app.addHook('onRoute', (route) => {
    if (isReadRoute(route)) appendHook(route, limiter);
  });
}

export const readLimit = fp(readLimitPlugin, { name: 'zkviz-read-limit', dependencies: ['@fastify/rate-limit'] });
