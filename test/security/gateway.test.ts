/**
 * Hostile input against the gateway, over fakes (no ZooKeeper, no nodes): every route and every
 * kind of bad request, presenter mode, the kill rate limit, and /ws with bad messages and origins.
 * The same checks against real processes are in node-routes, fuzz and zk-* tests.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { CONTROL_TOKEN_HEADER, type LeaderKillRequest, type ServerMessage } from '@zkviz/shared';
import { buildGateway, type Gateway } from '../../frontend/src/gateway/app.js';
import { ClusterFeed } from '../../frontend/src/gateway/feed/cluster-feed.js';
import type { FeedLog } from '../../frontend/src/gateway/feed/types.js';
import { installWsHub } from '../../frontend/src/gateway/ws/hub.js';
import { FakeDiscovery, FakeLeaderClient, FakeStreams, nodeId, registered, snapshotMsg } from '../../frontend/test/gateway/fixtures.js';
import { fakePageDir } from '../../frontend/test/gateway/gateway-harness.js';
import { MessageQueue } from '../../frontend/test/gateway/message-queue.js';

interface TestGateway extends Gateway {
  leaderClient: FakeLeaderClient;
}

async function gateway(options: { controlToken?: string | null; rateLimit?: number; staticDir?: string } = {}): Promise<TestGateway> {
  const discovery = new FakeDiscovery();
  const streams = new FakeStreams();
  const leaderClient = new FakeLeaderClient((r: LeaderKillRequest) => ({ statusCode: 202, body: { id: r.target, mode: r.mode, routedVia: nodeId(1) } }));
  const gw = await buildGateway({
    config: {
      staticDir: options.staticDir ?? '/nonexistent',
      allowedOrigins: ['http://localhost:5173'],
      killRateLimitPerMinute: options.rateLimit ?? 10_000,
      logLevel: 'silent',
      controlToken: options.controlToken ?? null,
    },
    createDiscovery: () => discovery,
    createStreamConnector: () => streams.connector,
    leaderClient,
    logger: false,
  });
  await gw.app.ready();
  discovery.announce(registered(1));
  streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2, 3]));
  return { ...gw, leaderClient };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';

function assertErrorBody(body: string, expectedError?: string): void {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).sort(), ['error', 'message'], `error body ${body}`);
  assert.equal(typeof parsed.error, 'string');
  assert.equal(typeof parsed.message, 'string');
  if (expectedError) assert.equal(parsed.error, expectedError);
}

const KNOWN = nodeId(2);
const killUrl = (id: string) => `/api/nodes/${id}/kill`;

describe('gateway routes: methods', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await gateway();
  });
  after(() => gw.app.close());

  const routes: Array<{ url: string; allow: string; wrong: Method[] }> = [
    { url: '/api/health', allow: 'GET, HEAD', wrong: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] },
    { url: '/api/cluster', allow: 'GET, HEAD', wrong: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] },
    { url: '/api/events', allow: 'GET, HEAD', wrong: ['POST', 'PUT', 'DELETE'] },
    { url: killUrl(KNOWN), allow: 'POST', wrong: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] },
    { url: '/ws', allow: 'GET, HEAD', wrong: ['POST', 'PUT', 'DELETE'] },
  ];
  for (const route of routes) {
    for (const method of route.wrong) {
      it(`${method} ${route.url} → 405, Allow: ${route.allow}`, async () => {
        const res = await gw.app.inject({ method, url: route.url, headers: { origin: 'https://evil.example' } });
        assert.equal(res.statusCode, 405);
        assert.equal(res.headers.allow, route.allow);
        assert.equal(res.headers['access-control-allow-origin'], undefined);
        if (method !== 'HEAD') assertErrorBody(res.body, 'method_not_allowed');
      });
    }
  }

  for (const url of ['/api/nope', '/api/nodes', `/api/nodes/${KNOWN}`, `/api/nodes/${KNOWN}/kill/extra`, '/internal/kill']) {
    it(`POST ${url} → 404 JSON`, async () => {
      const res = await gw.app.inject({ method: 'POST', url });
      assert.equal(res.statusCode, 404);
      assertErrorBody(res.body, 'not_found');
    });
  }

  it('answers no CORS preflight and never sends Access-Control-Allow-Origin', async () => {
    for (const [method, url] of [
      ['OPTIONS', killUrl(KNOWN)],
      ['GET', '/api/cluster'],
      ['GET', '/api/health'],
    ] as const) {
      const res = await gw.app.inject({
        method,
        url,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}`);
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
    }
  });
});

describe('gateway routes: kill input', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await gateway();
  });
  after(() => gw.app.close());

  const ids: Array<{ name: string; id: string; status: number; error: string }> = [
    { name: 'unknown but well-formed id', id: nodeId(99), status: 404, error: 'unknown_node' },
    { name: 'path traversal (encoded slashes)', id: '..%2F..%2Fetc%2Fpasswd', status: 400, error: 'bad_request' },
    // Clients normalise dot segments (as browsers and fetch do): these become POST /api/kill.
    { name: 'dot-dot (normalised away by the client)', id: '..', status: 404, error: 'not_found' },
    { name: 'encoded dot-dot (normalised away by the client)', id: '%2e%2e', status: 404, error: 'not_found' },
    { name: 'absurd length (5000)', id: 'a'.repeat(5000), status: 400, error: 'bad_request' },
    { name: 'just over the pattern', id: `${nodeId(2)}0`, status: 400, error: 'bad_request' },
    { name: 'upper-case hex', id: nodeId(2).toUpperCase(), status: 400, error: 'bad_request' },
    { name: 'markup', id: encodeURIComponent('<script>alert(1)</script>'), status: 400, error: 'bad_request' },
    { name: 'unicode', id: encodeURIComponent('ünïcødé-n_0000000001'), status: 400, error: 'bad_request' },
    { name: 'NUL byte', id: '%00', status: 400, error: 'bad_request' },
    { name: 'bad percent-encoding', id: '%E0%A4%A', status: 400, error: 'bad_request' },
    { name: 'SQL-ish', id: encodeURIComponent("1' OR '1'='1"), status: 400, error: 'bad_request' },
  ];
  for (const c of ids) {
    it(`id: ${c.name} → ${c.status}`, async () => {
      const calls = gw.leaderClient.calls.length;
      const res = await gw.app.inject({ method: 'POST', url: killUrl(c.id), payload: { mode: 'crash' } });
      assert.equal(res.statusCode, c.status, res.body);
      assertErrorBody(res.body, c.error);
      assert.equal(gw.leaderClient.calls.length, calls, 'nothing was forwarded to the leader');
    });
  }

  const bodies: Array<{ name: string; headers: Record<string, string>; payload: string; status: number; error: string }> = [
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, payload: 'mode=crash', status: 415, error: 'unsupported_media_type' },
    { name: 'form-encoded', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'mode=crash', status: 415, error: 'unsupported_media_type' },
    { name: 'multipart', headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--', status: 415, error: 'unsupported_media_type' },
    { name: 'xml', headers: { 'content-type': 'application/xml' }, payload: '<mode>crash</mode>', status: 415, error: 'unsupported_media_type' },
    {
      name: 'oversized JSON (8 KiB)',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ mode: 'x'.repeat(8192) }),
      status: 413,
      error: 'payload_too_large',
    },
    { name: 'invalid JSON', headers: { 'content-type': 'application/json' }, payload: '{"mode":', status: 400, error: 'bad_request' },
    { name: 'JSON array', headers: { 'content-type': 'application/json' }, payload: '["crash"]', status: 400, error: 'bad_request' },
    { name: 'JSON string', headers: { 'content-type': 'application/json' }, payload: '"crash"', status: 400, error: 'bad_request' },
    { name: 'unknown mode', headers: { 'content-type': 'application/json' }, payload: '{"mode":"explode"}', status: 400, error: 'bad_request' },
    { name: 'extra property', headers: { 'content-type': 'application/json' }, payload: '{"mode":"crash","target":"x"}', status: 400, error: 'bad_request' },
    { name: 'prototype pollution', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"admin":true}}', status: 400, error: 'bad_request' },
    { name: 'mode of the wrong type', headers: { 'content-type': 'application/json' }, payload: '{"mode":1}', status: 400, error: 'bad_request' },
  ];
  for (const c of bodies) {
    it(`body: ${c.name} → ${c.status}`, async () => {
      const calls = gw.leaderClient.calls.length;
      const res = await gw.app.inject({ method: 'POST', url: killUrl(KNOWN), headers: c.headers, payload: c.payload });
      assert.equal(res.statusCode, c.status, res.body);
      assertErrorBody(res.body, c.error);
      assert.equal(gw.leaderClient.calls.length, calls, 'nothing was forwarded to the leader');
    });
  }

  it('a well-formed kill for a known node is forwarded once, for that node only', async () => {
    const calls = gw.leaderClient.calls.length;
    const res = await gw.app.inject({ method: 'POST', url: killUrl(KNOWN), payload: { mode: 'graceful' } });
    assert.equal(res.statusCode, 202);
    assert.deepEqual(
      gw.leaderClient.calls.slice(calls).map((c) => c.request),
      [{ target: KNOWN, mode: 'graceful' }],
    );
  });
});

describe('gateway: presenter mode (CONTROL_TOKEN)', () => {
  const TOKEN = 'presenter-secret-0123456789';
  let open: TestGateway;
  let guarded: TestGateway;
  before(async () => {
    open = await gateway({ controlToken: null });
    guarded = await gateway({ controlToken: TOKEN });
  });
  after(async () => {
    await open.app.close();
    await guarded.app.close();
  });

  it('health says whether kills are protected', async () => {
    const capabilities = { kill: true, freeze: false, partition: false, restart: false, addNode: false, zookeeperControl: false };
    assert.deepEqual((await open.app.inject('/api/health')).json(), { status: 'ok', controlProtected: false, capabilities });
    assert.deepEqual((await guarded.app.inject('/api/health')).json(), { status: 'ok', controlProtected: true, capabilities });
  });

  it('without CONTROL_TOKEN kills are open', async () => {
    const res = await open.app.inject({ method: 'POST', url: killUrl(KNOWN), payload: { mode: 'crash' } });
    assert.equal(res.statusCode, 202);
  });

  const cases: Array<{ name: string; header: string | undefined; status: number }> = [
    { name: 'no token', header: undefined, status: 401 },
    { name: 'empty token', header: '', status: 401 },
    { name: 'wrong token, same length', header: TOKEN.replace(/.$/, 'X'), status: 401 },
    { name: 'prefix of the token', header: TOKEN.slice(0, 10), status: 401 },
    { name: 'token plus a suffix', header: `${TOKEN}x`, status: 401 },
    { name: 'the cluster token header name is not the control token', header: undefined, status: 401 },
    { name: 'right token', header: TOKEN, status: 202 },
  ];
  for (const c of cases) {
    it(`with CONTROL_TOKEN: ${c.name} → ${c.status}`, async () => {
      const calls = guarded.leaderClient.calls.length;
      const headers: Record<string, string> = {};
      if (c.header !== undefined) headers[CONTROL_TOKEN_HEADER] = c.header;
      if (c.name.startsWith('the cluster token')) headers['x-zkviz-cluster-token'] = TOKEN;
      const res = await guarded.app.inject({ method: 'POST', url: killUrl(KNOWN), headers, payload: { mode: 'crash' } });
      assert.equal(res.statusCode, c.status, res.body);
      if (c.status === 401) {
        assertErrorBody(res.body, 'control_token_required');
        assert.equal(guarded.leaderClient.calls.length, calls, 'nothing forwarded');
      }
    });
  }

  it('without the token, bad input is refused before it is even looked at (401, not 400)', async () => {
    const res = await guarded.app.inject({ method: 'POST', url: killUrl('..%2F..'), payload: { mode: 'explode' } });
    assert.equal(res.statusCode, 401);
  });

  it('watching needs no token', async () => {
    for (const url of ['/api/cluster', '/api/events', '/api/health']) {
      assert.equal((await guarded.app.inject(url)).statusCode, 200, url);
    }
  });
});

describe('gateway: kill rate limit', () => {
  it('answers 429 with Retry-After beyond the limit, forwards nothing more, and health stays up', async () => {
    const gw = await gateway({ rateLimit: 5 });
    try {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 12; i++) {
        const res = await gw.app.inject({ method: 'POST', url: killUrl(KNOWN), payload: { mode: 'crash' }, remoteAddress: '10.0.0.1' });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) {
          retryAfter = res.headers['retry-after'];
          assertErrorBody(res.body, 'rate_limited');
        }
      }
      assert.deepEqual(statuses, [...Array<number>(5).fill(202), ...Array<number>(7).fill(429)]);
      assert.ok(retryAfter && Number(retryAfter) > 0, `Retry-After: ${String(retryAfter)}`);
      assert.equal(gw.leaderClient.calls.length, 5, 'only the allowed kills reached the leader');
      // Per client: another address is not limited by the first one's flood.
      const other = await gw.app.inject({ method: 'POST', url: killUrl(KNOWN), payload: { mode: 'crash' }, remoteAddress: '10.0.0.2' });
      assert.equal(other.statusCode, 202);
      assert.equal((await gw.app.inject('/api/health')).statusCode, 200);
    } finally {
      await gw.app.close();
    }
  });
});

describe('gateway: /ws', () => {
  let gw: TestGateway;
  let base: string;
  let host: string;
  before(async () => {
    gw = await gateway({ staticDir: fakePageDir() });
    const address = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('http', 'ws');
    host = new URL(address).host;
  });
  after(() => gw.app.close());

  async function connect(headers: Record<string, string> = {}) {
    const socket = new WebSocket(`${base}/ws`, { headers });
    const queue = new MessageQueue<ServerMessage>();
    socket.on('message', (data) => queue.push(JSON.parse(data.toString()) as ServerMessage));
    await once(socket, 'open');
    await queue.next((m) => m.type === 'snapshot');
    return { socket, queue };
  }

  const badMessages: Array<{ name: string; data: string | Buffer; binary?: boolean }> = [
    { name: 'not JSON', data: 'kill everyone' },
    { name: 'empty string', data: '' },
    { name: 'JSON null', data: 'null' },
    { name: 'JSON number', data: '42' },
    { name: 'JSON array', data: '[{"type":"ping"}]' },
    { name: 'no type', data: '{"id":"x"}' },
    { name: 'unknown type', data: '{"type":"kill","id":"aaaa"}' },
    { name: 'type of the wrong type', data: '{"type":["ping"]}' },
    { name: 'prototype pollution', data: '{"__proto__":{"type":"ping"}}' },
    { name: 'deeply nested', data: `${'['.repeat(1000)}${']'.repeat(1000)}` },
    { name: 'invalid UTF-8 as text', data: Buffer.from([0xff, 0xfe, 0xfd]) },
    { name: 'binary frame', data: Buffer.from([1, 2, 3, 4]), binary: true },
  ];
  for (const c of badMessages) {
    it(`message: ${c.name} → error reply, connection and server survive`, async () => {
      const { socket, queue } = await connect({ origin: `http://${host}` });
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send(c.data, { binary: c.binary ?? false });
      const reply = await Promise.race([queue.next((m) => m.type === 'error'), closed]);
      if (typeof reply === 'number') {
        // Only a protocol violation (invalid UTF-8 in a text frame) may close, with a clear code.
        assert.equal(c.name, 'invalid UTF-8 as text', `closed with ${reply}`);
        assert.equal(reply, 1007);
      } else {
        assert.equal(reply.type, 'error');
        assert.equal(reply.type === 'error' && reply.error, 'bad_message');
        socket.send('{"type":"ping"}');
        assert.equal((await queue.next((m) => m.type === 'pong')).type, 'pong', 'connection still usable');
        socket.close();
      }
      assert.equal((await gw.app.inject('/api/health')).statusCode, 200);
    });
  }

  it('an oversized message closes that connection with 1009; others and the server carry on', async () => {
    const bystander = await connect();
    const { socket } = await connect();
    const closed = once(socket, 'close');
    socket.send('x'.repeat(64 * 1024));
    const [code] = (await closed) as [number];
    assert.equal(code, 1009);
    bystander.socket.send('{"type":"ping"}');
    assert.equal((await bystander.queue.next((m) => m.type === 'pong')).type, 'pong');
    bystander.socket.close();
  });

  const origins: Array<{ origin: string | undefined; allowed: boolean }> = [
    { origin: 'https://evil.example', allowed: false },
    { origin: 'null', allowed: false },
    { origin: 'file://', allowed: false },
    { origin: 'chrome-extension://abcdef', allowed: false },
    { origin: 'http://127.0.0.1.evil.example', allowed: false },
    { origin: 'http://localhost:5174', allowed: false },
    { origin: 'not a url', allowed: false },
    { origin: 'http://localhost:5173', allowed: true }, // ALLOWED_ORIGINS
    { origin: undefined, allowed: true }, // not a browser
  ];
  for (const c of origins) {
    it(`upgrade with Origin ${String(c.origin)} → ${c.allowed ? 'open' : '403'}`, async () => {
      const socket = new WebSocket(`${base}/ws`, c.origin === undefined ? {} : { origin: c.origin });
      if (c.allowed) {
        await once(socket, 'open');
        socket.close();
        return;
      }
      const [, res] = (await once(socket, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      res.resume();
      socket.on('error', () => {}); // "closed before the connection was established": expected
      socket.terminate();
    });
  }

  it("the gateway's own origin is allowed", async () => {
    const { socket } = await connect({ origin: `http://${host}` });
    socket.close();
  });
});

describe('ws hub: dead clients', () => {
  it('a client that stops answering pings is cut off', async () => {
    const app = Fastify({ logger: false });
    const silent: FeedLog = { info() {}, warn() {}, error() {}, debug() {} };
    const feed = new ClusterFeed(new FakeDiscovery(), new FakeStreams().connector, silent);
    installWsHub(app, { feed, allowedOrigins: [], heartbeatMs: 20 });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      // autoPong off: this client is "a laptop with its lid closed".
      const socket = new WebSocket(`${address.replace('http', 'ws')}/ws`, { autoPong: false });
      await once(socket, 'open');
      const [code] = (await once(socket, 'close')) as [number];
      assert.equal(code, 1006, 'terminated (no close frame), as for a dead peer');
    } finally {
      await app.close();
    }
  });
});
