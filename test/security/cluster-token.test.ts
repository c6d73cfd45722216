/**
 * The cluster token when CLUSTER_TOKEN is unset (compose's default): created once in ZooKeeper,
 * read back by every node and the gateway, and never "no auth" — not even before it is known.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import {
  CLUSTER_TOKEN_HEADER,
  CLUSTER_TOKEN_ZNODE,
  GATEWAY_ROUTES,
  NODE_ROUTES,
  readOrCreateClusterToken,
  type ClusterTokenStore,
  type ClusterView,
} from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { loadConfig } from '../../cluster/src/config.js';
import { ClusterNode } from '../../cluster/src/node.js';
import { buildNodeServer } from '../../cluster/src/server/app.js';
import { fetchJson, startLocalCluster, waitUntil, zkClient, type LocalCluster, type ManagedProcess, killThroughGateway } from '../helpers/index.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** An in-memory stand-in for the three ZooKeeper calls the bootstrap makes. */
class FakeStore implements ClusterTokenStore {
  readonly nodes = new Map<string, string>();
  failCreate = false;
  async ensurePath(path: string) {
    if (!this.nodes.has(path)) this.nodes.set(path, '');
    return { rc: 0 };
  }
  async create(path: string, data: string) {
    if (this.failCreate) return { rc: -4 };
    if (this.nodes.has(path)) return { rc: -110 };
    this.nodes.set(path, data);
    return { rc: 0, path };
  }
  async getData(path: string) {
    const data = this.nodes.get(path);
    return data === undefined ? { rc: -101 } : { rc: 0, data: new TextEncoder().encode(data) };
  }
}

describe('readOrCreateClusterToken', () => {
  const hex = (c: string) => () => c.repeat(64);
  const cases: Array<{ name: string; stored?: string; failCreate?: boolean; expect: { ok: boolean; token?: string; created?: boolean } }> = [
    { name: 'absent: creates it', expect: { ok: true, token: 'a'.repeat(64), created: true } },
    { name: 'present: reads it, keeps it', stored: 'b'.repeat(64), expect: { ok: true, token: 'b'.repeat(64), created: false } },
    { name: 'garbage stored: refused, not used', stored: 'hunter2', expect: { ok: false } },
    { name: 'empty stored: refused', stored: '', expect: { ok: false } },
    { name: 'upper-case hex: refused', stored: 'B'.repeat(64), expect: { ok: false } },
    { name: 'create fails (connection loss): reported', failCreate: true, expect: { ok: false } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const store = new FakeStore();
      if (c.stored !== undefined) store.nodes.set(CLUSTER_TOKEN_ZNODE, c.stored);
      store.failCreate = c.failCreate ?? false;
      const result = await readOrCreateClusterToken(store, hex('a'));
      assert.equal(result.ok, c.expect.ok);
      if (result.ok) {
        assert.equal(result.token, c.expect.token);
        assert.equal(result.created, c.expect.created);
      } else {
        assert.equal(typeof result.reason, 'string');
      }
    });
  }
  it('two racing processes end up with the same token', async () => {
    const store = new FakeStore();
    const [a, b] = await Promise.all([readOrCreateClusterToken(store, hex('c')), readOrCreateClusterToken(store, hex('d'))]);
    assert.ok(a.ok && b.ok);
    assert.equal(a.token, b.token);
    assert.equal([a.created, b.created].filter(Boolean).length, 1);
  });
});

describe('a node whose token is not known yet', () => {
  it('keeps its control routes closed (503), never open', async () => {
    const config = loadConfig({ ZK_CONNECT: '127.0.0.1:1', PORT: '0', ADVERTISED_ADDRESS: '127.0.0.1:1', CLUSTER_TOKEN: '' });
    assert.equal(config.clusterToken, null);
    const node = new ClusterNode(config, pino({ level: 'silent' }), () => assert.fail('must not die'));
    const app = await buildNodeServer(node, pino({ level: 'silent' }));
    try {
      const routes: Array<[string, string, unknown]> = [
        ['GET', NODE_ROUTES.clusterSnapshot, undefined],
        ['GET', NODE_ROUTES.clusterStream, undefined],
        ['POST', NODE_ROUTES.routeKill, { target: `${'a'.repeat(32)}-n_0000000001`, mode: 'crash' }],
        ['POST', NODE_ROUTES.selfKill, { target: `${'a'.repeat(32)}-n_0000000001`, mode: 'crash', leader: `${'a'.repeat(32)}-n_0000000001` }],
      ];
      for (const [method, url, payload] of routes) {
        for (const headers of [{}, { [CLUSTER_TOKEN_HEADER]: '' }, { [CLUSTER_TOKEN_HEADER]: 'null' }, { [CLUSTER_TOKEN_HEADER]: 'anything' }]) {
          const res = await app.inject({ method: method as 'GET', url, headers, payload: payload as object | undefined });
          assert.equal(res.statusCode, 503, `${method} ${url} ${JSON.stringify(headers)}`);
          assert.equal(res.json<{ error: string }>().error, 'cluster_token_unavailable');
        }
      }
      assert.equal((await app.inject(NODE_ROUTES.health)).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});

describe('compose mode on real processes: CLUSTER_TOKEN unset everywhere', () => {
  let cluster: LocalCluster;
  let zk: ZkConnection;
  before(async () => {
    cluster = await startLocalCluster({ nodes: 3, nodeEnv: { CLUSTER_TOKEN: '' }, gatewayEnv: { CLUSTER_TOKEN: '' } });
    zk = await zkClient(cluster.zkConnect);
  });
  after(async () => {
    void zk?.close();
    await cluster?.stop();
  });

  async function storedToken(): Promise<string> {
    const { rc, data } = await zk.getData(CLUSTER_TOKEN_ZNODE);
    assert.equal(rc, 0, `${CLUSTER_TOKEN_ZNODE} exists`);
    return data!.toString('utf8');
  }

  async function view(): Promise<ClusterView> {
    return (await fetchJson<ClusterView>(`${cluster.url}${GATEWAY_ROUTES.cluster}`)).body;
  }

  it('the first process stores 32 random bytes as hex; exactly one created it', async () => {
    const token = await storedToken();
    assert.match(token, HEX64);
    assert.notEqual(token, cluster.clusterToken, 'not the launcher token (that one was not passed)');
    const everyone: ManagedProcess[] = [...cluster.nodes, cluster.gateway!];
    const creators = await waitUntil(
      () => {
        const logs = everyone.map((p) => p.events.find((e) => e.ev === 'cluster-token'));
        return logs.every(Boolean) ? logs : null;
      },
      { timeoutMs: 15_000, description: 'every process to log its cluster token source', on: everyone.map((p) => [p, 'event'] as [ManagedProcess, string]) },
    );
    assert.equal(creators.filter((e) => e!.created === true).length, 1);
    assert.ok(creators.every((e) => e!.source === 'zookeeper'));
  });

  it('the gateway follows the leader with it (status ok, every node listed)', async () => {
    const v = await waitUntil(
      async () => {
        const current = await view();
        return current.status === 'ok' && current.nodes.length === 3 ? current : null;
      },
      { timeoutMs: 20_000, description: 'the gateway to show 3 nodes' },
    );
    assert.ok(v.leader);
  });

  it('control routes still need it: 401 without, 401 with the launcher token, 200 with the stored one', async () => {
    const token = await storedToken();
    const leaderAddress = (await view()).leaderAddress!;
    const target = `http://${leaderAddress}${NODE_ROUTES.clusterSnapshot}`;
    assert.equal((await fetchJson(target)).status, 401);
    assert.equal((await fetchJson(target, { headers: { [CLUSTER_TOKEN_HEADER]: cluster.clusterToken } })).status, 401);
    assert.equal((await fetchJson(target, { headers: { [CLUSTER_TOKEN_HEADER]: token } })).status, 200);
  });

  it('a node that joins later reads the same token (it is never replaced)', async () => {
    const before = await storedToken();
    const node = await cluster.addNode({ env: { CLUSTER_TOKEN: '' } });
    const [ev] = await Promise.all([node.waitFor('cluster-token', { includeHistory: true, timeoutMs: 15_000 })]);
    assert.equal((ev as { created?: boolean }).created, false);
    assert.equal(await storedToken(), before);
    const res = await fetchJson(`http://127.0.0.1:${node.port}${NODE_ROUTES.clusterSnapshot}`, { headers: { [CLUSTER_TOKEN_HEADER]: before } });
    assert.notEqual(res.status, 401, 'the new node accepts the stored token');
  });

  it('kills through the gateway work end to end', async () => {
    const v = await waitUntil(
      async () => {
        const current = await view();
        return current.status === 'ok' && current.nodes.length === 4 ? current : null;
      },
      { timeoutMs: 20_000, description: 'the gateway to show 4 nodes' },
    );
    const victim = v.nodes.at(-1)!;
    const proc = cluster.nodes.find((n) => n.running && victim.address === `127.0.0.1:${n.port}`)!;
    assert.ok(proc, 'the victim process');
    const res = await killThroughGateway(cluster.url!, victim.id, 'graceful');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await proc.exited;
    assert.equal(cluster.nodes.filter((n) => n.running).length, 3, 'only the victim died');
  });
});
