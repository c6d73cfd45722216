/**
 * The guided scenarios: `GET /api/scenarios` lists them (with whether each can run here, and why
 * not); run, next and stop are the presenter's, rate-limited and behind CONTROL_TOKEN like every
 * action. The runner's own actions go through this gateway's routes by `inject`, as the presenter,
 * so they are validated, limited and logged exactly like a click on the page.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CONTROL_TOKEN_HEADER, SCENARIO_ID_PATTERN, SCENARIO_ROUTES, type ScenarioList } from '@zkviz/shared';
import { errorBodySchema, sendError, tokenMatches } from '@zkviz/shared/fastify';
import type { ActAnswer, RunnerAnswer, ScenarioRunner } from './runner.js';

const runView = { type: 'object', additionalProperties: true, required: ['run', 'id', 'title', 'status', 'current', 'steps', 'version'] } as const;
const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const answered = { 202: { type: 'object', required: ['run'], properties: { run: runView } }, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

const listSchema = {
  response: {
    200: {
      type: 'object',
      required: ['scenarios', 'run'],
      properties: {
        scenarios: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'title', 'summary', 'steps', 'available', 'why'],
            properties: {
              id: { type: 'string' },
              title: { type: 'string' },
              summary: { type: 'string' },
              steps: { type: 'integer' },
              available: { type: 'boolean' },
              why: { type: ['string', 'null'] },
            },
          },
        },
        run: { anyOf: [{ type: 'null' }, runView] },
      },
    },
    '4xx': errorBodySchema,
  },
} as const;

/**
 * How the runner acts: as the presenter, through this gateway's own routes (`inject`), so a
 * scenario can do nothing a click cannot, and is validated, limited and logged like one.
 */
export function actAsPresenter(app: FastifyInstance, controlToken: string | null): (url: string, body: object) => Promise<ActAnswer> {
  return async (url, body) => {
    const res = await app.inject({ method: 'POST', url, payload: body, headers: controlToken ? { [CONTROL_TOKEN_HEADER]: controlToken } : {} });
    let parsed: unknown;
    try {
      parsed = res.json();
    } catch {
      parsed = null;
    }
    return { statusCode: res.statusCode, body: parsed };
  };
}

export interface ScenarioRoutesOptions {
  runner: ScenarioRunner;
  rateLimitPerMinute: number;
  controlToken: string | null;
}

export const scenarioRoutes: FastifyPluginAsync<ScenarioRoutesOptions> = async (app, { runner, rateLimitPerMinute, controlToken }) => {
  const requireControlToken = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!controlToken) return;
    if (!tokenMatches(controlToken, req.headers[CONTROL_TOKEN_HEADER])) {
      return sendError(
        reply,
        401,
        'control_token_required',
        `running a scenario needs the presenter's control token (${CONTROL_TOKEN_HEADER}); everyone else follows it`,
      );
    }
  };
  const common = { config: { rateLimit: { max: rateLimitPerMinute, timeWindow: '1 minute' } }, preValidation: requireControlToken };
  const send = (reply: FastifyReply, answer: RunnerAnswer) =>
    answer.ok ? reply.code(202).send({ run: answer.run }) : sendError(reply, answer.status, answer.error, answer.message);

  app.get(SCENARIO_ROUTES.list, { schema: listSchema }, async () => {
    const body: ScenarioList = { scenarios: runner.list(), run: runner.run };
    return body;
  });

  app.post<{ Params: { id: string } }>(
    SCENARIO_ROUTES.run,
    {
      ...common,
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: SCENARIO_ID_PATTERN } } },
        body: emptyBody,
        response: answered,
      },
    },
    async (req, reply) => {
      const answer = runner.begin(req.params.id);
      if (answer.ok) req.log.info({ ev: 'scenario-started', scenario: req.params.id, run: answer.run.run }, 'scenario started');
      return send(reply, answer);
    },
  );
  app.post(SCENARIO_ROUTES.next, { ...common, schema: { body: emptyBody, response: answered } }, async (_req, reply) => send(reply, runner.next()));
  app.post(SCENARIO_ROUTES.stop, { ...common, schema: { body: emptyBody, response: answered } }, async (req, reply) => {
    const answer = runner.halt();
    if (answer.ok) req.log.info({ ev: 'scenario-stopped', scenario: answer.run.id }, 'scenario stopped');
    return send(reply, answer);
  });
};
