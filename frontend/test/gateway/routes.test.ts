import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterView } from '@zkviz/shared';
import { PeerUnreachableError } from '@zkviz/shared/net';
import { mapLeaderReply } from '../../src/gateway/routes/kill.js';
import { nodeId } from './fixtures.js';
import { buildHarness, fakePageDir, type Harness } from './gateway-harness.js';

describe('GET routes', () => {
  let h: Harness;
  before(async () => {
    h = await buildHarness();
  });
  after(() => h.app.close());

  it('health is ok whatever the cluster does', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: 'ok',
      controlProtected: false,
      // a gateway without slot supervisors or host control: kills only
      capabilities: { kill: true, freeze: false, partition: false, restart: false, addNode: false, zookeeperControl: false },
    });
  });

  it('zookeeper answers a view; without a ZooKeeper view source it says it is off', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/zookeeper' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json<{ servers: unknown[]; source: string[]; problems: { fix: string | null }[] }>();
    assert.deepEqual(body.servers, []);
    assert.deepEqual(body.source, []);
    assert.match(body.problems[0]!.fix ?? '', /ZOOKEEPER_VIEW/);
  });

  it('cluster is connecting before discovery answers, then shows the leader', async () => {
    const before = (await h.app.inject({ method: 'GET', url: '/api/cluster' })).json<ClusterView>();
    assert.equal(before.status, 'connecting');
    h.leadWith(3, [1, 2, 3]);
    const res = await h.app.inject({ method: 'GET', url: '/api/cluster' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const view = res.json<ClusterView>();
    assert.equal(view.status, 'ok');
    assert.equal(view.leader, nodeId(3));
    assert.deepEqual(
      view.nodes.map((n) => [n.sequence, n.role, n.watching]),
      [
        [1, 'worker', null],
        [2, 'worker', nodeId(1)],
        [3, 'leader', nodeId(2)],
      ],
    );
  });

  it('events lists the recent timeline', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/events' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.json<{ events: Array<{ kind: string }> }>().events.map((e) => e.kind),
      ['gateway-connected'],
    );
  });

  it('failovers lists the recorded failovers (none yet) and refuses a query it does not know', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/failovers' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { failovers: [], capacity: 50 });
    const bad = await h.app.inject({ method: 'GET', url: '/api/failovers?limit=5' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: string }>().error, 'bad_request');
  });

  const notFound: Array<[string, string]> = [
    ['GET', '/api/nope'],
    ['GET', '/'], // page not built in this harness
  ];
  for (const [method, url] of notFound) {
    it(`${method} ${url} is a JSON 404`, async () => {
      const res = await h.app.inject({ method: method as 'GET', url, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.equal(res.json<{ error: string }>().error, 'not_found');
    });
  }

  it('POST /api/cluster is a JSON 405 with Allow (known path, wrong method)', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/cluster' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET, HEAD');
    assert.equal(res.json<{ error: string }>().error, 'method_not_allowed');
  });

  it('plain GET /ws asks for an upgrade', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/ws' });
    assert.equal(res.statusCode, 426);
  });
});

describe('POST /api/nodes/:id/kill', () => {
  const known = nodeId(2);
  type Case = {
    name: string;
    leaderless?: boolean;
    id?: string;
    payload?: unknown;
    contentType?: string;
    answer?: () => { statusCode: number; body: unknown } | Error;
    status: number;
    error?: string;
    forwarded?: { target: string; mode: string } | null;
  };
  const cases: Case[] = [
    { name: 'kills with crash by default (no body)', status: 202, forwarded: { target: known, mode: 'crash' } },
    { name: 'kills gracefully when asked', payload: { mode: 'graceful' }, status: 202, forwarded: { target: known, mode: 'graceful' } },
    { name: 'accepts an empty JSON object', payload: {}, status: 202, forwarded: { target: known, mode: 'crash' } },
    { name: 'rejects a malformed id', id: 'node-2', status: 400, error: 'bad_request', forwarded: null },
    { name: 'rejects an id with uppercase hex', id: known.toUpperCase(), status: 400, error: 'bad_request', forwarded: null },
    { name: 'rejects an unknown mode', payload: { mode: 'nuke' }, status: 400, error: 'bad_request', forwarded: null },
    { name: 'rejects extra body fields', payload: { mode: 'crash', force: true }, status: 400, error: 'bad_request', forwarded: null },
    { name: 'rejects a non-object body', payload: [1], status: 400, error: 'bad_request', forwarded: null },
    { name: 'rejects broken JSON', payload: '{"mode":', contentType: 'application/json', status: 400, forwarded: null },
    { name: 'rejects an unknown node', id: nodeId(9), status: 404, error: 'unknown_node', forwarded: null },
    { name: 'refuses while leaderless', leaderless: true, status: 503, error: 'no_leader', forwarded: null },
    { name: 'maps the leader’s 404', answer: () => ({ statusCode: 404, body: { error: 'unknown_node', message: 'gone' } }), status: 404, error: 'unknown_node' },
    { name: 'maps the leader’s 503', answer: () => ({ statusCode: 503, body: { error: 'not_leader', message: 'x' } }), status: 503, error: 'no_leader' },
    { name: 'maps the leader’s 409', answer: () => ({ statusCode: 409, body: { error: 'stale_leader' } }), status: 409, error: 'stale_leader' },
    { name: 'maps the leader’s 502', answer: () => ({ statusCode: 502, body: null }), status: 502, error: 'target_unreachable' },
    { name: 'reports an unreachable leader', answer: () => new PeerUnreachableError('ECONNREFUSED', false), status: 502, error: 'leader_unreachable' },
    { name: 'reports a leader timeout', answer: () => new PeerUnreachableError('timeout', true), status: 504, error: 'leader_timeout' },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const h = await buildHarness({ answer: c.answer ? () => c.answer!() : undefined });
      try {
        h.leadWith(3, [1, 2, 3]);
        if (c.leaderless) h.discovery.announce(null);
        const payload = c.payload === undefined ? undefined : typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload);
        const res = await h.app.inject({
          method: 'POST',
          url: `/api/nodes/${encodeURIComponent(c.id ?? known)}/kill`,
          payload,
          headers: payload === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' },
        });
        assert.equal(res.statusCode, c.status, res.body);
        const body = res.json<Record<string, string>>();
        if (c.status === 202) {
          assert.deepEqual(Object.keys(body).sort(), ['id', 'mode', 'routedVia']);
          assert.equal(h.feed.recentEvents.at(-1)?.kind, 'kill-requested');
        } else {
          assert.equal(typeof body.message, 'string');
          if (c.error) assert.equal(body.error, c.error);
        }
        if (c.forwarded === null) assert.equal(h.leaderClient.calls.length, 0);
        if (c.forwarded) assert.deepEqual(h.leaderClient.calls, [{ address: '127.0.0.1:7003', request: c.forwarded }]);
      } finally {
        await h.app.close();
      }
    });
  }

  it('is rate limited per client', async () => {
    const h = await buildHarness({ rateLimit: 2 });
    try {
      h.leadWith(3, [1, 2, 3]);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.app.inject({ method: 'POST', url: `/api/nodes/${known}/kill` })).statusCode);
      assert.deepEqual(statuses, [202, 202, 429]);
    } finally {
      await h.app.close();
    }
  });

  it('uses the leader’s KillAccepted when it is well-formed, a synthesised one otherwise', () => {
    const accepted = { id: known, mode: 'crash' as const, routedVia: nodeId(3) };
    assert.deepEqual(mapLeaderReply({ statusCode: 202, body: accepted }, known, 'crash', 'L'), { status: 202, body: accepted });
    assert.deepEqual(mapLeaderReply({ statusCode: 202, body: null }, known, 'graceful', 'L'), {
      status: 202,
      body: { id: known, mode: 'graceful', routedVia: 'L' },
    });
    assert.equal(mapLeaderReply({ statusCode: 401, body: null }, known, 'crash', 'L').status, 502);
  });
});

describe('static page', () => {
  let h: Harness;
  before(async () => {
    h = await buildHarness({ staticDir: fakePageDir() });
  });
  after(() => h.app.close());

  it('serves index.html at / without caching', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<div id="root">/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  });

  it('caches hashed assets for good', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /immutable/);
  });

  it('falls back to the page for client-side routes, not for the API or assets', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/some/view', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /zkviz/);
    const api = await h.app.inject({ method: 'GET', url: '/api/missing', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    const asset = await h.app.inject({ method: 'GET', url: '/assets/missing.js', headers: { accept: 'text/html' } });
    assert.equal(asset.statusCode, 404);
    assert.equal(asset.json<{ error: string }>().error, 'not_found');
  });
});
