/**
 * The scenario routes against hostile input, over fakes (no ZooKeeper): bad ids and bodies are 400s
 * that start nothing, presenter mode's token guards run/next/stop (and the runner's own actions
 * carry it, so they pass the same check a click does), the rate limit matches kills', and a
 * scenario file that does not load is listed with its problem instead of taking the gateway down.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTROL_TOKEN_HEADER, type ScenarioList } from '@zkviz/shared';
import type { Gateway } from '../../frontend/src/gateway/app.js';
import { nodeId } from '../../frontend/test/gateway/fixtures.js';
import { buildHarness } from '../../frontend/test/gateway/gateway-harness.js';

const TOKEN = 'presenter-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'zkviz-scenarios-'));
writeFileSync(
  join(dir, 'kill-worker.yaml'),
  `id: kill-worker
title: Kill a worker
summary: x
needs: { nodes: 3 }
steps:
  - title: kill
    do: { action: kill, node: last, mode: crash, as: victim }
    wait: { for: event, kind: node-left, node: victim, within: 60000 }
`,
);
writeFileSync(join(dir, 'broken.yaml'), 'id: broken\ntitle: B\nsummary: x\nsteps:\n  - title: t\n    do: { action: restart, node: nobody }\n');

async function gateway(options: { controlToken?: string | null; rateLimit?: number } = {}) {
  const h = await buildHarness({ ...options, rateLimit: options.rateLimit ?? 10_000, scenariosDir: dir });
  h.leadWith(1, [1, 2, 3]);
  return { gw: h as Gateway, leaderClient: h.leaderClient };
}

const post = (gw: Gateway, url: string, payload: unknown = {}, headers: Record<string, string> = {}) =>
  gw.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });
const list = async (gw: Gateway) => (await gw.app.inject({ method: 'GET', url: '/api/scenarios' })).json<ScenarioList>();

describe('scenario routes', () => {
  let open: Awaited<ReturnType<typeof gateway>>;
  let guarded: Awaited<ReturnType<typeof gateway>>;
  before(async () => {
    open = await gateway();
    guarded = await gateway({ controlToken: TOKEN });
  });
  after(async () => {
    await open.gw.app.close();
    await guarded.gw.app.close();
  });

  it('a file that does not load is listed as unavailable with its problem; the others run', async () => {
    const { scenarios } = await list(open.gw);
    const broken = scenarios.find((s) => s.id === 'broken')!;
    assert.equal(broken.available, false);
    assert.match(broken.why!, /broken\.yaml: step 1 .*node nobody is not bound/);
    assert.equal(scenarios.find((s) => s.id === 'kill-worker')?.available, true);
    assert.equal((await post(open.gw, '/api/scenarios/broken/run')).statusCode, 404);
  });

  for (const [what, url, payload] of [
    ['a malformed id', '/api/scenarios/..%2Fetc/run', {}],
    ['an id too long', `/api/scenarios/${'a'.repeat(49)}/run`, {}],
    ['an upper-case id', '/api/scenarios/Kill-Worker/run', {}],
    ['a body with fields', '/api/scenarios/kill-worker/run', { steps: [] }],
    ['a body that is not an object', '/api/scenarios/kill-worker/run', ['x']],
    ['next with fields', '/api/scenarios/current/next', { force: true }],
  ] as const) {
    it(`${what} → 400, nothing started`, async () => {
      const res = await post(open.gw, url, payload);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(typeof res.json<{ message: string }>().message, 'string');
      assert.equal((await list(open.gw)).run, null);
      assert.equal(open.leaderClient.calls.length, 0);
    });
  }

  it('GET is the only way to read; other methods are 405', async () => {
    assert.equal((await open.gw.app.inject({ method: 'DELETE', url: '/api/scenarios' })).statusCode, 405);
    assert.equal((await open.gw.app.inject({ method: 'GET', url: '/api/scenarios/current/next' })).statusCode, 405);
  });

  it('presenter mode: run, next and stop need the token; the runner’s own kill carries it', async () => {
    for (const url of ['/api/scenarios/kill-worker/run', '/api/scenarios/current/next', '/api/scenarios/current/stop']) {
      const res = await post(guarded.gw, url);
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json<{ error: string }>().error, 'control_token_required');
      assert.equal((await post(guarded.gw, url, {}, { [CONTROL_TOKEN_HEADER]: 'wrong' })).statusCode, 401);
    }
    assert.equal((await list(guarded.gw)).run, null, 'nothing started');
    const auth = { [CONTROL_TOKEN_HEADER]: TOKEN };
    assert.equal((await post(guarded.gw, '/api/scenarios/kill-worker/run', {}, auth)).statusCode, 202);
    assert.equal((await post(guarded.gw, '/api/scenarios/current/next', {}, auth)).statusCode, 202);
    // The action went through the kill route, token and all, to the (fake) leader.
    while (guarded.leaderClient.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(guarded.leaderClient.calls[0]!.request, { target: nodeId(3), mode: 'crash' });
    const busy = await post(guarded.gw, '/api/scenarios/current/next', {}, auth);
    assert.equal(busy.statusCode, 409);
    assert.equal(busy.json<{ error: string }>().error, 'step_in_progress');
    assert.equal((await post(guarded.gw, '/api/scenarios/kill-worker/run', {}, auth)).json<{ error: string }>().error, 'scenario_running');
    const stopped = await post(guarded.gw, '/api/scenarios/current/stop', {}, auth);
    assert.equal(stopped.statusCode, 202);
    assert.equal(stopped.json<ScenarioList>().run?.status, 'stopped');
  });

  it('rate-limited like kills: 429 with Retry-After past the limit', async () => {
    const { gw } = await gateway({ rateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(gw, '/api/scenarios/current/stop')).statusCode);
    assert.deepEqual(statuses, [409, 409, 409, 429, 429]);
    assert.ok((await post(gw, '/api/scenarios/current/stop')).headers['retry-after']);
    await gw.app.close();
  });
});
