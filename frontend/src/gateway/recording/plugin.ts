/**
 * `GET /api/recording`: the run so far as NDJSON (see shared/src/recording.ts for the format).
 * The recorder is fed by the /ws hub (one tap on its broadcasts), so a line is exactly what the
 * browsers were sent. A GET under /api/, so the per-client read budget covers it.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { GATEWAY_ROUTES, RECORDING_CONTENT_TYPE } from '@zkviz/shared';
import { errorBodySchema } from '@zkviz/shared/fastify';
import type { Recorder } from './recorder.js';

function fileName(at: number): string {
  // 2026-12-01T21-52-03Z: sortable and safe in every file system.
  return `zkviz-recording-${new Date(at)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}.ndjson`;
}

export const recordingRoutes: FastifyPluginAsync<{ recorder: Recorder; now?: () => number }> = async (app, { recorder, now = Date.now }) => {
  app.get(GATEWAY_ROUTES.recording, { schema: { response: { '4xx': errorBodySchema, '5xx': errorBodySchema } } }, async (_req, reply) => {
    const lines = recorder.export();
    reply
      .header('content-type', RECORDING_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${fileName(now())}"`);
    // A stream of the copied lines: a 16 MiB recording is never joined into one string.
    return reply.send(Readable.from(lines.map((line) => `${line}\n`)));
  });
};
