/**
 * F14 a znode with our prefix that our session does not own. A worker recognises its election
 * znode by its candidate prefix (so a create whose reply was lost is adopted, F10). Here the
 * worker's own znode is deleted by hand and a foreign client creates a *persistent* znode under
 * the same prefix. When the leader leaves, the worker re-lists and finds "its" prefix lowest; the
 * ownership check (ephemeralOwner == our session) must refuse to lead on it and start a new
 * session instead. Leading on it would be a leadership that does not end with the session: the
 * persistent znode would outlive the node and block every later election.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH, ELECTION_ZNODE_INFIX } from '@zkviz/shared';
import { ZOK, ZOO_PERSISTENT_SEQUENTIAL } from '@zkviz/shared/zk';
import { inElectionOrder, withCluster } from './harness.js';

test('F14 a persistent znode under our prefix: never lead on a znode our session does not own', async () => {
  await withCluster({ nodes: 2 }, async (cluster) => {
    const [leader, worker] = inElectionOrder(await cluster.settle());
    const inspector = cluster.inspector!;
    const prefix = worker!.znode.slice(0, worker!.znode.indexOf(ELECTION_ZNODE_INFIX) + ELECTION_ZNODE_INFIX.length);

    // The impostor comes after the worker's own znode, which then disappears (by hand).
    const created = await inspector.conn.create(`${ELECTION_PATH}/${prefix}`, '{}', ZOO_PERSISTENT_SEQUENTIAL);
    assert.equal(created.rc, ZOK);
    const impostor = created.path!.slice(ELECTION_PATH.length + 1);
    assert.equal(await inspector.delete(`${ELECTION_PATH}/${worker!.znode}`), ZOK);

    // The leader leaves: the worker's watch fires, it re-lists and sees only the impostor.
    const since = worker!.node.proc.cursor();
    await leader!.node.terminate();
    const outcome = await worker!.node.proc.waitFor((e) => e.ev === 'election-restart-session' || (e.ev === 'acting-start' && e.znode === impostor), {
      since,
      timeoutMs: 20_000,
    });
    assert.equal(outcome.ev, 'election-restart-session', `the worker acted as leader on ${impostor}, a znode its session does not own`);

    // Healed: the impostor goes; the worker, now on a new session and prefix, leads on its own znode.
    assert.equal(await inspector.delete(`${ELECTION_PATH}/${impostor}`), ZOK);
    const settled = await cluster.settle();
    assert.equal(settled.leader, worker!.node);
    const status = settled.statuses.get(worker!.node)!;
    assert.ok(status.znode && !status.znode.startsWith(prefix), `a new prefix after the new session (${status.znode})`);
    const { stat } = await inspector.conn.getData(`${ELECTION_PATH}/${status.znode}`);
    assert.ok(stat && stat.ephemeralOwner !== '0' && !/^0x0+$/.test(stat.ephemeralOwner), 'the leader znode is ephemeral, owned by a session');
    assert.ok(!worker!.node.eventsOf('acting-start').some((e) => e.znode === impostor));
    cluster.assertAtMostOneActing();
  });
});
