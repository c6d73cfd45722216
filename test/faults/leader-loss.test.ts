/**
 * F1 leader SIGKILL, F2 leader SIGTERM (graceful), F3 middle worker killed. F1 and F2 run under both
 * recipes (`F1 [herd] …`); F3 is about re-linking to a predecessor, which only `predecessor` has.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH } from '@zkviz/shared';
import { RECIPES_UNDER_TEST, inElectionOrder, recipeTag, withCluster } from './harness.js';

for (const recipe of RECIPES_UNDER_TEST) {
  test(`F1${recipeTag(recipe)} leader SIGKILL: a new leader after the session expires, never two at once, no orphans`, async () => {
    await withCluster({ nodes: 3, recipe }, async (cluster) => {
      const first = await cluster.settle();
      const since = cluster.cursors();
      await first.leader.kill();
      const next = await cluster.nextActingStart(since);
      assert.notEqual(next.node, first.leader);
      const settled = await cluster.settle();
      assert.equal(settled.leader, next.node);
      assert.ok(!settled.tree.election.includes(first.leaderZnode), "the killed leader's znode is gone");
      if (recipe === 'herd') {
        // The herd: every other node was woken by the deletion, not just the successor.
        for (const node of cluster.live) await node.proc.waitFor((e) => e.ev === 'election-children-changed', { since: since.get(node), timeoutMs: 5000 });
      }
      cluster.assertAtMostOneActing();
    });
  });
}

for (const recipe of RECIPES_UNDER_TEST) {
  test(`F2${recipeTag(recipe)} leader SIGTERM: it stops acting and deletes its znode, its successor takes over, no orphans`, async () => {
    await withCluster({ nodes: 3, recipe }, async (cluster) => {
      const first = await cluster.settle();
      const since = cluster.cursors();
      await first.leader.terminate();
      const stops = first.leader.eventsOf('acting-stop');
      assert.ok(stops.length >= 1, 'the leader logged acting-stop before exiting');
      // Graceful means its znode was deleted before it exited (not left to expire with the session).
      assert.equal(await cluster.inspector!.exists(`${ELECTION_PATH}/${first.leaderZnode}`), false, 'its election znode was gone when it exited');
      const next = await cluster.nextActingStart(since);
      const settled = await cluster.settle();
      assert.equal(settled.leader, next.node);
      // The lowest remaining znode (the old leader's successor) leads.
      assert.equal(settled.leaderZnode, [...settled.tree.election].sort((a, b) => a.slice(-10).localeCompare(b.slice(-10)))[0]);
      cluster.assertAtMostOneActing();
    });
  });
}

test('F3 middle worker SIGKILL: its successor re-links to the right predecessor, the leader stays', async () => {
  await withCluster({ nodes: 4 }, async (cluster) => {
    const first = await cluster.settle();
    const order = inElectionOrder(first);
    // Every worker watches exactly its predecessor.
    for (let i = 1; i < order.length; i++) assert.equal(order[i]!.watching, order[i - 1]!.znode, `${order[i]!.node.name} watches its predecessor`);
    const [leader, before, victim, successor] = order as [(typeof order)[0], (typeof order)[0], (typeof order)[0], (typeof order)[0]];
    const since = successor.node.proc.cursor();
    await victim.node.kill();
    // The successor's watch fires when the victim's session expires; it must re-link to `before`.
    await successor.node.proc.waitFor((e) => e.ev === 'election-state' && e.watching === before.znode, { since, timeoutMs: 20_000 });
    const settled = await cluster.settle();
    assert.equal(settled.statuses.get(successor.node)!.watching, before.znode);
    assert.equal(settled.statuses.get(before.node)!.watching, leader.znode);
    assert.equal(settled.leader, leader.node, 'the leader did not change');
    assert.ok(!settled.tree.election.includes(victim.znode));
    assert.equal(leader.node.eventsOf('acting-start').length, 1, 'the leader never stopped acting');
    cluster.assertAtMostOneActing();
  });
});
