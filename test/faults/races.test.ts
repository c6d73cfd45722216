/**
 * F4 predecessor deleted between the child list and setting the watch: the real race, forced with
 * the proxy. The joining node's `getData(watch)` on its predecessor is held in the proxy; the
 * predecessor leaves (graceful: its znode is deleted) while the request waits; then the request
 * goes on and gets ZNONODE. The node must list again and link to the right predecessor (or lead).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH } from '@zkviz/shared';
import { ZK_OP } from '../helpers/tcp-proxy.js';
import { inElectionOrder, withCluster } from './harness.js';

for (const which of ['worker', 'leader'] as const) {
  test(`F4 predecessor (${which}) deleted between list and watch: the joiner looks again and links right`, async () => {
    await withCluster({ nodes: which === 'worker' ? 2 : 1 }, async (cluster) => {
      const first = await cluster.settle();
      const order = inElectionOrder(first);
      const predecessor = order[order.length - 1]!; // the joiner's predecessor-to-be
      const expectedNext = order.length > 1 ? order[order.length - 2]! : null;
      let held = 0;
      const since = cluster.cursors();
      const joiner = await cluster.addNode({
        beforeStart: (proxy) =>
          proxy.interceptRequests((req) => {
            if (held > 0 || req.op !== ZK_OP.getData || req.watch !== true || req.path !== `${ELECTION_PATH}/${predecessor.znode}`) return 'forward';
            held++;
            proxy.interceptRequests(null);
            // The predecessor leaves now, while the watch request waits in the proxy.
            return {
              hold: (async () => {
                await predecessor.node.terminate();
                assert.equal(await cluster.inspector!.exists(`${ELECTION_PATH}/${predecessor.znode}`), false);
              })(),
            };
          }),
      });
      if (expectedNext) {
        await joiner.proc.waitFor((e) => e.ev === 'election-state' && e.watching === expectedNext.znode, { includeHistory: true, timeoutMs: 20_000 });
      } else {
        await cluster.nextActingStart(since, [joiner]);
      }
      assert.equal(held, 1, 'the watch request on the predecessor was held while it left');
      const settled = await cluster.settle();
      const status = settled.statuses.get(joiner)!;
      if (expectedNext) {
        assert.equal(status.watching, expectedNext.znode);
        assert.equal(settled.leader, order[0]!.node);
      } else {
        assert.equal(settled.leader, joiner);
      }
      cluster.assertAtMostOneActing();
    });
  });
}

test('F10 create reply lost: the server made the znode, the node adopts it by prefix and creates no second one', async () => {
  await withCluster({ nodes: 2 }, async (cluster) => {
    await cluster.settle();
    let lostCreate: string | null = null;
    const joiner = await cluster.addNode({
      beforeStart: (proxy) =>
        proxy.interceptRequests((req) => {
          if (lostCreate || (req.op !== ZK_OP.create && req.op !== ZK_OP.create2) || !req.path?.startsWith(`${ELECTION_PATH}/`)) return 'forward';
          lostCreate = req.path;
          proxy.interceptRequests(null);
          return 'lose-reply';
        }),
    });
    // The create's answer never arrives: the node sees a connection problem for it.
    const create = await joiner.proc.waitFor('election-create', { includeHistory: true, timeoutMs: 20_000 });
    assert.notEqual(create.rc, 'ZOK', 'the create reply was lost');
    assert.ok(lostCreate, 'the proxy saw the election create');
    const settled = await cluster.settle();
    const status = settled.statuses.get(joiner)!;
    assert.ok(
      status.znode?.startsWith(String(lostCreate).slice(ELECTION_PATH.length + 1)),
      `adopted the znode of the lost create (${status.znode} vs ${String(lostCreate)})`,
    );
    // settle() already proved /election holds exactly one znode per node; say it plainly too.
    const mine = settled.tree.election.filter((z) => z.startsWith(String(lostCreate).slice(ELECTION_PATH.length + 1)));
    assert.equal(mine.length, 1);
    assert.equal(joiner.eventsOf('election-create').length, 1, 'no second create was sent');
    cluster.assertAtMostOneActing();
  });
});
