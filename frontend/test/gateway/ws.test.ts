import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '@zkviz/shared';
import { nodeId, snapshotMsg } from './fixtures.js';
import { buildHarness, type Harness } from './gateway-harness.js';
import { MessageQueue } from './message-queue.js';

describe('/ws', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await buildHarness({ allowedOrigins: ['http://localhost:5173'] });
    h.leadWith(3, [1, 2, 3]);
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('http', 'ws');
  });
  after(() => h.app.close());

  async function connect(headers: Record<string, string> = {}) {
    const socket = new WebSocket(`${base}/ws`, { headers });
    const queue = new MessageQueue<ServerMessage>();
    socket.on('message', (data) => queue.push(JSON.parse(data.toString()) as ServerMessage));
    await once(socket, 'open');
    return { socket, queue };
  }

  it('greets with the current view, then the recent events', async () => {
    const { socket, queue } = await connect();
    const first = await queue.next();
    assert.equal(first.type, 'snapshot');
    assert.equal(first.type === 'snapshot' && first.view.leader, nodeId(3));
    const second = await queue.next();
    assert.equal(second.type === 'event' && second.event.kind, 'gateway-connected');
    socket.close();
  });

  it('pushes the same serialised snapshot and events to every client', async () => {
    const a = await connect();
    const b = await connect();
    await Promise.all([a.queue.next((m) => m.type === 'event'), b.queue.next((m) => m.type === 'event')]);
    const received: string[] = [];
    a.socket.on('message', (d) => received.push(d.toString()));
    b.socket.on('message', (d) => received.push(d.toString()));
    h.streams.latest.handlers.onMessage(snapshotMsg(3, [1, 2, 3, 4], 2));
    const [sa, sb] = await Promise.all([a.queue.next((m) => m.type === 'snapshot'), b.queue.next((m) => m.type === 'snapshot')]);
    assert.deepEqual(sa, sb);
    assert.equal(sa.type === 'snapshot' && sa.view.nodes.length, 4);
    const joined = await a.queue.next((m) => m.type === 'event');
    assert.equal(joined.type === 'event' && joined.event.kind, 'node-joined');
    a.socket.close();
    b.socket.close();
  });

  it('answers ping with pong and a bad message with an error, keeping the connection', async () => {
    const { socket, queue } = await connect();
    socket.send('{"type":"ping"}');
    assert.equal((await queue.next((m) => m.type === 'pong' || m.type === 'error')).type, 'pong');
    socket.send('not json');
    const error = await queue.next((m) => m.type === 'error');
    assert.equal(error.type === 'error' && error.error, 'bad_message');
    socket.send('{"type":"ping"}');
    assert.equal((await queue.next((m) => m.type === 'pong')).type, 'pong');
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.close();
  });

  it('closes the connection on an oversized message', async () => {
    const { socket } = await connect();
    socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(8 * 1024) }));
    const [code] = (await once(socket, 'close')) as [number];
    assert.equal(code, 1009);
  });

  const origins: Array<[string, number | 'open']> = [
    ['http://evil.example', 403],
    ['http://localhost:5173', 'open'],
  ];
  for (const [origin, expected] of origins) {
    it(`origin ${origin} → ${expected}`, async () => {
      const socket = new WebSocket(`${base}/ws`, { origin });
      socket.on('error', () => {}); // terminate() before the handshake completes reports one
      const outcome = await new Promise<number | 'open'>((resolve) => {
        socket.on('open', () => resolve('open'));
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      });
      assert.equal(outcome, expected);
      socket.terminate();
    });
  }

  it('same-origin pages are allowed', async () => {
    const { socket, queue } = await connect({ origin: base.replace('ws', 'http') });
    assert.equal((await queue.next()).type, 'snapshot');
    socket.close();
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(base.replace(/\/?$/, '/api/cluster'));
    socket.on('error', () => {});
    const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 404);
    socket.terminate();
  });
});
