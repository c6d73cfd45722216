/**
 * fastify answers 404 to a known path asked with the wrong method; HTTP says 405 with an Allow
 * header. Routes are recorded as they are added (onRoute), so this stays right as routes change.
 */
import type { FastifyInstance } from 'fastify';

export type AllowedMethods = (path: string) => string[];

function routeRegExp(url: string): RegExp {
  const segments = url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/** Install on the root instance before any route is registered. */
export function trackRouteMethods(app: FastifyInstance): AllowedMethods {
  const routes: Array<{ re: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return; // wildcards (static files) would claim every path
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    routes.push({ re: routeRegExp(route.url), methods });
  });
  const allowedMethods: AllowedMethods = (path) => {
    const allowed = new Set<string>();
    for (const r of routes) if (r.re.test(path)) for (const m of r.methods) allowed.add(m);
    return [...allowed].sort();
  };
  // Decided before the body is parsed: a wrong method is a 405 whatever the body looks like.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.length === 0 || allowed.includes(request.method)) return;
    return reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}` });
  });
  return allowedMethods;
}
