/**
 * One misbehaving client cannot stall the gateway or a node for everyone (issue 16). Real
 * ZooKeeper, three real nodes, a real gateway; the floods come from a child process (so they are
 * real floods, not turns of the test's own event loop). Clients are told apart by their loopback
 * source address (127.0.0.x via `localAddress`), which is what the gateway keys its budgets on.
 *
 * - a WebSocket client flooding pings (reconnecting each time it is cut off) gets one
 *   `rate_limited` error and close 1008 per connection, while a viewer connected the whole time
 *   still gets the snapshot of a graceful failover made during the flood;
 * - a client looping on /api/cluster gets 429 with Retry-After while another client's reads
 *   succeed;
 * - the per-address /ws cap refuses the next upgrade with 429, other addresses still connect;
 * - on a node, a token-holding caller looping on a control route gets 429, and a stream past its
 *   per-caller cap closes that caller's oldest, while the gateway's stream carries on;
 * - each cut-off is logged once, and none of this kills a node or changes the cluster.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { CLUSTER_TOKEN_HEADER, ELECTION_PATH, NODE_ROUTES, type ClusterView, type ServerMessage } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { MessageQueue } from '../../frontend/test/gateway/message-queue.js';
import { startFlooder } from '../helpers/flooder.js';
import { killThroughGateway, startLocalCluster, withTimeout, zkClient, type LocalCluster, type LogEvent } from '../helpers/index.js';
import { rawRequest } from './raw-http.js';

const READS_PER_MIN = 200;
const WS_CAP = 3;
const CONTROL_PER_MIN = 40;
const STREAMS_PER_ADDRESS = 2;

let cluster: LocalCluster;
let zk: ZkConnection;
let gatewayUrl: string;
let wsUrl: string;

interface Viewer {
  socket: WebSocket;
  views: MessageQueue<ClusterView>;
  closed: boolean;
}

async function openViewer(localAddress = '127.0.0.1'): Promise<Viewer> {
  const socket = new WebSocket(wsUrl, { localAddress });
  const viewer: Viewer = { socket, views: new MessageQueue<ClusterView>(), closed: false };
  socket.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    if (m.type === 'snapshot') viewer.views.push(m.view);
  });
  socket.on('close', () => {
    viewer.closed = true;
  });
  await withTimeout(once(socket, 'open'), 5000, 'the viewer to connect');
  return viewer;
}

const nextView = (v: Viewer, pred: (view: ClusterView) => boolean, what: string) => withTimeout(v.views.next(pred), 20_000, what);
const settled = (view: ClusterView, n: number) =>
  view.status === 'ok' && view.nodes.length === n && view.nodes.every((x) => x.role === 'leader' || x.watching !== null);

async function electionChildren(): Promise<string[]> {
  const { children } = await zk.getChildren(ELECTION_PATH);
  return (children ?? []).sort();
}

interface HeldStream {
  status: number;
  /** Resolves once the node has closed this stream. */
  closed: Promise<void>;
  destroy(): void;
}

/** A state stream held open (and read) until destroy() or until the node closes it. */
function openStream(url: string, headers: Record<string, string>, localAddress: string): Promise<HeldStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, localAddress, agent: false }, (res) => {
      res.resume();
      const closed = new Promise<void>((done) => res.once('close', () => done()));
      resolve({ status: res.statusCode ?? 0, closed, destroy: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

const rateLimited = (limit: string, client: string) => (e: LogEvent) => e.ev === 'rate-limited' && e.limit === limit && e.client === client;

let viewer: Viewer;
let leaderView: ClusterView;

before(async () => {
  cluster = await startLocalCluster({
    nodes: 3,
    sessionTimeoutMs: 2000,
    gatewayEnv: { READ_RATE_LIMIT_PER_MIN: String(READS_PER_MIN), WS_CONNECTIONS_PER_ADDRESS: String(WS_CAP) },
    nodeEnv: { CONTROL_RATE_LIMIT_PER_MIN: String(CONTROL_PER_MIN), STREAMS_PER_ADDRESS: String(STREAMS_PER_ADDRESS) },
  });
  gatewayUrl = cluster.url!;
  wsUrl = `${gatewayUrl.replace(/^http/, 'ws')}/ws`;
  zk = await zkClient(cluster.zkConnect);
  viewer = await openViewer();
  leaderView = await nextView(viewer, (v) => settled(v, 3), 'a settled cluster of 3');
});

after(async () => {
  viewer?.socket.terminate();
  await zk?.close();
  await cluster?.stop();
});

describe('budgets against a real gateway and cluster', () => {
  it('a flooding WebSocket client is cut off with 1008, once per connection; a viewer connected all along sees a graceful failover made during the flood', async () => {
    const flooder = startFlooder();
    try {
      flooder.send({ cmd: 'ws', url: wsUrl, localAddress: '127.0.0.2', reconnect: true });
      const first = (await flooder.next('ws-closed')).close;
      assert.equal(first.code, 1008, `closed with ${first.code}`);
      assert.deepEqual(first.errors, ['rate_limited'], 'exactly one error, and it is rate_limited');
      assert.ok(first.pongs < first.sent, `${first.pongs} pongs for ${first.sent} pings: the flood was not answered message by message`);

      // The flood goes on (it reconnects): now fail the leader over, gracefully.
      const oldLeader = leaderView.leader!;
      const kill = await killThroughGateway(gatewayUrl, oldLeader, 'graceful');
      assert.equal(kill.status, 202, JSON.stringify(kill.body));
      leaderView = await nextView(viewer, (v) => v.status === 'ok' && v.leader !== null && v.leader !== oldLeader && settled(v, 2), 'the new leader, on the viewer');
      await flooder.next('ws-closed'); // still flooding after the failover
    } finally {
      const totals = await flooder.stop();
      const closed = totals.ws.filter((c) => c.code !== 0); // code 0: the one still open at stop()
      assert.ok(totals.ws.length - closed.length <= 1);
      for (const c of closed) {
        assert.equal(c.code, 1008, `every flooding connection was closed with 1008: ${JSON.stringify(c)}`);
        assert.deepEqual(c.errors, ['rate_limited']);
      }
      assert.ok(closed.length >= 2, `${closed.length} flooding connections cut off`);
    }
    assert.equal(viewer.closed, false, 'the viewer stayed connected the whole time');
    const gw = cluster.gateway!;
    await gw.waitFor(rateLimited('ws-messages', '127.0.0.2'), { includeHistory: true, timeoutMs: 5000 });
  });

  it('a client looping on /api/cluster gets 429 with Retry-After while another client reads', async () => {
    const flooder = startFlooder();
    try {
      flooder.send({ cmd: 'http', url: gatewayUrl, path: '/api/cluster', localAddress: '127.0.0.3', concurrency: 8 });
      const limited = await flooder.next('http-limited');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.retryAfter) > 0, `Retry-After: ${String(limited.retryAfter)}`);
      assert.equal((JSON.parse(limited.body) as { error: string }).error, 'rate_limited');
      // While it keeps looping, another client's reads are answered.
      for (let i = 0; i < 5; i++) {
        const res = await rawRequest(`${gatewayUrl}/api/cluster`, { method: 'GET', headers: {}, localAddress: '127.0.0.4' });
        assert.equal(res.status, 200, res.body);
        assert.equal((JSON.parse(res.body) as ClusterView).leader, leaderView.leader);
      }
    } finally {
      const totals = await flooder.stop();
      assert.ok(totals.http.limited > 0);
      assert.ok(totals.http.ok <= READS_PER_MIN, `${totals.http.ok} reads got through, the budget is ${READS_PER_MIN}`);
    }
  });

  it('the per-address /ws cap refuses the next upgrade with 429; another address still connects', async () => {
    const held: Viewer[] = [];
    try {
      for (let i = 0; i < WS_CAP; i++) held.push(await openViewer('127.0.0.5'));
      const refused = new WebSocket(wsUrl, { localAddress: '127.0.0.5' });
      refused.on('error', () => {});
      const [, res] = (await withTimeout(once(refused, 'unexpected-response'), 5000, 'the refusal')) as [unknown, IncomingMessage];
      assert.equal(res.statusCode, 429);
      const body = await new Promise<string>((resolve) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      assert.equal((JSON.parse(body) as { error: string }).error, 'rate_limited');
      refused.terminate();
      held.push(await openViewer('127.0.0.6'));
    } finally {
      for (const v of held) v.socket.terminate();
    }
    // Logged once per cut-off, not once per refusal or message: this line comes after the earlier ones.
    const gw = cluster.gateway!;
    await gw.waitFor(rateLimited('ws-connections', '127.0.0.5'), { includeHistory: true, timeoutMs: 5000 });
    assert.equal(gw.events.filter(rateLimited('ws-messages', '127.0.0.2')).length, 1, 'the WebSocket flood was logged once');
    assert.equal(gw.events.filter(rateLimited('reads', '127.0.0.3')).length, 1, 'the read loop was logged once');
  });

  it("on the leader, a token-holding caller in a loop gets 429, and a stream past its cap closes that caller's oldest; the gateway is not affected", async () => {
    const leader = cluster.nodes.find((n) => n.running && `127.0.0.1:${n.port}` === leaderView.leaderAddress)!;
    assert.ok(leader, 'the leader process');
    const base = `http://127.0.0.1:${leader.port}`;
    const auth = { [CLUSTER_TOKEN_HEADER]: cluster.clusterToken };
    let status = 0;
    let answered = 0;
    while (status !== 429) {
      const res = await rawRequest(`${base}${NODE_ROUTES.clusterSnapshot}`, { method: 'GET', headers: auth, localAddress: '127.0.0.7' });
      status = res.status;
      if (status === 429) {
        assert.ok(Number(res.headers['retry-after']) > 0);
        assert.equal((JSON.parse(res.body) as { error: string }).error, 'rate_limited');
      } else assert.equal(status, 200, res.body);
      assert.ok(++answered <= CONTROL_PER_MIN + 1, 'the budget holds');
    }
    // Streams: at most STREAMS_PER_ADDRESS per caller; a new one replaces that caller's oldest
    // (a gateway whose old stream went half-open must still get a new one).
    const streams: HeldStream[] = [];
    try {
      for (let i = 0; i < STREAMS_PER_ADDRESS + 1; i++) {
        const stream = await openStream(`${base}${NODE_ROUTES.clusterStream}`, auth, '127.0.0.8');
        assert.equal(stream.status, 200);
        streams.push(stream);
      }
      await withTimeout(streams[0]!.closed, 5000, 'the oldest stream to be closed by the node');
      // Oldest first: one more closes the next oldest. The gateway's stream (127.0.0.1) is another
      // caller's and carries on (checked below).
      streams.push(await openStream(`${base}${NODE_ROUTES.clusterStream}`, auth, '127.0.0.8'));
      await withTimeout(streams[1]!.closed, 5000, 'the next oldest stream to be closed');
    } finally {
      for (const s of streams) s.destroy();
    }
    await leader.waitFor(rateLimited('streams', '127.0.0.8'), { includeHistory: true, timeoutMs: 5000 });
    assert.equal(leader.events.filter(rateLimited('control', '127.0.0.7')).length, 1, 'logged once');

    // The gateway's own stream from the same leader still carries changes: a node joins.
    const joined = await cluster.addNode();
    const view = await nextView(viewer, (v) => settled(v, 3), 'the joined node, on the viewer');
    assert.equal(view.leader, leaderView.leader, 'same leader');
    await joined.waitFor('listening', { includeHistory: true });
  });

  it('none of it killed a node or changed the cluster', async () => {
    const running = cluster.nodes.filter((n) => n.running);
    assert.equal(running.length, 3, 'the gracefully killed leader is the only node gone');
    const children = await electionChildren();
    assert.equal(children.length, 3);
    const view = (await rawRequest(`${gatewayUrl}/api/cluster`, { method: 'GET', headers: {}, localAddress: '127.0.0.9' })).body;
    const parsed = JSON.parse(view) as ClusterView;
    assert.equal(parsed.leader, leaderView.leader, 'the leader elected by the failover still leads');
    assert.deepEqual(parsed.nodes.map((n) => n.id).sort(), children);
    assert.equal(cluster.gateway!.running, true);
  });
});
