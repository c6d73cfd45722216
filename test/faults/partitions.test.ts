/**
 * Partitions between one node and ZooKeeper, made with that node's TCP proxy:
 *  F5 leader cut off by connection resets for longer than the session timeout (the client knows at
 *     once that it is disconnected; its session expires on the server while it cannot reconnect);
 *  F6 leader cut off (resets) for less than the session timeout: stops acting while suspended,
 *     resumes as the same leader with the same znode, no election happens;
 *  F7 leader silently partitioned (packets dropped, sockets open) for longer than the session
 *     timeout: it stops acting before (or when) another node takes over, drops its session by its
 *     local timer, and after healing rejoins as a worker with a new znode; the old one is gone.
 * F5 and F7 run under both recipes (`F5 [herd] …`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECIPES_UNDER_TEST, SESSION_TIMEOUT_MS, hold, recipeTag, withCluster, type FaultCluster, type FaultNode } from './harness.js';

const LOCAL_TIMER_MSG = 'zk session presumed expired (local timer)';

/** Cut the leader off until someone else acts and its own local timer gave up its session; heal. */
async function cutOffUntilReplaced(cluster: FaultCluster, leader: FaultNode, mode: 'drop' | 'reset') {
  const since = cluster.cursors();
  const cutAt = Date.now();
  leader.proxy.setMode(mode);
  const others = cluster.live.filter((n) => n !== leader);
  const [next] = await Promise.all([
    cluster.nextActingStart(since, others),
    leader.proc.waitFor((e) => e.ev === 'zk' && e.msg === LOCAL_TIMER_MSG, { since: since.get(leader), timeoutMs: 20_000 }),
  ]);
  const healAt = Date.now();
  leader.proxy.setMode('pass');
  return { next, cutAt, healAt, since };
}

async function assertRejoinedAsNewWorker(cluster: FaultCluster, old: FaultNode, oldZnode: string, newLeader: FaultNode) {
  const settled = await cluster.settle();
  const status = settled.statuses.get(old)!;
  assert.equal(settled.leader, newLeader, 'the node that took over still leads');
  assert.equal(status.role, 'worker');
  assert.notEqual(status.znode, oldZnode, 'rejoined with a new znode');
  assert.ok(!settled.tree.election.includes(oldZnode), 'the old election znode is gone');
  assert.ok(!settled.tree.coordinators.includes(oldZnode), 'the old coordinators entry is gone');
  return settled;
}

for (const recipe of RECIPES_UNDER_TEST) {
  test(`F5${recipeTag(recipe)} leader cut off (resets) past the session timeout: expired, replaced, rejoins as a worker`, async () => {
    await withCluster({ nodes: 3, recipe }, async (cluster) => {
      const first = await cluster.settle();
      const { next, healAt } = await cutOffUntilReplaced(cluster, first.leader, 'reset');
      assert.notEqual(next.node, first.leader);
      cluster.assertAtMostOneActing(); // an old leader still acting (no acting-stop logged) counts as acting
      // It stopped acting while cut off (it knew it was disconnected), before the other took over.
      const stop = first.leader.eventsOf('acting-stop').find((e) => e.znode === first.leaderZnode);
      assert.ok(stop, 'the old leader logged acting-stop');
      assert.ok(Number(stop.at) <= Number(next.event.at), 'old leader stopped acting before the new one started');
      assert.ok(Number(stop.at) <= healAt);
      await assertRejoinedAsNewWorker(cluster, first.leader, first.leaderZnode, next.node);
      // It never acted again after the cut.
      assert.equal(first.leader.eventsOf('acting-start').length, 1);
      cluster.assertAtMostOneActing();
    });
  });
}

test('F6 leader cut off (resets) shorter than the session timeout: stops acting, then resumes as the same leader', async () => {
  await withCluster({ nodes: 3 }, async (cluster) => {
    const first = await cluster.settle();
    const leader = first.leader;
    const since = cluster.cursors();
    const createsBefore = leader.eventsOf('election-create').length;
    leader.proxy.setMode('reset');
    const suspended = await leader.proc.waitFor((e) => e.ev === 'zk' && e.msg === 'zk connection suspended', { since: since.get(leader) });
    // Part of the fault: stay cut off for a while, well inside the session timeout.
    await hold(SESSION_TIMEOUT_MS / 4);
    // Still cut off: it must already have stopped acting (the node logs acting-stop right after
    // the suspension line, so both are in by now).
    const stopped = leader.eventsOf('acting-stop').find((e) => Number(e.at) >= Number(suspended.time));
    assert.ok(stopped, 'the leader stopped acting while cut off (on suspension)');
    const healAt = Date.now();
    leader.proxy.setMode('pass');
    const reconnected = await leader.proc.waitFor((e) => e.ev === 'zk' && e.msg === 'zk session connected', { since: since.get(leader) });
    assert.equal(reconnected.reconnected, true, 'the same session came back (the cut was shorter than the timeout)');
    const resumed = await leader.proc.waitFor('acting-start', { since: since.get(leader) });
    assert.equal(stopped.reason, 'connection suspended');
    assert.ok(Number(stopped.at) <= healAt, 'it stopped acting while cut off');
    assert.ok(Number(resumed.at) >= Number(reconnected.time), 'it resumed only after reconnecting');
    assert.ok(Number(suspended.time) <= Number(stopped.at));
    assert.equal(resumed.znode, first.leaderZnode, 'same znode, same fencing token: no new election');
    const settled = await cluster.settle();
    assert.equal(settled.leader, leader);
    assert.equal(settled.leaderZnode, first.leaderZnode);
    for (const node of cluster.live) {
      if (node === leader) continue;
      assert.equal(node.proc.events.filter((e) => e.ev === 'acting-start').length, 0, `${node.name} never acted`);
    }
    assert.equal(leader.eventsOf('election-create').length, createsBefore, 'the leader created no new znode');
    cluster.assertAtMostOneActing();
  });
});

for (const recipe of RECIPES_UNDER_TEST) {
  test(`F7${recipeTag(recipe)} leader silently partitioned past the session timeout: stops acting first, rejoins with a new znode`, async () => {
    await withCluster({ nodes: 3, recipe }, async (cluster) => {
      const first = await cluster.settle();
      const { next, healAt } = await cutOffUntilReplaced(cluster, first.leader, 'drop');
      assert.notEqual(next.node, first.leader);
      cluster.assertAtMostOneActing(); // an old leader still acting (no acting-stop logged) counts as acting
      const stops = first.leader.eventsOf('acting-stop');
      assert.equal(stops.length, 1);
      assert.ok(Number(stops[0]!.at) <= Number(next.event.at), 'old leader stopped acting no later than the new one started');
      assert.ok(Number(stops[0]!.at) <= healAt, 'it stopped while still partitioned (on its own)');
      const localTimer = first.leader.proc.events.find((e) => e.ev === 'zk' && e.msg === LOCAL_TIMER_MSG);
      assert.ok(localTimer && Number(localTimer.time) <= healAt, 'its local timer gave the session up while partitioned');
      await assertRejoinedAsNewWorker(cluster, first.leader, first.leaderZnode, next.node);
      assert.equal(first.leader.eventsOf('acting-start').length, 1, 'it never acted again');
      cluster.assertAtMostOneActing();
    });
  });
}
