/**
 * The supervisor's internal HTTP server: one route per row of the fault table, all behind the
 * cluster token (the same check as the node's control routes), plus an open health route.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { FAULT_ACTIONS, SUPERVISOR_ROUTES, type FaultAction, type FaultBodies } from '@zkviz/shared';
import { errorBodySchema, jsonErrors, sendError, serverOptions, type TokenHolder } from '@zkviz/shared/fastify';
import type { Logger } from 'pino';
import type { NodeLimits } from '../config.js';
import { clusterAuth } from '../server/auth.js';
import { controlLimits } from '../server/limits.js';
import { runAction } from './actions.js';
import type { Slot } from './slot.js';

const acceptedSchema = {
  type: 'object',
  required: ['slot', 'action', 'state', 'until'],
  properties: { slot: { type: 'string' }, action: { type: 'string' }, state: { type: 'string' }, until: { type: ['number', 'null'] } },
} as const;

export async function buildSupervisorServer(slot: Slot, tokens: TokenHolder, limits: NodeLimits, logger: Logger): Promise<FastifyInstance> {
  // typed as fastify's, not cast: a cast feeds fastify's generic inference (see server/app.ts)
  const loggerInstance: FastifyBaseLogger = logger;
  // The node's server kit: same body limit, strict schemas, {error, message} bodies, 405 with Allow.
  const app = Fastify(serverOptions({ loggerInstance }));
  await app.register(jsonErrors);
  // The node's budgets, before the token check (so guessing counts too): a caller looping on the
  // action routes gets 429, and the slot's node is not signalled faster than the budget allows.
  await app.register(controlLimits, limits);
  await app.register(clusterAuth, { tokens });

  app.get(SUPERVISOR_ROUTES.health, { schema: { response: { '4xx': errorBodySchema } } }, async () => ({ status: 'ok', slot: slot.name }));
  app.get(SUPERVISOR_ROUTES.slot, { config: { clusterToken: true }, schema: { response: { '4xx': errorBodySchema } } }, async () => slot.view);

  for (const row of FAULT_ACTIONS) {
    const action: FaultAction = row.action;
    app.post<{ Body: FaultBodies[typeof action] | null }>(
      SUPERVISOR_ROUTES.action(action),
      { config: { clusterToken: true }, schema: { body: row.body, response: { 202: acceptedSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } } },
      async (request, reply) => {
        const outcome = runAction(slot, action, request.body ?? {});
        if (!outcome.ok) {
          return sendError(
            reply,
            409,
            'invalid_state',
            `cannot ${action} slot ${slot.name} while it is ${outcome.state} (allowed: ${row.allowedStates.join(', ')})`,
          );
        }
        logger.info({ ev: 'slot-action', slot: slot.name, action, body: request.body ?? {}, at: Date.now() }, `slot action ${action}`);
        return reply.code(202).send(outcome.accepted);
      },
    );
  }
  return app;
}
