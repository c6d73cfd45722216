/** The fastify options both servers start from. */
import type { FastifyReply, FastifyServerOptions } from 'fastify';

/** Request bodies are tiny JSON objects on both servers (kill requests); anything bigger is refused (413). */
export const BODY_LIMIT_BYTES = 4 * 1024;

export function serverOptions(
  extra: Pick<FastifyServerOptions, 'logger' | 'loggerInstance' | 'disableRequestLogging' | 'logController'> = {},
): FastifyServerOptions {
  return {
    ...extra,
    bodyLimit: BODY_LIMIT_BYTES,
    // Reject what the schemas do not allow instead of silently stripping or coercing it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // Router-level rejections (bad percent-encoding, an absurdly long path parameter) skip the
    // error handler: keep them `{error, message}` too.
    frameworkErrors: (err, _request, reply) => {
      void (reply as unknown as FastifyReply).code(400).send({ error: 'bad_request', message: err.message.slice(0, 200) });
    },
  };
}
