/**
 * F13 start/stop races: nodes started and SIGTERMed at awkward moments (right after they listen,
 * connect, create their znode, register, start acting, and while their create is held in flight),
 * with two steady nodes alongside. Every raced node must exit cleanly (code 0, no SIGKILL needed)
 * and, once settled, nothing of theirs may remain: no orphans, one leader.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELECTION_PATH } from '@zkviz/shared';
import { ZK_OP } from '../helpers/tcp-proxy.js';
import { withCluster, type FaultNode } from './harness.js';

type Trigger = (e: Record<string, unknown>) => boolean;
const TRIGGERS: [string, Trigger][] = [
  ['listening', (e) => e.ev === 'listening'],
  ['session connected', (e) => e.ev === 'zk' && e.msg === 'zk session connected'],
  ['znode created', (e) => e.ev === 'election-create'],
  ['registered', (e) => e.ev === 'registry-register' && e.rc === 'ZOK'],
  ['decided', (e) => e.ev === 'election-state' && (e.phase === 'following' || e.phase === 'leading')],
];

test('F13 start/stop races: raced nodes leave cleanly, no orphans, one leader', async () => {
  await withCluster({ nodes: 2 }, async (cluster) => {
    await cluster.settle();
    const steady = [...cluster.live];
    const raced: FaultNode[] = [];

    // Round 1..n: start two nodes at once, SIGTERM each at its trigger, while the next ones start.
    for (let round = 0; round < TRIGGERS.length; round++) {
      const pair = await Promise.all([0, 1].map(() => cluster.addNode({ waitReady: false })));
      await Promise.all(
        pair.map(async (node, i) => {
          const [, trigger] = TRIGGERS[(round + i) % TRIGGERS.length]!;
          raced.push(node);
          await node.proc.waitFor(trigger, { includeHistory: true, timeoutMs: 20_000 });
          await node.terminate();
        }),
      );
    }

    // The steady leader itself, stopped right as a new node joins.
    const leader = (await cluster.settle({ expectLive: [...steady] })).leader;
    const joiner = await cluster.addNode({ waitReady: false });
    raced.push(leader);
    await joiner.proc.waitFor('election-create', { includeHistory: true, timeoutMs: 20_000 });
    await leader.terminate();
    steady.splice(steady.indexOf(leader), 1, joiner);

    // Stop while the create is in flight: hold the create in the proxy until SIGTERM arrives.
    let sawCreate = false;
    const inFlight = await cluster.addNode({
      waitReady: false,
      beforeStart: (proxy) =>
        proxy.interceptRequests((req) => {
          if (sawCreate || (req.op !== ZK_OP.create && req.op !== ZK_OP.create2) || !req.path?.startsWith(`${ELECTION_PATH}/`)) return 'forward';
          sawCreate = true;
          proxy.interceptRequests(null);
          const signalled = inFlight.proc.waitFor('signal', { includeHistory: true, timeoutMs: 20_000 });
          inFlight.proc.signal('SIGTERM');
          return { hold: signalled };
        }),
    });
    inFlight.expectExit = true;
    raced.push(inFlight);
    await inFlight.proc.exited;
    assert.ok(sawCreate, 'the create was held in flight while the node was told to stop');

    for (const node of raced) {
      const exit = await node.proc.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, `${node.name} exited cleanly`);
    }
    const settled = await cluster.settle({ expectLive: steady });
    assert.equal(settled.statuses.size, steady.length);
    cluster.assertAtMostOneActing();
  });
});
