/**
 * The herd effect on a real ZooKeeper with 8 real nodes and the real gateway: a leader crash under
 * `predecessor` wakes one node, under `herd` every other node (7), as counted in the failover
 * record; and a live switch keeps every node's session and election znode.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ELECTION_PATH, GATEWAY_ROUTES, NODE_ROUTES, type ClusterView, type FailoverRecord, type NodeSelfStatus } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { fetchJson, killThroughGateway, settledProblems, startLocalCluster, waitUntil, zkClient, type LocalCluster, type ManagedProcess } from '../helpers/index.js';

const NODES = 8;

describe('the herd effect, counted, and the live recipe switch (8 nodes)', () => {
  let cluster: LocalCluster;
  let zk: ZkConnection;
  before(async () => {
    cluster = await startLocalCluster({ nodes: NODES, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });
    zk = await zkClient(cluster.zkConnect);
  });
  after(async () => {
    void zk?.close();
    await cluster?.stop();
  });

  const live = () => cluster.nodes.filter((n) => n.running);
  const on = () => cluster.nodes.map((n) => [n, 'event'] as [ManagedProcess, string]);
  const status = async (n: ManagedProcess) => (await fetchJson<NodeSelfStatus>(`http://127.0.0.1:${n.port}${NODE_ROUTES.status}`)).body;
  const view = async () => (await fetchJson<ClusterView>(`${cluster.url}${GATEWAY_ROUTES.cluster}`)).body;

  /** Settled under `recipe`, with the gateway showing all `count` nodes and the recipe. */
  const settled = (recipe: string, count: number) =>
    waitUntil(
      async () => {
        const statuses = await Promise.all(live().map(status));
        if (statuses.length !== count || statuses.some((s) => s.recipe !== recipe)) return null;
        if (settledProblems(statuses.map((s) => ({ ...s, name: s.znode ?? '?' }))).length) return null;
        const v = await view();
        // The view must have caught up with what every node says it watches now: after a switch
        // the leader's snapshot follows the nodes' republished registry entries a moment later.
        const current = v.nodes.every((n) => statuses.some((s) => s.znode === n.id && s.watching === n.watching));
        return v.status === 'ok' && v.nodes.length === count && v.recipe === recipe && current ? v : null;
      },
      { timeoutMs: 30_000, on: on(), description: `${count} nodes settled under ${recipe}` },
    );

  /** The failover to a new leader, once the gateway has counted it. */
  const countedFailover = (from: string) =>
    waitUntil(
      async () => {
        const { body } = await fetchJson<{ failovers: FailoverRecord[] }>(`${cluster.url}${GATEWAY_ROUTES.failovers}`);
        const record = body.failovers.find((f) => f.from === from);
        return record && record.notified != null ? record : null;
      },
      { timeoutMs: 30_000, description: `the failover from ${from} counted` },
    );

  /** Each election znode with the session that owns it, as ZooKeeper holds them. */
  async function owners(): Promise<Map<string, string>> {
    const { children } = await zk.getChildren(ELECTION_PATH);
    const out = new Map<string, string>();
    for (const child of children ?? []) {
      const { stat } = await zk.getData(`${ELECTION_PATH}/${child}`);
      if (stat) out.set(child, String(stat.ephemeralOwner));
    }
    return out;
  }

  test('predecessor: a leader crash wakes exactly one node', async () => {
    const v = await settled('predecessor', NODES);
    assert.equal((await killThroughGateway(cluster.url!, v.leader!, 'crash')).status, 202);
    const record = await countedFailover(v.leader!);
    assert.equal(record.recipe, 'predecessor');
    assert.equal(record.notified, 1, `notified ${record.notified}`);
    assert.equal(typeof record.reads, 'number');
    assert.equal(typeof record.watches, 'number');
  });

  test('bad recipe bodies are refused and change nothing', async () => {
    for (const body of [{}, { recipe: 'stampede' }, { recipe: 'herd', extra: 1 }]) {
      const res = await fetchJson<{ error: string }>(`${cluster.url}${GATEWAY_ROUTES.recipe}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'bad_request');
    }
    assert.equal((await view()).recipe, 'predecessor');
  });

  test('a live switch to herd keeps every session and znode; then a crash wakes all 7 others', async () => {
    await cluster.addNode();
    await settled('predecessor', NODES);
    const before = await owners();
    assert.equal(before.size, NODES);
    const res = await fetchJson<{ recipe: string }>(`${cluster.url}${GATEWAY_ROUTES.recipe}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipe: 'herd' }),
    });
    assert.equal(res.status, 202);
    assert.equal(res.body.recipe, 'herd');
    const v = await settled('herd', NODES);
    assert.deepEqual(await owners(), before, 'the same znodes, owned by the same sessions');
    assert.ok(
      v.nodes.every((n) => n.watching === null),
      'under herd no node names a predecessor',
    );

    assert.equal((await killThroughGateway(cluster.url!, v.leader!, 'crash')).status, 202);
    const record = await countedFailover(v.leader!);
    assert.equal(record.recipe, 'herd');
    assert.equal(record.notified, NODES - 1, `notified ${record.notified}`);
    await settled('herd', NODES - 1);
  });
});
