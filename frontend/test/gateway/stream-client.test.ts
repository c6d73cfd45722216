/**
 * The stream client against a real local HTTP server playing the leader. Every wait is for an
 * observable event (a request arriving, a callback firing), never for time passing.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TOKEN_HEADER, NODE_ROUTES, STANDBY_STREAM_QUERY, type LeaderStreamMessage } from '@zkviz/shared';
import type { FeedLog } from '../../src/gateway/feed/types.js';
import { LeaderStreamClient } from '../../src/gateway/leader-client/stream-client.js';
import { httpLeaderClient } from '../../src/gateway/leader-client/kill-client.js';
import { heartbeatMsg, registered, snapshotMsg } from './fixtures.js';
import { MessageQueue } from './message-queue.js';

const silent: FeedLog = { info() {}, warn() {}, error() {}, debug() {} };

describe('leader stream client', () => {
  const requests = new MessageQueue<{ req: http.IncomingMessage; res: http.ServerResponse }>();
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer((req, res) => requests.push({ req, res }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends the token, parses ndjson across chunks, and reconnects after the stream ends', async () => {
    const messages = new MessageQueue<LeaderStreamMessage | { down: string }>();
    const client = new LeaderStreamClient(
      registered(4, port),
      { onMessage: (m) => messages.push(m), onDown: (reason) => messages.push({ down: reason }) },
      { clusterToken: 'secret', log: silent, minBackoffMs: 1, maxBackoffMs: 2 },
    );
    client.start();
    try {
      const first = await requests.next();
      assert.equal(first.req.url, NODE_ROUTES.clusterStream);
      assert.equal(first.req.headers[CLUSTER_TOKEN_HEADER], 'secret');
      first.res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const line = JSON.stringify(snapshotMsg(4, [4, 5]));
      first.res.write(line.slice(0, 10));
      first.res.write(`${line.slice(10)}\nnot json\n${JSON.stringify(heartbeatMsg(4))}\n`);
      assert.equal((await messages.next()) && 'snapshot', 'snapshot');
      const hb = await messages.next();
      assert.equal('type' in hb && hb.type, 'heartbeat', 'the garbage line was skipped');
      first.res.end();
      const down = await messages.next();
      assert.deepEqual(down, { down: 'stream ended' });
      const second = await requests.next();
      second.res.writeHead(503, { 'content-type': 'application/json' });
      second.res.end('{"error":"not_leader","message":"x"}');
      assert.deepEqual(await messages.next(), { down: 'leader answered 503' });
      await requests.next(); // and it tries again
    } finally {
      client.stop();
    }
  });

  it('a standby stream waits silent without an idle bound until its first line; adopted, silence fails it again', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const got = new MessageQueue<string>();
    const log: FeedLog = { ...silent, warn: () => got.push('ignored line') };
    const client = new LeaderStreamClient(
      registered(4, port),
      { onMessage: (m) => got.push(m.type), onDown: (reason) => got.push(`down: ${reason}`) },
      { clusterToken: null, log, idleTimeoutMs: 50, minBackoffMs: 1000 },
      true,
    );
    client.start();
    try {
      const { req, res } = await requests.next();
      assert.equal(req.url, `${NODE_ROUTES.clusterStream}?${STANDBY_STREAM_QUERY}=1`);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('not json\n'); // no message: the client has the answer, and nothing from a leader yet
      assert.equal(await got.next(), 'ignored line');
      t.mock.timers.tick(60_000);
      res.write(`${JSON.stringify(snapshotMsg(4, [4]))}\n`); // its node acts
      assert.equal(await got.next(), 'snapshot', 'still connected after a minute of silence');
      client.adopt();
      t.mock.timers.tick(50);
      assert.match(await got.next(), /^down: no heartbeat/, 'a leader stream now: silence fails it');
    } finally {
      client.stop();
    }
  });

  it('a refused standby stream reports down once and does not retry', async (t) => {
    // The retry timer is mocked: time is moved far past any backoff at once, and the requests
    // the client sent are counted, not raced against another client's.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const sent = t.mock.method(http, 'get');
    const downs: string[] = [];
    const down = new MessageQueue<string>();
    const standby = new LeaderStreamClient(
      registered(4, port),
      {
        onMessage: () => {},
        onDown: (r) => {
          downs.push(r);
          down.push(r);
        },
      },
      { clusterToken: null, log: silent, minBackoffMs: 1 },
      true,
    );
    standby.start();
    try {
      const { res } = await requests.next();
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"not_leader","message":"x"}');
      assert.equal(await down.next(), 'leader answered 503');
      t.mock.timers.tick(60_000); // a retry, had one been scheduled, is sent within this
      assert.equal(sent.mock.callCount(), 1, 'one request: no retry');
      assert.deepEqual(downs, ['leader answered 503'], 'down reported once');
    } finally {
      standby.stop();
    }
  });

  it('declares a silent stream dead', async () => {
    const downs = new MessageQueue<string>();
    const client = new LeaderStreamClient(
      registered(4, port),
      { onMessage: () => {}, onDown: (reason) => downs.push(reason) },
      { clusterToken: null, log: silent, idleTimeoutMs: 50, minBackoffMs: 1000 },
    );
    client.start();
    try {
      const { res } = await requests.next();
      res.writeHead(200);
      res.write('\n');
      assert.match(await downs.next(), /no heartbeat/);
    } finally {
      client.stop();
    }
  });

  it('forwards kills with the token and reports the leader’s answer', async () => {
    const leader = httpLeaderClient({ clusterToken: 'secret' });
    const answer = leader.kill(`127.0.0.1:${port}`, { target: 'n', mode: 'graceful' });
    const { req, res } = await requests.next();
    assert.equal(req.method, 'POST');
    assert.equal(req.url, NODE_ROUTES.routeKill);
    assert.equal(req.headers[CLUSTER_TOKEN_HEADER], 'secret');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { target: 'n', mode: 'graceful' });
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"id":"n","mode":"graceful","routedVia":"L"}');
    assert.deepEqual(await answer, { statusCode: 202, body: { id: 'n', mode: 'graceful', routedVia: 'L' } });
  });
});
