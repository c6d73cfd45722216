import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Serves the built page. Hashed assets are cached for good; index.html never is, so a rebuilt
 * page is picked up on reload. Returns the SPA fallback, or null when the page is not built.
 */
export async function registerStaticPage(app: FastifyInstance, staticDir: string): Promise<((reply: FastifyReply) => FastifyReply) | null> {
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
  return (reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
}
