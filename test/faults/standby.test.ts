/**
 * F16 the gateway's standby stream (STANDBY_STREAM_QUERY): it connects ahead to the node next in
 * line, so that node's first snapshot as leader needs no new connection. Here that node is frozen
 * (SIGSTOP) while the gateway holds the standby, and the leader is then stopped gracefully. What
 * must hold:
 *  - the node after the frozen one leads once the frozen one's session expires, and the gateway
 *    switches to it: a standby never makes the gateway follow a node the registry does not name;
 *  - the gateway never accepts the frozen node as leader, before or after it resumes;
 *  - resumed, the frozen node rejoins as a worker without ever acting; one leader after, no orphans.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GATEWAY_ROUTES } from '@zkviz/shared';
import { GUARD_MS, gatewayBuilt, inElectionOrder, withCluster } from './harness.js';

test('F16 the node next in line frozen while the gateway holds its standby stream: the one after it leads, the gateway follows that one only', async (t) => {
  if (!gatewayBuilt()) {
    t.skip('gateway not built (frontend/dist/gateway/main.js)');
    return;
  }
  await withCluster({ nodes: 3, gateway: true }, async (cluster) => {
    const first = await cluster.settle();
    const [leader, next, third] = inElectionOrder(first);
    const gw = cluster.gateway!;
    await gw.waitFor((e) => e.ev === 'leader-switched' && e.leader === leader!.znode, { includeHistory: true, timeoutMs: GUARD_MS });
    // The gateway's standby waits at the node next in line.
    await next!.node.proc.waitFor('stream-standby', { includeHistory: true, timeoutMs: GUARD_MS });

    const since = cluster.cursors();
    const gwSince = gw.cursor();
    next!.node.freeze();
    await leader!.node.terminate();
    const acting = await cluster.nextActingStart(
      since,
      cluster.live.filter((n) => n !== next!.node),
    );
    assert.equal(acting.node, third!.node, 'the node after the frozen one leads');
    await gw.waitFor((e) => e.ev === 'leader-switched' && e.leader === third!.znode, { since: gwSince, timeoutMs: GUARD_MS });

    next!.node.thaw();
    const after = await cluster.settle();
    assert.equal(after.leader, third!.node, 'it still leads once the frozen node is back');
    assert.equal(after.statuses.get(next!.node)?.role, 'worker', 'the resumed node rejoined as a worker');
    assert.equal(next!.node.eventsOf('acting-start').length, 0, 'the frozen node never acted');

    const switched = gw.events.filter((e) => e.ev === 'leader-switched' || e.ev === 'leader-restored').map((e) => String(e.leader));
    assert.ok(!switched.includes(next!.znode), `the gateway never followed the frozen node (it followed ${switched.join(', ')})`);
    const view = (await (await fetch(`http://127.0.0.1:${gw.port}${GATEWAY_ROUTES.cluster}`)).json()) as { leader: string | null; status: string };
    assert.equal(view.status, 'ok');
    assert.equal(view.leader, after.leaderZnode);
    cluster.assertAtMostOneActing();
  });
});
