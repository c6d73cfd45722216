/**
 * Garbage in ZooKeeper while a cluster runs: unexpected children under /election and both
 * registries, registry entries with broken data (one of them posing as the newest leader).
 * Every node and the gateway must survive, the table must still be the real nodes, and a kill
 * must still be routed and obeyed (fencing must not be fooled by the garbage entry).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATORS_REGISTRY_PATH, ELECTION_PATH, GATEWAY_ROUTES, WORKERS_REGISTRY_PATH, type ClusterView } from '@zkviz/shared';
import { ZOO_PERSISTENT, type ZkConnection } from '@zkviz/shared/zk';
import { fetchJson, startLocalCluster, waitUntil, zkClient, type LocalCluster, type ManagedProcess, killThroughGateway } from '../helpers/index.js';

let cluster: LocalCluster;
let zk: ZkConnection;

before(async () => {
  cluster = await startLocalCluster({ nodes: 4 });
  zk = await zkClient(cluster.zkConnect);
});
after(async () => {
  void zk?.close();
  await cluster?.stop();
});

async function view(): Promise<ClusterView> {
  return (await fetchJson<ClusterView>(`${cluster.url}${GATEWAY_ROUTES.cluster}`)).body;
}

async function realElection(): Promise<string[]> {
  const { children } = await zk.getChildren(ELECTION_PATH);
  return (children ?? []).filter((c) => /^[0-9a-f]{32}-n_[0-9]{10}$/.test(c)).sort();
}

/** The gateway's table equals the real election znodes, with one leader. */
async function tableIsRight(expected: number): Promise<ClusterView> {
  return waitUntil(
    async () => {
      const v = await view();
      const real = await realElection();
      const ids = v.nodes.map((n) => n.id).sort();
      const ok =
        v.status === 'ok' &&
        real.length === expected &&
        JSON.stringify(ids) === JSON.stringify(real) &&
        v.nodes.filter((n) => n.role === 'leader').length === 1 &&
        v.nodes.every((n) => n.address !== null);
      return ok ? v : null;
    },
    { timeoutMs: 20_000, description: `the table to show the ${expected} real nodes` },
  );
}

const fakeId = (seq: number) => `${'f'.repeat(32)}-n_${String(seq).padStart(10, '0')}`;

describe('garbage in ZooKeeper', () => {
  it('is logged and skipped; nobody crashes; the table stays right; kills still work', async () => {
    const before = await tableIsRight(4);
    const garbage: Array<[string, string]> = [
      [`${ELECTION_PATH}/not-a-candidate`, 'hello'],
      [`${ELECTION_PATH}/${'0'.repeat(32)}`, '{"address":"127.0.0.1:1"}'],
      [`${COORDINATORS_REGISTRY_PATH}/junk`, '\u0000\u0001binary'],
      [`${WORKERS_REGISTRY_PATH}/..`.replace('/..', '/dotdot'), '{}'],
      // Well-formed names whose data is garbage; the coordinator one poses as the newest leader.
      [`${COORDINATORS_REGISTRY_PATH}/${fakeId(9_999_999_999)}`, '{"address": 42, "id": "someone else"}'],
      [`${WORKERS_REGISTRY_PATH}/${fakeId(9_999_999_998)}`, 'not json at all'],
      [`${WORKERS_REGISTRY_PATH}/${before.nodes[1]!.id}x`, '[]'],
    ];
    for (const [path, data] of garbage) {
      const { rc } = await zk.create(path, data, ZOO_PERSISTENT);
      assert.equal(rc, 0, `create ${path}`);
    }
    // Overwrite a live worker's registry entry with garbage, then let it write its own again.
    const worker = before.nodes.find((n) => n.role === 'worker')!;
    assert.equal((await zk.setData(`${WORKERS_REGISTRY_PATH}/${worker.id}`, '{"role":"leader"')).rc, 0);

    // The leader logs the garbage it skipped (an event to wait on, not a sleep).
    const procs: ManagedProcess[] = cluster.nodes;
    await waitUntil(() => procs.some((p) => p.events.some((e) => e.ev === 'zk-garbage')), {
      timeoutMs: 10_000,
      description: 'a node to log zk-garbage',
      on: procs.map((p) => [p, 'event'] as [ManagedProcess, string]),
    });
    const after = await tableIsRight(4);
    assert.equal(after.leader, before.leader, 'the leader did not change');
    assert.ok(
      cluster.nodes.every((n) => n.running),
      'every node still runs',
    );
    assert.ok(cluster.gateway!.running, 'the gateway still runs');
    assert.equal((await fetchJson(`${cluster.url}${GATEWAY_ROUTES.health}`)).status, 200);

    // A kill routed through the real leader is obeyed: the garbage "newer leader" fools nobody.
    const victim = after.nodes.at(-1)!;
    const proc = cluster.nodes.find((n) => victim.address === `127.0.0.1:${n.port}`)!;
    const res = await killThroughGateway(cluster.url!, victim.id, 'graceful');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await proc.exited;
    await tableIsRight(3);
    assert.equal(cluster.nodes.filter((n) => n.running).length, 3, 'only the victim died');
    assert.ok(cluster.gateway!.running);
  });
});
