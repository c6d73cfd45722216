/**
 * ZooKeeper itself misbehaving:
 *  F8a restarted with its data kept, F8b restarted with its data wiped (sessions and parents gone),
 *  F8c wiped after a failover, through the gateway: the new leader's fencing token (sequence)
 *      starts again from 0, below the one the gateway accepted before, and the gateway follows it,
 *  F12 nodes started before ZooKeeper exists.
 * After each: a leader again (awaited acting-start), never two acting at once, no orphans.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH, GATEWAY_ROUTES, parseElectionZnode, type ClusterView } from '@zkviz/shared';
import { fetchJson, waitUntil } from '../helpers/index.js';
import { gatewayBuilt, withCluster, type FaultCluster } from './harness.js';

for (const wipe of [false, true]) {
  test(`F8${wipe ? 'b' : 'a'} ZooKeeper restarted ${wipe ? 'with its data wiped' : '(data kept)'}: everyone rejoins, one leader, no orphans`, async () => {
    await withCluster({ nodes: 3 }, async (cluster) => {
      const first = await cluster.settle();
      const since = cluster.cursors();
      await cluster.zk!.restart({ wipe });
      // Every leader stops acting on suspension; a leader acting again means the election ran (or resumed).
      const next = await cluster.nextActingStart(since);
      const settled = await cluster.settle();
      assert.equal(settled.leader, next.node);
      assert.ok(await cluster.inspector!.exists(ELECTION_PATH), 'the election parent exists again');
      if (wipe) {
        // All sessions died with the data: every node has a new znode.
        for (const [node, s] of settled.statuses) assert.notEqual(s.znode, first.statuses.get(node)!.znode, `${node.name} has a new znode`);
      }
      cluster.assertAtMostOneActing();
    });
  });
}

/** Resolves with the gateway's view once it shows `leader` leading. */
function gatewayShowsLeader(cluster: FaultCluster, leader: string): Promise<ClusterView> {
  const url = `http://127.0.0.1:${cluster.gateway!.port}${GATEWAY_ROUTES.cluster}`;
  return waitUntil(
    async () => {
      const view = (await fetchJson<ClusterView>(url)).body;
      return view.status === 'ok' && view.leader === leader ? view : null;
    },
    { timeoutMs: 20_000, description: `the gateway showing ${leader} leading`, on: [[cluster.gateway!, 'event']] },
  );
}

test(
  'F8c ZooKeeper wiped after a failover: the gateway follows the new leader, whose fencing token started again from 0',
  { skip: gatewayBuilt() ? false : 'gateway not built: run npm run build' },
  async () => {
    await withCluster({ nodes: 3, gateway: true }, async (cluster) => {
      const first = await cluster.settle();
      await gatewayShowsLeader(cluster, first.leaderZnode);
      // One failover, so the gateway has accepted a token above 0.
      await first.leader.kill();
      const second = await cluster.settle();
      const before = await gatewayShowsLeader(cluster, second.leaderZnode);
      assert.ok(before.fencingToken! > 0, `the successor's token ${before.fencingToken} is above 0`);

      await cluster.zk!.restart({ wipe: true });
      const wiped = await cluster.settle();
      const token = parseElectionZnode(wiped.leaderZnode)?.sequence ?? null;
      // What makes this the wipe case: the new leader's token is below the one accepted before.
      assert.ok(token !== null && token < before.fencingToken!, `the new leader's token ${token} is below ${before.fencingToken}`);
      const after = await gatewayShowsLeader(cluster, wiped.leaderZnode);
      assert.equal(after.fencingToken, token);
      assert.notEqual(after.electionIncarnation, before.electionIncarnation, 'a new life of /election');
      assert.ok(after.electionIncarnation, 'the view names it');
      cluster.assertAtMostOneActing();
    });
  },
);

test('F12 nodes started before ZooKeeper: they wait, then elect one leader once it is up', async () => {
  await withCluster({ nodes: 3, deferZooKeeper: true }, async (cluster) => {
    assert.equal(cluster.zk, null);
    for (const node of cluster.nodes) {
      const s = await node.status();
      assert.equal(s.connected, false);
      assert.equal(s.acting, false);
    }
    const since = cluster.cursors();
    await cluster.startZooKeeper();
    await cluster.nextActingStart(since);
    await cluster.settle();
    cluster.assertAtMostOneActing();
  });
});
