/** The fastify options both servers start from. */
import { LogController, type FastifyReply, type FastifyServerOptions } from 'fastify';

/** Request bodies are tiny JSON objects on both servers (kill requests); anything bigger is refused (413). */
export const BODY_LIMIT_BYTES = 4 * 1024;

export function serverOptions(extra: Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> = {}): FastifyServerOptions {
  return {
    ...extra,
    // No two log lines per request: a client looping on the API would have the server spend its
    // time writing its log. What matters is logged on purpose (kills, cut-offs, 5xx). Through the
    // LogController: the `disableRequestLogging` option is deprecated (FSTDEP023).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Reject what the schemas do not allow instead of silently stripping or coercing it.
    // `validateSchema: false`: ajv would otherwise compile the JSON Schema meta-schema in every
    // process to check our own route schemas against it, measured at ~60 ms of CPU and 7 MB of
    // RSS per node at start (100 nodes pay it 100 times). A malformed schema still fails at
    // start: strict mode rejects unknown keywords and every keyword checks its value's type
    // (shared/test/server-options.test.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, validateSchema: false } },
    // Router-level rejections (bad percent-encoding, an absurdly long path parameter) skip the
    // error handler: keep them `{error, message}` too.
    frameworkErrors: (err, _request, reply) => {
      void (reply as unknown as FastifyReply).code(400).send({ error: 'bad_request', message: err.message.slice(0, 200) });
    },
  };
}
