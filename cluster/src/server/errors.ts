/** Every error body is `{ error, message }`. */
import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '@zkviz/shared';

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ErrorBody);
}

export const errorBodySchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;
