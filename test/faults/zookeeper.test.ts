/**
 * ZooKeeper itself misbehaving:
 *  F8a restarted with its data kept, F8b restarted with its data wiped (sessions and parents gone),
 *  F12 nodes started before ZooKeeper exists.
 * After each: a leader again (awaited acting-start), never two acting at once, no orphans.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH } from '@zkviz/shared';
import { withCluster } from './harness.js';

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
