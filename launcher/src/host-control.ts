/**
 * Local mode's host control: what only the machine the slots run on can do — start a new slot,
 * stop and start the ZooKeeper server the launcher owns. A small internal HTTP server on 127.0.0.1
 * the gateway reaches through HOST_CONTROL_URL, behind the cluster token like every internal route.
 * Compose has no such server (nothing there may start containers), so the gateway answers 409 there.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CLUSTER_TOKEN_HEADER, HOST_ROUTES, ZOOKEEPER_SERVER_OPS, type ZooKeeperServerOp } from '@zkviz/shared';
import type { ZooKeeperEnsemble, ZooKeeperServer } from './zookeeper.js';

export interface HostControl {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export interface HostControlOptions {
  clusterToken: string;
  /** Starts one more slot and resolves once its node listens. */
  addSlot(): Promise<{ slot: string }>;
  /** The ZooKeeper servers we started (ids 1…N); null with an external one (not ours to stop). */
  zookeeper: ZooKeeperEnsemble | null;
}

function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(createHash('sha256').update(expected).digest(), createHash('sha256').update(given).digest());
}

const errorBody = { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const serverIds = (e: ZooKeeperEnsemble) => (e.size === 1 ? 'server 1' : `servers 1 to ${e.size}`);
const send = (reply: FastifyReply, status: number, error: string, message: string) => reply.code(status).send({ error, message });

export async function startHostControl(options: HostControlOptions): Promise<HostControl> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
    const status = err.validation ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    return send(reply, status, status >= 500 ? 'internal' : 'bad_request', status >= 500 ? 'internal error' : err.message);
  });
  app.setNotFoundHandler((req, reply) => send(reply, 404, 'not_found', `no route ${req.method} ${req.url}`));
  app.addHook('onRequest', async (req, reply) => {
    if (!tokenMatches(options.clusterToken, req.headers[CLUSTER_TOKEN_HEADER])) return send(reply, 401, 'unauthorized', `missing or wrong ${CLUSTER_TOKEN_HEADER}`);
  });

  // One host action at a time: two ZooKeeper stops racing a start would leave the state to chance.
  let busy: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = busy.then(fn, fn);
    busy = run.catch(() => undefined);
    return run;
  };

  app.post(HOST_ROUTES.addSlot, { schema: { body: emptyBody, response: { '4xx': errorBody } } }, async (_req, reply) => {
    const { slot } = await serially(() => options.addSlot());
    return reply.code(202).send({ slot, action: 'add', state: 'starting', until: null });
  });

  const ops: Record<ZooKeeperServerOp, (zk: ZooKeeperServer) => Promise<void> | string> = {
    stop: (zk) => (zk.serving ? zk.halt() : 'it is already stopped'),
    start: (zk) => (zk.serving ? 'it is already running' : zk.resume()),
    restart: (zk) => zk.restart(),
  };
  for (const op of ZOOKEEPER_SERVER_OPS) {
    app.post<{ Params: { id: string } }>(
      HOST_ROUTES.zookeeper(':id', op),
      { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, body: emptyBody, response: { '4xx': errorBody } } },
      async (req, reply) => {
        const { id } = req.params;
        const ensemble = options.zookeeper;
        if (!ensemble) return send(reply, 409, 'not_supported', 'ZooKeeper is external (--zk): stop and start it where it runs');
        const zk = ensemble.server(id);
        if (!zk) return send(reply, 404, 'unknown_server', `no ZooKeeper server ${id} (local mode runs ${serverIds(ensemble)})`);
        const refused = await serially(async () => {
          const result = ops[op](zk);
          if (typeof result === 'string') return result;
          await result;
          return null;
        });
        if (refused) return send(reply, 409, 'invalid_state', `cannot ${op} ZooKeeper server ${id}: ${refused}`);
        return reply.code(202).send({ server: id, action: op, state: zk.serving ? 'running' : 'stopped', until: null });
      },
    );
  }

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
