import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifySchema } from 'fastify';
import { serverOptions } from '../src/fastify/server-options.js';

// The server kit does not check route schemas against the meta-schema (its compile is a node's
// largest single start-up cost). These are the mistakes that check would catch; each must still
// stop the server from starting.
const malformed: Record<string, FastifySchema> = {
  'a typo in a keyword': { body: { type: 'object', properties: { mode: { typ: 'string' } } } },
  'a type that is not a JSON type': { querystring: { type: 'object', properties: { n: { type: 'strin' } } } },
  'required as a string': { body: { type: 'object', required: 'mode' } },
  'a length that is not a number': { body: { type: 'object', properties: { id: { type: 'string', maxLength: '64' } } } },
  'additionalProperties as a number': { params: { type: 'object', additionalProperties: 3 } },
};

for (const [name, schema] of Object.entries(malformed)) {
  test(`a route schema with ${name} fails at start`, async () => {
    const app = Fastify(serverOptions());
    app.post('/x', { schema }, async () => ({ ok: true }));
    // The schema compiler's own words, not any start-up failure.
    await assert.rejects(async () => {
      await app.ready();
    }, /strict mode: unknown keyword|must be JSONType|value must be/);
    await app.close().catch(() => undefined);
  });
}

test('a well-formed schema starts, and still refuses what it does not allow', async () => {
  const app = Fastify(serverOptions());
  app.post(
    '/x',
    { schema: { body: { type: 'object', required: ['mode'], additionalProperties: false, properties: { mode: { enum: ['graceful'] } } } } },
    async () => ({ ok: true }),
  );
  await app.ready();
  try {
    assert.equal((await app.inject({ method: 'POST', url: '/x', payload: { mode: 'graceful' } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/x', payload: { mode: 'graceful', extra: 1 } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/x', payload: { mode: 1 } })).statusCode, 400);
  } finally {
    await app.close();
  }
});
