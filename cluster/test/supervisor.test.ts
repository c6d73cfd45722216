import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { CLUSTER_TOKEN_HEADER, SUPERVISOR_ROUTES } from '@zkviz/shared';
import { ClusterTokenSource, ConfigError } from '@zkviz/shared/fastify';
import { loadSupervisorConfig } from '../src/supervisor/config.js';
import { buildSupervisorServer } from '../src/supervisor/server.js';
import { Slot } from '../src/supervisor/slot.js';
import type { ZooKeeperRelay } from '../src/supervisor/relay.js';

describe('supervisor configuration', () => {
  it('reads the node’s own variables by the node’s rules', () => {
    const config = loadSupervisorConfig({
      SLOT: 'node-3',
      SESSION_TIMEOUT_MS: '1500',
      CONTROL_RATE_LIMIT_PER_MIN: '12',
      SUPERVISOR_ADVERTISED_ADDRESS: 'node-3:7001',
    });
    assert.equal(config.slot, 'node-3');
    assert.equal(config.sessionTimeoutMs, 1500);
    assert.deepEqual(config.limits, { controlPerMinute: 12, streamsPerAddress: 8 });
    assert.equal(config.clusterToken, null);
  });

  it('refuses a value the node would refuse, naming the variable (it used to fall back to 4000 silently)', () => {
    assert.throws(
      () => loadSupervisorConfig({ SLOT: 'node-1', SESSION_TIMEOUT_MS: 'soon' }),
      (err: Error) => err instanceof ConfigError && /SESSION_TIMEOUT_MS/.test(err.message),
    );
    assert.throws(
      () => loadSupervisorConfig({ SLOT: 'node-1', SUPERVISOR_PORT: '70000' }),
      (err: Error) => err instanceof ConfigError && /SUPERVISOR_PORT/.test(err.message),
    );
    assert.throws(() => loadSupervisorConfig({ SLOT: 'node 1' }), /SLOT must match/);
  });
});

describe('supervisor server', () => {
  it('budgets the action routes per caller before the token check: 429 with Retry-After, the slot untouched', async () => {
    // A slot whose node never started: every action but restart answers 409, and nothing runs.
    const logger = pino({ level: 'silent' });
    const slot = new Slot('node-1', { command: process.execPath, args: ['-e', ''], env: {} }, {} as ZooKeeperRelay, logger);
    const app = await buildSupervisorServer(slot, new ClusterTokenSource('secret'), { controlPerMinute: 3, streamsPerAddress: 8 }, logger);
    try {
      const freeze = (token: string) =>
        app.inject({ method: 'POST', url: SUPERVISOR_ROUTES.action('freeze'), headers: { [CLUSTER_TOKEN_HEADER]: token }, payload: { durationMs: 1000 } });
      assert.equal((await freeze('wrong')).statusCode, 401, 'a wrong token is refused, and counts');
      assert.equal((await freeze('secret')).statusCode, 409, 'a stopped slot cannot freeze');
      assert.equal((await freeze('secret')).statusCode, 409);
      const limited = await freeze('secret');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json<{ error: string }>().error, 'rate_limited');
      assert.ok(limited.headers['retry-after'], 'says when to retry');
      assert.equal(slot.state, 'stopped');
      const health = await app.inject({ method: 'GET', url: SUPERVISOR_ROUTES.health });
      assert.equal(health.statusCode, 200, 'the open health route is not budgeted');
    } finally {
      await app.close();
    }
  });
});
