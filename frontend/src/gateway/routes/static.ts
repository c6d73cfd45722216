import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_API_PREFIX, GATEWAY_ROUTES } from '@zkviz/shared';

/** Answers an unknown path with the page, or returns null to let the JSON 404/405 answer. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

/**
 * Serves the built page. Hashed assets are cached for good; index.html never is, so a rebuilt
 * page is picked up on reload. Returns the fallback for the page's own client-side routes, or
 * null when the page is not built.
 */
export async function registerStaticPage(app: FastifyInstance, staticDir: string): Promise<PageFallback | null> {
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    app.log.warn({ staticDir }, 'page not built; serving the API only (run: npm run build -w @zkviz/frontend)');
    return null;
  }
  await app.register(fastifyStatic, {
    root: staticDir,
    prefix: '/',
    wildcard: true,
    cacheControl: false, // ours below: hashed assets forever, index.html never
    setHeaders(res, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '';
    // Client-side routes of the page fall back to index.html; the API, assets and /ws never do.
    const wantsPage =
      request.method === 'GET' &&
      !urlPath.startsWith(GATEWAY_API_PREFIX) &&
      !urlPath.startsWith('/assets/') &&
      urlPath !== GATEWAY_ROUTES.ws &&
      (request.headers.accept ?? '').includes('text/html');
    return wantsPage ? reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html') : null;
  };
}
