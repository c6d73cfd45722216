/**
 * The fault routes over fakes (a fake slot directory, supervisor and host): validation, the
 * presenter's control token set and unset on every action, rate limiting, compose mode's
 * `409 not_supported`, and `capabilities` in /api/health per mode.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { SlotRecord, ZooKeeperServerOp } from '@zkviz/shared';
import { buildGateway, type Gateway } from '../../src/gateway/app.js';
import type { HostClient, HttpAnswer, SlotDirectory, SlotDirectoryEvents, SupervisorClient } from '../../src/gateway/slots/types.js';
import { FakeDiscovery, FakeLeaderClient, FakeStreams } from './fixtures.js';

class FakeDirectory extends EventEmitter<SlotDirectoryEvents> implements SlotDirectory {
  records = new Map<string, SlotRecord>();
  get(slot: string) {
    return this.records.get(slot);
  }
  start() {}
  stop() {}
  publish(records: SlotRecord[]) {
    this.records = new Map(records.map((r) => [r.slot, r]));
    this.emit('slots', records);
  }
}

const record = (slot: string, state: SlotRecord['state'] = 'running'): SlotRecord => ({
  slot,
  state,
  znode: state === 'running' ? `${'b'.repeat(32)}-n_0000000001` : null,
  pid: 1,
  since: 1,
  until: null,
  supervisor: '127.0.0.1:7001',
  lastExit: null,
  updatedAt: 1,
});

interface Built extends Gateway {
  directory: FakeDirectory;
  calls: string[];
}

async function build(options: { controlToken?: string; host?: boolean; rateLimit?: number; zkConnect?: string } = {}): Promise<Built> {
  const directory = new FakeDirectory();
  const calls: string[] = [];
  const supervisorClient: SupervisorClient = {
    async act(supervisor, action, body): Promise<HttpAnswer> {
      calls.push(`${supervisor} ${action} ${JSON.stringify(body)}`);
      return { statusCode: 202, body: { slot: 'node-1', action, state: 'frozen', until: 5 } };
    },
  };
  const hostClient: HostClient = {
    async addSlot() {
      calls.push('add');
      return { statusCode: 202, body: { slot: 'node-9', action: 'add', state: 'starting', until: null } };
    },
    async zookeeper(id: string, op: ZooKeeperServerOp) {
      calls.push(`zk ${id} ${op}`);
      return id === '1'
        ? { statusCode: 202, body: { server: id, action: op, state: 'running', until: null } }
        : { statusCode: 404, body: { error: 'unknown_server', message: 'no' } };
    },
  };
  const gateway = await buildGateway({
    config: {
      staticDir: '/nonexistent',
      allowedOrigins: [],
      killRateLimitPerMinute: options.rateLimit ?? 1000,
      logLevel: 'silent',
      controlToken: options.controlToken ?? null,
      zkConnect: options.zkConnect,
    },
    createDiscovery: () => new FakeDiscovery(),
    createStreamConnector: () => new FakeStreams().connector,
    leaderClient: new FakeLeaderClient(() => ({ statusCode: 202, body: {} })),
    createSlotDirectory: () => directory,
    supervisorClient,
    hostClient: options.host === false ? null : hostClient,
    logger: false,
  });
  await gateway.app.ready();
  directory.publish([record('node-1'), record('node-2', 'crashed')]);
  return { ...gateway, directory, calls };
}

const ACTIONS: Array<[string, unknown]> = [
  ['/api/slots/node-1/freeze', { durationMs: 5000 }],
  ['/api/slots/node-1/partition', { durationMs: 5000, style: 'reset' }],
  ['/api/slots/node-2/restart', {}],
  ['/api/slots', {}],
  ['/api/zookeeper/servers/1/stop', {}],
  ['/api/zookeeper/servers/1/start', {}],
  ['/api/zookeeper/servers/1/restart', {}],
];

describe('fault routes: CONTROL_TOKEN unset', () => {
  let g: Built;
  before(async () => {
    g = await build();
  });
  after(() => g.app.close());

  for (const [url, payload] of ACTIONS) {
    it(`${url} is open: 202`, async () => {
      const res = await g.app.inject({ method: 'POST', url, payload: payload as object });
      assert.equal(res.statusCode, 202, res.body);
    });
  }

  it('hands the body to the supervisor named in the slot record', async () => {
    g.calls.length = 0;
    await g.app.inject({ method: 'POST', url: '/api/slots/node-1/partition', payload: { durationMs: 100, style: 'drop' } });
    assert.deepEqual(g.calls, ['127.0.0.1:7001 partition {"durationMs":100,"style":"drop"}']);
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['/api/slots/node-1/freeze', { durationMs: 99 }, 400, 'bad_request'],
    ['/api/slots/node-1/freeze', { durationMs: 60_001 }, 400, 'bad_request'],
    ['/api/slots/node-1/freeze', {}, 400, 'bad_request'],
    ['/api/slots/node-1/partition', { durationMs: 100, style: 'both' }, 400, 'bad_request'],
    ['/api/slots/node-1/restart', { x: 1 }, 400, 'bad_request'],
    ['/api/slots/-bad/freeze', { durationMs: 500 }, 400, 'bad_request'],
    ['/api/slots/nope/freeze', { durationMs: 500 }, 404, 'unknown_slot'],
    ['/api/slots', { n: 1 }, 400, 'bad_request'],
    ['/api/zookeeper/servers/7/stop', {}, 404, 'unknown_server'],
  ];
  for (const [url, payload, status, error] of bad) {
    it(`${url} ${JSON.stringify(payload)} → ${status} ${error}, nothing forwarded`, async () => {
      g.calls.length = 0;
      const res = await g.app.inject({ method: 'POST', url, payload: payload as object });
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json<{ error: string }>().error, error);
      if (status === 400) assert.deepEqual(g.calls, []);
    });
  }

  it('health: everything works in local mode', async () => {
    const res = await g.app.inject({ method: 'GET', url: '/api/health' });
    assert.deepEqual(res.json(), {
      status: 'ok',
      controlProtected: false,
      capabilities: { kill: true, freeze: true, partition: true, restart: true, addNode: true, zookeeperControl: true },
    });
  });

  it('the view carries the slots, down ones included', async () => {
    const view = (await g.app.inject({ method: 'GET', url: '/api/cluster' })).json<{ slots: { slot: string; state: string }[] }>();
    assert.deepEqual(
      view.slots.map((s) => [s.slot, s.state]),
      [
        ['node-1', 'running'],
        ['node-2', 'crashed'],
      ],
    );
  });
});

describe('fault routes: CONTROL_TOKEN set', () => {
  let g: Built;
  before(async () => {
    g = await build({ controlToken: 'sesame' });
  });
  after(() => g.app.close());

  for (const [url, payload] of ACTIONS) {
    it(`${url}: 401 without the token, 401 with a wrong one, 202 with it`, async () => {
      g.calls.length = 0;
      const none = await g.app.inject({ method: 'POST', url, payload: payload as object });
      assert.equal(none.statusCode, 401);
      assert.equal(none.json<{ error: string }>().error, 'control_token_required');
      const wrong = await g.app.inject({ method: 'POST', url, payload: payload as object, headers: { 'x-zkviz-control-token': 'sesamE' } });
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(g.calls, [], 'nothing was forwarded without the token');
      const ok = await g.app.inject({ method: 'POST', url, payload: payload as object, headers: { 'x-zkviz-control-token': 'sesame' } });
      assert.equal(ok.statusCode, 202, ok.body);
    });
  }

  it('the token is checked before the body: a bad body without the token is 401, not 400', async () => {
    const res = await g.app.inject({ method: 'POST', url: '/api/slots/node-1/freeze', payload: { durationMs: 1 } });
    assert.equal(res.statusCode, 401);
  });
});

describe('fault routes: compose (no host control)', () => {
  let g: Built;
  before(async () => {
    g = await build({ host: false });
  });
  after(() => g.app.close());

  it('adding a node is 409 not_supported with the scale command', async () => {
    const res = await g.app.inject({ method: 'POST', url: '/api/slots', payload: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json<{ error: string }>().error, 'not_supported');
    assert.match(res.json<{ message: string }>().message, /docker compose up -d --scale node=N/);
  });

  for (const op of ['stop', 'start', 'restart']) {
    it(`ZooKeeper ${op} is 409 not_supported with the command to run`, async () => {
      const res = await g.app.inject({ method: 'POST', url: `/api/zookeeper/servers/1/${op}`, payload: {} });
      assert.equal(res.statusCode, 409);
      assert.match(res.json<{ message: string }>().message, /docker compose/);
      assert.match(res.json<{ message: string }>().message, new RegExp(`\`docker compose ${op} zookeeper\``));
    });
  }

  it('a server not in the connect string is 404 unknown_server', async () => {
    const res = await g.app.inject({ method: 'POST', url: '/api/zookeeper/servers/2/stop', payload: {} });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ error: string }>().error, 'unknown_server');
  });

  it('slot actions still work (the supervisors are in the node containers)', async () => {
    const res = await g.app.inject({ method: 'POST', url: '/api/slots/node-1/freeze', payload: { durationMs: 100 } });
    assert.equal(res.statusCode, 202);
  });

  it('health: no adding nodes, no ZooKeeper control', async () => {
    const res = await g.app.inject({ method: 'GET', url: '/api/health' });
    assert.deepEqual(res.json<{ capabilities: object }>().capabilities, {
      kill: true,
      freeze: true,
      partition: true,
      restart: true,
      addNode: false,
      zookeeperControl: false,
    });
  });
});

describe('fault routes: compose on an ensemble (no host control)', () => {
  let g: Built;
  before(async () => {
    g = await build({ host: false, zkConnect: 'zookeeper:2181,zookeeper2:2181,zookeeper3:2181' });
  });
  after(() => g.app.close());

  it("names the server's compose service and the ensemble's files", async () => {
    const res = await g.app.inject({ method: 'POST', url: '/api/zookeeper/servers/2/stop', payload: {} });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json<{ error: string }>().error, 'not_supported');
    const message = res.json<{ message: string }>().message;
    assert.match(message, /`docker compose stop zookeeper2`/);
    assert.match(message, /docker-compose\.ensemble\.yml/);
  });
});

describe('fault routes: rate limited like kills', () => {
  let g: Built;
  before(async () => {
    g = await build({ rateLimit: 2 });
  });
  after(() => g.app.close());

  it('the third freeze in a minute from one client is 429 with Retry-After', async () => {
    const send = () => g.app.inject({ method: 'POST', url: '/api/slots/node-1/freeze', payload: { durationMs: 100 } });
    assert.equal((await send()).statusCode, 202);
    assert.equal((await send()).statusCode, 202);
    const third = await send();
    assert.equal(third.statusCode, 429);
    assert.equal(third.json<{ error: string }>().error, 'rate_limited');
    assert.ok(third.headers['retry-after']);
  });
});
