/**
 * What ZooKeeper itself sees, against a real ZooKeeper, real nodes and the real gateway: the watch
 * list behind the chain, ghost rows after crash kills (and none after graceful ones), and a
 * ZooKeeper that refuses the words, a server that is down and one that answers garbage — each a
 * clear state in the view while the table goes on as before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { ClusterView, NodeView, ServerMessage, ZooKeeperView } from '@zkviz/shared';
import { fetchJson, freePort, killThroughGateway, startGateway, startLocalCluster, waitUntil, type LocalCluster, type ManagedProcess } from '../helpers/index.js';

const TICK_MS = 200;
const SESSION_TIMEOUT_MS = 2000;

/** Every message of one /ws connection, with its arrival time; `changed` fires on each. */
class Watcher extends EventEmitter {
  readonly messages: { at: number; message: ServerMessage }[] = [];
  view: ClusterView | null = null;
  zookeeper: ZooKeeperView | null = null;
  private readonly socket: WebSocket;
  constructor(url: string) {
    super();
    this.socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push({ at: Date.now(), message });
      if (message.type === 'snapshot') this.view = message.view;
      if (message.type === 'zookeeper') this.zookeeper = message.view;
      this.emit('changed');
    });
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }
  /** Arrival time of the first snapshot in which `id`'s row is a ghost. */
  firstGhost(id: string): { at: number; node: NodeView } | null {
    for (const { at, message } of this.messages) {
      if (message.type !== 'snapshot') continue;
      const node = message.view.nodes.find((n) => n.id === id);
      if (node?.liveness === 'ghost') return { at, node };
    }
    return null;
  }
  close(): void {
    this.socket.close();
  }
}

const settledChain = (view: ClusterView | null, count: number) =>
  view?.status === 'ok' && view.nodes.length === count && view.nodes.every((n) => (n.role === 'leader' ? n.watching === null : n.watchConfirmed === true));

describe('ZooKeeper view on a settled chain, crash and graceful kills', () => {
  let cluster: LocalCluster;
  let ws: Watcher;
  before(async () => {
    cluster = await startLocalCluster({ nodes: 4, sessionTimeoutMs: SESSION_TIMEOUT_MS, zookeeper: { tickTime: TICK_MS } });
    ws = new Watcher(cluster.url!);
    await ws.opened();
  });
  after(async () => {
    ws?.close();
    await cluster?.stop();
  });

  const settled = (count: number) =>
    waitUntil(() => (settledChain(ws.view, count) ? ws.view : null), { timeoutMs: 30_000, on: [[ws, 'changed']], description: `a settled chain of ${count}` });

  test('the first zookeeper message comes right after the first snapshot', async () => {
    await waitUntil(() => ws.messages.some((m) => m.message.type === 'zookeeper'), { timeoutMs: 10_000, on: [[ws, 'changed']] });
    const types = ws.messages.map((m) => m.message.type);
    assert.equal(types[0], 'snapshot');
    // A late gateway read may not have a view yet at connect time; then it follows the snapshot.
    assert.ok(types.indexOf('zookeeper') > 0);
  });

  test('every election znode but the newest is watched by exactly one session, its successor; every watch confirmed', async () => {
    const view = await settled(4);
    const zk = await waitUntil(
      async () => {
        const z = (await fetchJson<ZooKeeperView>(`${cluster.url}/api/zookeeper`)).body;
        return z.source.includes('wchc') && z.source.includes('znodes') && z.znodes.filter((n) => n.path.startsWith('/election/')).length === 4 ? z : null;
      },
      { timeoutMs: 10_000 },
    );
    assert.equal(zk.servers[0]!.mode, 'standalone');
    assert.equal(zk.servers[0]!.state, 'up');
    const election = zk.znodes.filter((z) => z.path.startsWith('/election/')).sort((a, b) => a.path.slice(-10).localeCompare(b.path.slice(-10)));
    // Among the nodes' sessions (the gateway also holds a watch on the leader's znode, for the
    // failover timeline's znode-deleted; it is not part of the election).
    const nodeSessions = new Set(election.map((z) => z.stat.ephemeralOwner));
    for (let i = 0; i < election.length; i++) {
      const watchers = zk.sessions.filter((s) => nodeSessions.has(s.id) && s.watches.includes(election[i]!.path)).map((s) => s.id);
      if (i === election.length - 1) assert.deepEqual(watchers, [], 'nobody watches the newest');
      else assert.deepEqual(watchers, [election[i + 1]!.stat.ephemeralOwner], `${election[i]!.path} is watched by its successor only`);
    }
    for (const node of view.nodes) {
      assert.equal(node.session, election.find((z) => z.path.endsWith(node.id))!.stat.ephemeralOwner);
      assert.equal(node.liveness, 'alive');
      assert.equal(node.watchConfirmed, node.role === 'leader' ? null : true);
    }
    const gateway = zk.sessions.find((s) => s.owner === 'gateway');
    assert.ok(gateway?.connected, 'the gateway session is listed as its own');
  });

  async function crash(role: 'worker' | 'leader', t: { diagnostic(msg: string): void }) {
    const view = await settled(4);
    const target = view.nodes.find((n) => n.role === role)!;
    const proc = cluster.nodes.find((p) => p.running && p.pid === target.pid)!;
    let exitedAt = 0;
    void proc.exited.then(() => (exitedAt = Date.now()));
    const answer = await killThroughGateway(cluster.url!, target.id, 'crash');
    assert.equal(answer.status, 202);
    const ghost = await waitUntil(() => ws.firstGhost(target.id), { timeoutMs: 10_000, on: [[ws, 'changed']], description: `${role} shown as a ghost` });
    await proc.exited;
    t.diagnostic(`${role} ghost shown ${ghost.at - exitedAt} ms after the exit was seen here`);
    // The server's expiry: in the future, and at most one session timeout (plus two ticks) away.
    assert.ok(ghost.node.sessionExpiresAt !== null, 'ghost has an expiry');
    assert.ok(ghost.node.sessionExpiresAt > ghost.at, 'expiry in the future');
    assert.ok(ghost.node.sessionExpiresAt <= ghost.at + SESSION_TIMEOUT_MS + 2 * TICK_MS, 'expiry within one session timeout + two ticks');
    assert.equal(ghost.node.session, target.session);
    if (role === 'leader') {
      assert.equal(ws.messages.find((m) => m.at === ghost.at && m.message.type === 'snapshot')!.message.type, 'snapshot');
    }
    // Gone once ZooKeeper expires the session and deletes the znode.
    await waitUntil(() => ws.view?.status === 'ok' && !ws.view.nodes.some((n) => n.id === target.id), {
      timeoutMs: 15_000,
      on: [[ws, 'changed']],
      description: `${role} row gone after expiry`,
    });
    await waitUntil(() => !ws.zookeeper?.sessions.some((s) => s.id === target.session), {
      timeoutMs: 5000,
      on: [[ws, 'changed']],
      description: 'session gone from the view',
    });
    await cluster.addNode();
    return ghost;
  }

  test('crash a worker: ghost with the server expiry, gone after expiry', async (t) => {
    await crash('worker', t);
  });

  test('crash the leader: ghost while leaderless, gone after expiry', async (t) => {
    const ghost = await crash('leader', t);
    const during = ws.messages.find((m) => m.at === ghost.at && m.message.type === 'snapshot')!.message as { view: ClusterView };
    assert.equal(during.view.status, 'leaderless', 'the ghost is the lost leader, shown while leaderless');
  });

  test('graceful kill: no ghost, ever', async () => {
    const view = await settled(4);
    const target = view.nodes.find((n) => n.role === 'worker')!;
    const from = ws.messages.length;
    assert.equal((await killThroughGateway(cluster.url!, target.id, 'graceful')).status, 202);
    await waitUntil(() => !ws.view?.nodes.some((n) => n.id === target.id), { timeoutMs: 10_000, on: [[ws, 'changed']] });
    // A fresh read after the row went, to be sure no late ghost follows.
    await waitUntil(() => ws.zookeeper && !ws.zookeeper.sessions.some((s) => s.id === target.session), { timeoutMs: 5000, on: [[ws, 'changed']] });
    const ghosts = ws.messages.slice(from).filter((m) => m.message.type === 'snapshot' && m.message.view.nodes.some((n) => n.liveness === 'ghost'));
    assert.deepEqual(ghosts, []);
    await cluster.addNode();
  });
});

describe('ZooKeeper view when the words are refused, a server is down, or it answers garbage', () => {
  let cluster: LocalCluster;
  let garbage: Server;
  let second: ManagedProcess | null = null;
  before(async () => {
    cluster = await startLocalCluster({ nodes: 3, sessionTimeoutMs: SESSION_TIMEOUT_MS, zookeeper: { fourLetterWords: 'srvr,ruok' } });
    garbage = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('\u0000\u0001garbage, not ZooKeeper\n');
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await second?.stop();
    await cluster?.stop();
    garbage?.close();
  });

  test('refused: the panel names the setting; the table is unaffected', async () => {
    const view = await waitUntil(
      async () => {
        const v = (await fetchJson<ClusterView>(`${cluster.url}/api/cluster`)).body;
        return v.status === 'ok' && v.nodes.length === 3 && v.nodes.every((n) => n.role !== 'candidate') && v.nodes.every((n) => n.session !== null) ? v : null;
      },
      { timeoutMs: 30_000 },
    );
    const zk = await waitUntil(
      async () => {
        const z = (await fetchJson<ZooKeeperView>(`${cluster.url}/api/zookeeper`)).body;
        return z.servers[0]?.mode && z.problems.length >= 4 ? z : null;
      },
      { timeoutMs: 10_000 },
    );
    assert.equal(zk.servers[0]!.state, 'refusing');
    assert.equal(zk.servers[0]!.mode, 'standalone', 'srvr is allowed and still read');
    const refused = zk.problems
      .filter((p) => p.kind === 'refused')
      .map((p) => p.source)
      .sort();
    assert.deepEqual(refused, ['cons', 'dump', 'mntr', 'wchc']);
    for (const p of zk.problems) assert.match(p.fix ?? '', /4lw\.commands\.whitelist/);
    assert.ok(zk.source.includes('znodes'));
    // Unknown is not false: nobody is a ghost, no watch is called missing.
    for (const n of view.nodes) {
      assert.equal(n.liveness, 'alive');
      assert.equal(n.watchConfirmed, null);
    }
  });

  test('a server down and one answering garbage: clear states, the table still complete', async () => {
    const dead = await freePort();
    const garbagePort = (garbage.address() as AddressInfo).port;
    second = await startGateway({
      zkConnect: `${cluster.zkConnect},127.0.0.1:${dead},127.0.0.1:${garbagePort}`,
      clusterToken: cluster.clusterToken,
    });
    const url = `http://127.0.0.1:${second.port}`;
    const zk = await waitUntil(
      async () => {
        const z = (await fetchJson<ZooKeeperView>(`${url}/api/zookeeper`)).body;
        return z.servers.length === 3 && z.problems.some((p) => p.kind === 'garbage') && z.servers[0]?.mode ? z : null;
      },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual(
      zk.servers.map((s) => s.state),
      ['refusing', 'down', 'up'],
    );
    assert.ok(zk.problems.some((p) => p.server === `127.0.0.1:${dead}` && p.kind === 'down'));
    assert.ok(zk.problems.some((p) => p.server === `127.0.0.1:${garbagePort}` && p.kind === 'garbage'));
    const view = await waitUntil(
      async () => {
        const v = (await fetchJson<ClusterView>(`${url}/api/cluster`)).body;
        return v.status === 'ok' && v.nodes.length === 3 ? v : null;
      },
      { timeoutMs: 20_000 },
    );
    const first = (await fetchJson<ClusterView>(`${cluster.url}/api/cluster`)).body;
    assert.deepEqual(
      view.nodes.map((n) => n.id),
      first.nodes.map((n) => n.id),
    );
    assert.equal((await fetchJson(`${url}/api/health`)).status, 200);
  });
});
