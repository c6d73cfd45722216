/**
 * The fault routes, registered from the fault table (shared/src/faults.ts): one POST per slot
 * action, handed to that slot's supervisor; adding a node and ZooKeeper server control, handed to
 * the local-mode host. Each is rate-limited like kills and behind CONTROL_TOKEN when set (checked
 * before the body, as for kills).
 */
import { isIP } from 'node:net';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONTROL_TOKEN_HEADER,
  FAULT_ACTIONS,
  GATEWAY_ROUTES,
  NOT_SUPPORTED_HINTS,
  SLOT_NAME_SCHEMA_PATTERN,
  ZOOKEEPER_SERVER_OPS,
  type ClusterEvent,
  type ErrorBody,
  type FaultCapabilities,
} from '@zkviz/shared';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import { errorBodySchema, tokenMatches } from '@zkviz/shared/fastify';
import { serversOf } from '../zookeeper/connect-string.js';
import type { HostClient, HttpAnswer, SlotDirectory, SupervisorClient } from './types.js';

export interface SlotRoutesOptions {
  feed: ClusterFeed;
  /** null: no supervisors in this mode (no slot actions). */
  directory: SlotDirectory | null;
  supervisors: SupervisorClient;
  /** null: compose (no adding nodes, no ZooKeeper control from here). */
  host: HostClient | null;
  rateLimitPerMinute: number;
  controlToken: string | null;
  /** The gateway's connect string: in compose, a server's host is its service (the hint's command). */
  zkConnect: string;
}

export function capabilitiesOf(options: Pick<SlotRoutesOptions, 'directory' | 'host'>): FaultCapabilities {
  const slots = options.directory !== null;
  const host = options.host !== null;
  return { kill: true, freeze: slots, partition: slots, restart: slots, addNode: host, zookeeperControl: host };
}

const slotParams = {
  type: 'object',
  required: ['slot'],
  properties: { slot: { type: 'string', pattern: SLOT_NAME_SCHEMA_PATTERN } },
} as const;
const serverParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' } },
} as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const acceptedSchema = {
  type: 'object',
  required: ['action'],
  properties: {
    slot: { type: 'string' },
    server: { type: 'string' },
    action: { type: 'string' },
    state: { type: 'string' },
    until: { type: ['number', 'null'] },
  },
} as const;
const responses = { 202: acceptedSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

function errorOf(answer: HttpAnswer): Partial<ErrorBody> {
  const body = answer.body;
  return typeof body === 'object' && body !== null ? body : {};
}

/** A supervisor's or the host's answer in the gateway's vocabulary. */
function relay(reply: FastifyReply, answer: HttpAnswer, what: string): FastifyReply {
  const body = errorOf(answer);
  if (answer.statusCode === 202) return reply.code(202).send(answer.body);
  if (answer.statusCode === 409 || answer.statusCode === 404 || answer.statusCode === 400) {
    return reply.code(answer.statusCode).send({ error: body.error ?? 'bad_request', message: body.message ?? `${what} refused` });
  }
  if (answer.statusCode === 401) return reply.code(502).send({ error: 'gateway_misconfigured', message: `${what} rejected the gateway (CLUSTER_TOKEN mismatch?)` });
  return reply.code(502).send({ error: 'bad_upstream_reply', message: `${what} answered ${answer.statusCode}` });
}

function unreachable(reply: FastifyReply, err: unknown, what: string): FastifyReply {
  const timedOut = (err as Error)?.name === 'TimeoutError';
  return timedOut
    ? reply.code(504).send({ error: 'upstream_timeout', message: `${what} did not answer in time` })
    : reply.code(502).send({ error: 'upstream_unreachable', message: `could not reach ${what}` });
}

export const slotRoutes: FastifyPluginAsync<SlotRoutesOptions> = async (app, options) => {
  const { feed, directory, supervisors, host, rateLimitPerMinute, controlToken } = options;
  const zookeeperServers = serversOf(options.zkConnect);
  const requireControlToken = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!controlToken) return;
    if (!tokenMatches(controlToken, req.headers[CONTROL_TOKEN_HEADER])) {
      return reply.code(401).send({ error: 'control_token_required', message: `fault actions need the presenter's control token (${CONTROL_TOKEN_HEADER})` });
    }
  };
  const common = { config: { rateLimit: { max: rateLimitPerMinute, timeWindow: '1 minute' } }, preValidation: requireControlToken };

  for (const row of FAULT_ACTIONS) {
    if (row.target !== 'slot') continue;
    app.post<{ Params: { slot: string }; Body: unknown }>(
      row.route,
      { ...common, schema: { params: slotParams, body: row.body, response: responses } },
      async (req, reply) => {
        const { slot } = req.params;
        if (!directory) return reply.code(409).send({ error: 'not_supported', message: 'no slot supervisors in this mode' });
        const record = directory.get(slot);
        if (!record) return reply.code(404).send({ error: 'unknown_slot', message: `no slot ${slot}` });
        try {
          const answer = await supervisors.act(record.supervisor, row.action, req.body ?? {});
          if (answer.statusCode === 202) req.log.info({ ev: 'slot-action', slot, action: row.action, body: req.body ?? {} }, `${row.action} ${slot}`);
          return relay(reply, answer, `the supervisor of ${slot}`);
        } catch (err) {
          return unreachable(reply, err, `the supervisor of ${slot}`);
        }
      },
    );
  }

  const record = (event: Omit<ClusterEvent, 'at'>) => feed.recordEvent({ ...event, at: Date.now() });

  app.post(GATEWAY_ROUTES.slots, { ...common, schema: { body: emptyBody, response: responses } }, async (req, reply) => {
    if (!host) return reply.code(409).send({ error: 'not_supported', message: NOT_SUPPORTED_HINTS.addNode });
    try {
      const answer = await host.addSlot();
      if (answer.statusCode === 202) req.log.info({ ev: 'slot-add', answer: answer.body }, 'slot added');
      return relay(reply, answer, 'the host');
    } catch (err) {
      return unreachable(reply, err, 'the host');
    }
  });

  for (const op of ZOOKEEPER_SERVER_OPS) {
    app.post<{ Params: { id: string } }>(
      `/api/zookeeper/servers/:id/${op}`,
      { ...common, schema: { params: serverParams, body: emptyBody, response: responses } },
      async (req, reply) => {
        const { id } = req.params;
        if (!host) {
          const server = zookeeperServers.find((s) => String(s.id) === id);
          if (!server) return reply.code(404).send({ error: 'unknown_server', message: `no ZooKeeper server ${id} in the connect string` });
          // Compose names a server by its service; an address is no service name (then the base file's).
          const service = isIP(server.host) || server.host === 'localhost' ? 'zookeeper' : server.host;
          return reply.code(409).send({ error: 'not_supported', message: NOT_SUPPORTED_HINTS.zookeeperControl(op, service, zookeeperServers.length > 1) });
        }
        try {
          const answer = await host.zookeeper(id, op);
          if (answer.statusCode === 202) {
            req.log.info({ ev: 'zookeeper-control', server: id, op }, `ZooKeeper server ${id}: ${op}`);
            if (op !== 'start') record({ kind: 'zookeeper-stopped', nodeId: null, text: `ZooKeeper server ${id} stopped${op === 'restart' ? ' (restart)' : ''}` });
            if (op !== 'stop') record({ kind: 'zookeeper-started', nodeId: null, text: `ZooKeeper server ${id} started` });
          }
          return relay(reply, answer, 'the host');
        } catch (err) {
          return unreachable(reply, err, 'the host');
        }
      },
    );
  }
};
