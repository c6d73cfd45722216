/**
 * POST /api/recipe against hostile input, over fakes (no ZooKeeper): every bad body is a 400 that
 * writes nothing, presenter mode's token, the rate limit shared in size with kills, no leader.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { CONTROL_TOKEN_HEADER, type LeaderKillRequest, type Recipe } from '@zkviz/shared';
import { buildGateway, type Gateway } from '../../frontend/src/gateway/app.js';
import type { RecipeStore } from '../../frontend/src/gateway/recipe/store.js';
import { FakeDiscovery, FakeLeaderClient, FakeStreams, nodeId, registered, snapshotMsg } from '../../frontend/test/gateway/fixtures.js';

class FakeRecipeStore extends EventEmitter<{ recipe: [recipe: Recipe | null] }> implements RecipeStore {
  current: Recipe | null = 'predecessor';
  readonly writes: Recipe[] = [];
  start(): void {}
  stop(): void {}
  async write(recipe: Recipe) {
    this.writes.push(recipe);
    this.current = recipe;
    this.emit('recipe', recipe);
    return { ok: true as const };
  }
}

const TOKEN = 'presenter-secret-0123456789';

async function gateway(options: { controlToken?: string | null; rateLimit?: number; leader?: boolean } = {}) {
  const discovery = new FakeDiscovery();
  const streams = new FakeStreams();
  const store = new FakeRecipeStore();
  const gw: Gateway = await buildGateway({
    config: {
      staticDir: '/nonexistent',
      allowedOrigins: [],
      killRateLimitPerMinute: options.rateLimit ?? 10_000,
      logLevel: 'silent',
      controlToken: options.controlToken ?? null,
    },
    createDiscovery: () => discovery,
    createStreamConnector: () => streams.connector,
    createRecipeStore: () => store,
    leaderClient: new FakeLeaderClient((r: LeaderKillRequest) => ({ statusCode: 202, body: { id: r.target, mode: r.mode, routedVia: nodeId(1) } })),
    logger: false,
  });
  await gw.app.ready();
  if (options.leader !== false) {
    discovery.announce(registered(1));
    streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2, 3]));
  }
  return { gw, store };
}

const post = (gw: Gateway, payload: unknown, headers: Record<string, string> = {}) =>
  gw.app.inject({ method: 'POST', url: '/api/recipe', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });

describe('POST /api/recipe', () => {
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

  it('switches: 202 with the recipe and the previous one, and the view names it', async () => {
    const res = await post(open.gw, { recipe: 'herd' });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { recipe: 'herd', previous: 'predecessor' });
    assert.equal(open.gw.feed.view.recipe, 'herd');
  });

  for (const [name, payload] of [
    ['no body fields', {}],
    ['unknown recipe', { recipe: 'stampede' }],
    ['wrong type', { recipe: 1 }],
    ['extra field', { recipe: 'herd', also: true }],
    ['an array', ['herd']],
    ['null', null],
  ] as const) {
    it(`bad body (${name}) → 400, nothing written`, async () => {
      const writes = open.store.writes.length;
      const res = await post(open.gw, payload);
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(Object.keys(res.json<object>()).sort(), ['error', 'message']);
      assert.equal(open.store.writes.length, writes);
    });
  }

  it('not JSON → 415; wrong method → 405', async () => {
    const res = await open.gw.app.inject({ method: 'POST', url: '/api/recipe', headers: { 'content-type': 'text/plain' }, payload: 'herd' });
    assert.equal(res.statusCode, 415);
    assert.equal((await open.gw.app.inject({ method: 'GET', url: '/api/recipe' })).statusCode, 405);
  });

  it('presenter mode: no or wrong token → 401 before the body is looked at; the right one → 202', async () => {
    assert.equal((await post(guarded.gw, { recipe: 'herd' })).statusCode, 401);
    assert.equal((await post(guarded.gw, { recipe: 'bogus' }, { [CONTROL_TOKEN_HEADER]: 'nope' })).statusCode, 401);
    assert.equal(guarded.store.writes.length, 0);
    assert.equal((await post(guarded.gw, { recipe: 'herd' }, { [CONTROL_TOKEN_HEADER]: TOKEN })).statusCode, 202);
  });

  it('no leader → 409 no_leader, nothing written', async () => {
    const { gw, store } = await gateway({ leader: false });
    const res = await post(gw, { recipe: 'herd' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json<{ error: string }>().error, 'no_leader');
    assert.equal(store.writes.length, 0);
    await gw.app.close();
  });

  it('rate-limited like kills: 429 with Retry-After past the limit', async () => {
    const { gw } = await gateway({ rateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(gw, { recipe: i % 2 ? 'herd' : 'predecessor' })).statusCode);
    assert.deepEqual(statuses, [202, 202, 202, 429, 429]);
    const res = await post(gw, { recipe: 'herd' });
    assert.ok(res.headers['retry-after']);
    await gw.app.close();
  });
});
