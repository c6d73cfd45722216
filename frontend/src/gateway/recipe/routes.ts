/**
 * POST /api/recipe — switch the running cluster's election recipe. The gateway writes the recipe
 * znode; every node watches it and changes its own watch, keeping its session and its znode
 * (cluster/src/election/recipe-watch.ts). Rate-limited and behind the presenter's control token
 * exactly like kills; refused while there is no leader (a switch mid-failover would muddle the
 * very failover it is meant to show).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CONTROL_TOKEN_HEADER, GATEWAY_ROUTES, RECIPES, type RecipeAccepted, type RecipeRequestBody } from '@zkviz/shared';
import { errorBodySchema, sendError, tokenMatches } from '@zkviz/shared/fastify';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import type { RecipeStore } from './store.js';

const recipeSchema = {
  body: {
    type: 'object',
    required: ['recipe'],
    additionalProperties: false,
    properties: { recipe: { type: 'string', enum: [...RECIPES] } },
  },
  response: {
    202: {
      type: 'object',
      required: ['recipe', 'previous'],
      properties: { recipe: { type: 'string' }, previous: { type: ['string', 'null'] } },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

export interface RecipeRoutesOptions {
  feed: ClusterFeed;
  /** Null: this gateway has no ZooKeeper session to write with (tests over fakes). */
  store: RecipeStore | null;
  rateLimitPerMinute: number;
  controlToken?: string | null;
}

export const recipeRoutes: FastifyPluginAsync<RecipeRoutesOptions> = async (app, { feed, store, rateLimitPerMinute, controlToken }) => {
  const requireControlToken = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!controlToken) return;
    if (!tokenMatches(controlToken, req.headers[CONTROL_TOKEN_HEADER])) {
      return sendError(reply, 401, 'control_token_required', `switching the recipe needs the presenter's control token (${CONTROL_TOKEN_HEADER})`);
    }
  };
  app.post<{ Body: RecipeRequestBody }>(
    GATEWAY_ROUTES.recipe,
    { schema: recipeSchema, config: { rateLimit: { max: rateLimitPerMinute, timeWindow: '1 minute' } }, preValidation: requireControlToken },
    async (req, reply) => {
      if (!store) return sendError(reply, 409, 'not_supported', 'this gateway cannot write the recipe znode');
      const view = feed.view;
      if (view.status !== 'ok' || !view.leader) return sendError(reply, 409, 'no_leader', 'no leader right now; switch the recipe once one is elected');
      const previous = store.current;
      const written = await store.write(req.body.recipe);
      if (!written.ok) return sendError(reply, 503, 'zookeeper_unavailable', `writing the recipe znode failed (${written.rc})`);
      req.log.info({ ev: 'recipe-requested', recipe: req.body.recipe, previous }, 'recipe switch requested');
      const body: RecipeAccepted = { recipe: req.body.recipe, previous };
      return reply.code(202).send(body);
    },
  );
};
