/**
 * Presenter mode on the real processes: with CONTROL_TOKEN set on the gateway, every fault route
 * needs it (401 and nothing happens without it), and works with it. The token matrix per route is
 * in frontend/test/gateway/slot-routes.test.ts; this checks the real gateway is wired the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTROL_TOKEN_HEADER, type ClusterView } from '@zkviz/shared';
import { fetchJson, startLocalCluster, waitUntil, type LocalCluster } from '../helpers/index.js';
import { gatewayBuilt } from './harness.js';

const TOKEN = 'presenter-0123456789';
let cluster: LocalCluster;

const post = (path: string, body: unknown, token?: string) =>
  fetchJson<{ error?: string; state?: string }>(`${cluster.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { [CONTROL_TOKEN_HEADER]: token } : {}) },
    body: JSON.stringify(body),
  });

const slotsRunning = () =>
  waitUntil(
    async () => {
      const v = (await fetchJson<ClusterView>(`${cluster.url}/api/cluster`)).body;
      return v.status === 'ok' && v.slots.length === 2 && v.slots.every((s) => s.state === 'running') ? v : null;
    },
    { timeoutMs: 30_000, description: 'two running slots', on: [...cluster.nodes, cluster.gateway!].map((p) => [p, 'event'] as [typeof p, string]) },
  );

describe('fault routes with CONTROL_TOKEN set (real gateway)', { skip: gatewayBuilt() ? false : 'not built: run npm run build' }, () => {
  before(async () => {
    cluster = await startLocalCluster({ nodes: 2, supervised: true, sessionTimeoutMs: 1500, gatewayEnv: { CONTROL_TOKEN: TOKEN } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('health says the actions are protected', async () => {
    const { body } = await fetchJson<{ controlProtected: boolean }>(`${cluster.url}/api/health`);
    assert.equal(body.controlProtected, true);
  });

  it('without the token (or with a wrong one) every fault route is 401 and nothing changes', async () => {
    const before = await slotsRunning();
    const slot = before.slots[0]!.slot;
    const routes: Array<[string, unknown]> = [
      [`/api/slots/${slot}/freeze`, { durationMs: 500 }],
      [`/api/slots/${slot}/partition`, { durationMs: 500, style: 'reset' }],
      [`/api/slots/${slot}/restart`, {}],
      ['/api/slots', {}],
      ['/api/zookeeper/servers/1/stop', {}],
    ];
    for (const [path, body] of routes) {
      for (const token of [undefined, 'wrong']) {
        const res = await post(path, body, token);
        assert.equal(res.status, 401, `${path} token=${token}`);
        assert.equal(res.body.error, 'control_token_required');
      }
    }
    const after = await slotsRunning();
    assert.deepEqual(
      after.slots.map((s) => [s.slot, s.since, s.znode]),
      before.slots.map((s) => [s.slot, s.since, s.znode]),
    );
    assert.equal(cluster.zk!.serving, true, 'ZooKeeper still runs');
  });

  it('with the token: freeze answers 202 and the slot is frozen', async () => {
    const v = await slotsRunning();
    const slot = v.slots[1]!.slot;
    const res = await post(`/api/slots/${slot}/freeze`, { durationMs: 300 }, TOKEN);
    assert.equal(res.status, 202);
    assert.equal(res.body.state, 'frozen');
    await cluster.nodes.find((p) => p.name === slot)!.waitFor((e) => e.ev === 'slot-state' && e.from === 'frozen', { includeHistory: true, timeoutMs: 30_000 });
  });
});
