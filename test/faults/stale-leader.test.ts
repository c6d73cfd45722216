/**
 * F11b — a deposed leader that keeps talking: the gateway's own fencing, alone.
 *
 * In F11 the node-side safeguards (stop acting on suspension, the freeze detector) stop a deposed
 * leader before it says anything, so F11 cannot tell whether the gateway would have refused it.
 * Here the deposed leader ignores every safeguard: it is a rogue speaking the real stream protocol
 * (HTTP ndjson, as `cluster/src/leadership/stream-hub.ts`) that goes on sending snapshots — ever newer
 * ones — after the registry has moved to its successor, and then registers itself again under
 * its old (lower) fencing token. Real ZooKeeper, real gateway process, real WebSocket.
 *
 * What must hold: the gateway drops the rogue's stream once the registry moves, never pushes the
 * rogue's state after it has shown the successor, and ignores the rogue's re-registration.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { COORDINATORS_REGISTRY_PATH, GATEWAY_ROUTES, NODE_ROUTES, type ClusterView, type LeaderStreamMessage, type RegistryEntry } from '@zkviz/shared';
import { ZOK, ZOO_EPHEMERAL } from '@zkviz/shared/zk';
import { heartbeatMsg, nodeId, snapshotMsg } from '../../frontend/test/gateway/fixtures.js';
import { startGateway, useZooKeeper, waitForEvent, waitUntil } from '../helpers/index.js';
import { GATEWAY_MAIN, GUARD_MS, gatewayBuilt } from './harness.js';

/** A leader's stream endpoint that does whatever the test says, however stale it is. */
class FakeLeader extends EventEmitter<{ opened: [] }> {
  readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly open = new Set<http.ServerResponse>();
  opened = 0;
  closed = 0;

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connected(): number {
    return this.open.size;
  }

  send(message: LeaderStreamMessage): void {
    for (const res of this.open) {
      res.write(`${JSON.stringify(message)}\n`);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'GET' || req.url !== NODE_ROUTES.clusterStream) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    this.open.add(res);
    this.opened++;
    res.on('close', () => {
      this.open.delete(res);
      this.closed++;
    });
    this.emit('opened');
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function entry(seq: number, address: string): string {
  const now = Date.now();
  const value: RegistryEntry = {
    id: nodeId(seq),
    sequence: seq,
    role: 'leader',
    watching: null,
    address,
    startedAt: now,
    pid: 1,
    sessionId: '0',
    updatedAt: now,
    registeredAt: now,
  };
  return JSON.stringify(value);
}

const zk = useZooKeeper();

test('F11b a deposed leader that keeps streaming: the gateway drops it and never shows it again', { skip: !gatewayBuilt() && 'gateway not built' }, async () => {
  const zkc = await zk.client();
  const rogue = new FakeLeader();
  const successor = new FakeLeader();
  const rogueAddress = await rogue.listen();
  const successorAddress = await successor.listen();
  const gateway = await startGateway({
    zkConnect: zk.connectString,
    clusterToken: randomBytes(32).toString('hex'),
    entry: GATEWAY_MAIN,
    readyTimeoutMs: GUARD_MS,
  });
  const views: ClusterView[] = [];
  const viewsEmitter = new EventEmitter();
  const ws = new WebSocket(`ws://127.0.0.1:${gateway.port}${GATEWAY_ROUTES.ws}`);
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; view?: ClusterView };
    if (msg.type !== 'snapshot' || !msg.view) return;
    views.push(msg.view);
    viewsEmitter.emit('view');
  });
  const viewWhere = (description: string, pred: (v: ClusterView) => boolean) =>
    waitUntil(() => views.find(pred), { on: [[viewsEmitter, 'view']], timeoutMs: GUARD_MS, description });
  const rogueId = nodeId(1);
  const successorId = nodeId(2);

  try {
    // 1. The rogue is the registered leader and streams its table.
    assert.equal((await zkc.ensurePath(COORDINATORS_REGISTRY_PATH)).rc, ZOK);
    const roguePath = `${COORDINATORS_REGISTRY_PATH}/${rogueId}`;
    assert.equal((await zkc.create(roguePath, entry(1, rogueAddress), ZOO_EPHEMERAL)).rc, ZOK);
    if (rogue.connected === 0) await waitForEvent(rogue, 'opened', { timeoutMs: GUARD_MS, description: 'the gateway to open the rogue stream' });
    rogue.send(snapshotMsg(1, [1, 2, 3]));
    await viewWhere('the rogue shown as leader', (v) => v.leader === rogueId && v.nodes.length === 3);

    // 2. The registry moves to the successor (as after the rogue's session expired).
    const rogueOpensBeforeMove = rogue.opened;
    assert.equal((await zkc.delete(roguePath)).rc, ZOK);
    assert.equal((await zkc.create(`${COORDINATORS_REGISTRY_PATH}/${successorId}`, entry(2, successorAddress), ZOO_EPHEMERAL)).rc, ZOK);
    if (successor.connected === 0) await waitForEvent(successor, 'opened', { timeoutMs: GUARD_MS, description: 'the gateway to open the successor stream' });
    successor.send(snapshotMsg(2, [2, 3]));
    const firstSuccessorView = await viewWhere('the successor shown as leader', (v) => v.leader === successorId);

    // 3. The rogue keeps going — newer versions, heartbeats — on any stream it still has.
    for (let version = 2; version < 50; version++) {
      rogue.send(snapshotMsg(1, [1, 2, 3, 4], version));
      rogue.send(heartbeatMsg(1, Date.now()));
    }
    // ...and registers itself again under its old token.
    assert.equal((await zkc.create(roguePath, entry(1, rogueAddress), ZOO_EPHEMERAL)).rc, ZOK);
    rogue.send(snapshotMsg(1, [1, 2, 3, 4], 100));

    // 4. A marker from the successor: every view pushed before it has been received by now.
    successor.send(snapshotMsg(2, [2, 3, 5], 2));
    await viewWhere('the successor marker view', (v) => v.leader === successorId && v.nodes.some((n) => n.id === nodeId(5)));

    const after = views.filter((v) => v.seq > firstSuccessorView.seq);
    const rogueViews = after.filter((v) => v.leader === rogueId || v.nodes.some((n) => n.id === nodeId(4)));
    assert.deepEqual(
      rogueViews.map((v) => v.seq),
      [],
      'views showing the deposed leader after the successor',
    );
    assert.equal(rogue.connected, 0, 'the gateway still holds a stream to the deposed leader');
    assert.ok(rogue.closed >= 1, 'the gateway closed the deposed leader stream');
    assert.equal(rogue.opened, rogueOpensBeforeMove, 'the gateway connected to the deposed leader again (its re-registration has a lower token)');
    assert.ok(
      after.every((v) => v.leader === successorId),
      `leaders shown after the successor: ${[...new Set(after.map((v) => v.leader))].join(', ')}`,
    );
  } finally {
    ws.close();
    await gateway.stop();
    await rogue.stop();
    await successor.stop();
    await zkc.close();
  }
});
