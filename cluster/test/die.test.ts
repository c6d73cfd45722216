import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { KillMode } from '@zkviz/shared';
import { loadConfig } from '../src/config.js';
import { ClusterNode } from '../src/node.js';

function nodeWithFakeExit() {
  const config = loadConfig({ ZK_CONNECT: '127.0.0.1:1', PORT: '0', ADVERTISED_ADDRESS: '127.0.0.1:1', CLUSTER_TOKEN: '' });
  const exits: KillMode[] = [];
  let exited: (mode: KillMode) => void = () => {};
  const nextExit = new Promise<KillMode>((resolve) => (exited = resolve));
  const node = new ClusterNode(config, pino({ level: 'silent' }), (mode) => {
    exits.push(mode);
    exited(mode);
  });
  return { node, exits, nextExit };
}

test('die() with an unknown mode throws and does not end the process (no silent graceful path)', () => {
  const { node, exits } = nodeWithFakeExit();
  for (const bad of ['hang', '', '__proto__', 'GRACEFUL']) {
    assert.throws(() => node.die(bad as KillMode), /unknown kill mode/, bad);
  }
  assert.deepEqual(exits, []);
});

test('after a refused mode the node still dies as asked by a real one', async () => {
  const { node, exits, nextExit } = nodeWithFakeExit();
  assert.throws(() => node.die('bogus' as KillMode));
  node.die('crash');
  assert.equal(await nextExit, 'crash');
  node.die('graceful'); // already dying: ignored
  assert.deepEqual(exits, ['crash']);
});
