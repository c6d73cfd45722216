/**
 * Hostile input against real cluster nodes (real ZooKeeper, real processes, no gateway): every
 * internal route, wrong methods, the cluster token, bodies, ids, fencing. Nobody may die.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_TOKEN_HEADER, ELECTION_PATH, NODE_ROUTES, compareBySequence, parseElectionZnode, type NodeSelfStatus } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import { startLocalCluster, waitUntil, zkClient, type LocalCluster, type ManagedProcess } from '../helpers/index.js';
import { rawRequest } from './raw-http.js';

let cluster: LocalCluster;
let zk: ZkConnection;
let leader: ManagedProcess;
let worker: ManagedProcess;
let leaderId: string;
let workerId: string;
let znodesBefore: string[];

type Status = NodeSelfStatus;

async function electionChildren(): Promise<string[]> {
  const { children } = await zk.getChildren(ELECTION_PATH);
  return (children ?? []).sort();
}

before(async () => {
  cluster = await startLocalCluster({ nodes: 3, gatewayPort: false, sessionTimeoutMs: 2000 });
  zk = await zkClient(cluster.zkConnect);
  const statuses = await waitUntil(
    async () => {
      const all = await Promise.all(
        cluster.nodes.map(async (n) => ({ n, s: (await (await fetch(`http://127.0.0.1:${n.port}${NODE_ROUTES.status}`)).json()) as Status })),
      );
      return all.every((x) => x.s.znode) && all.filter((x) => x.s.acting).length === 1 ? all : null;
    },
    { timeoutMs: 20_000, description: 'one acting leader and three znodes' },
  );
  const sorted = statuses.sort((a, b) => compareBySequence(parseElectionZnode(a.s.znode!)!, parseElectionZnode(b.s.znode!)!));
  leader = sorted[0]!.n;
  leaderId = sorted[0]!.s.znode!;
  worker = sorted[1]!.n;
  workerId = sorted[1]!.s.znode!;
  znodesBefore = await electionChildren();
});

after(async () => {
  void zk?.close();
  await cluster?.stop();
});

const url = (n: ManagedProcess, path: string) => `http://127.0.0.1:${n.port}${path}`;
const json = { 'content-type': 'application/json' };
const auth = () => ({ ...json, [CLUSTER_TOKEN_HEADER]: cluster.clusterToken });

function assertErrorBody(text: string, code?: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message'], text);
  if (code) assert.equal(body.error, code, text);
}

describe('node routes: methods', () => {
  const table: Array<{ path: string; allow: string; wrong: string[] }> = [
    { path: NODE_ROUTES.health, allow: 'GET, HEAD', wrong: ['POST', 'PUT', 'DELETE'] },
    { path: NODE_ROUTES.status, allow: 'GET, HEAD', wrong: ['POST', 'PATCH'] },
    { path: NODE_ROUTES.clusterSnapshot, allow: 'GET, HEAD', wrong: ['POST', 'DELETE'] },
    { path: NODE_ROUTES.clusterStream, allow: 'GET, HEAD', wrong: ['POST', 'PUT'] },
    { path: NODE_ROUTES.routeKill, allow: 'POST', wrong: ['GET', 'PUT', 'DELETE', 'OPTIONS'] },
    { path: NODE_ROUTES.selfKill, allow: 'POST', wrong: ['GET', 'DELETE'] },
  ];
  for (const row of table) {
    for (const method of row.wrong) {
      it(`${method} ${row.path} → 405 Allow: ${row.allow}`, async () => {
        const res = await fetch(url(leader, row.path), { method, headers: auth() });
        assert.equal(res.status, 405);
        assert.equal(res.headers.get('allow'), row.allow);
        assertErrorBody(await res.text(), 'method_not_allowed');
      });
    }
  }
  it('unknown paths → 404 JSON', async () => {
    for (const path of ['/internal', '/internal/kill/x', '/api/cluster', '/']) {
      const res = await fetch(url(leader, path), { method: 'POST', headers: auth(), body: '{}' });
      assert.equal(res.status, 404, path);
      assertErrorBody(await res.text(), 'not_found');
    }
  });
});

describe('node routes: cluster token', () => {
  const controlRoutes: Array<{ method: string; path: string; body?: () => string }> = [
    { method: 'GET', path: NODE_ROUTES.clusterSnapshot },
    { method: 'GET', path: NODE_ROUTES.clusterStream },
    { method: 'POST', path: NODE_ROUTES.routeKill, body: () => JSON.stringify({ target: workerId, mode: 'crash' }) },
    { method: 'POST', path: NODE_ROUTES.selfKill, body: () => JSON.stringify({ target: workerId, mode: 'crash', leader: leaderId }) },
  ];
  const tokens: Array<{ name: string; value: () => string | undefined }> = [
    { name: 'no token', value: () => undefined },
    { name: 'empty token', value: () => '' },
    { name: 'wrong token, same length', value: () => cluster.clusterToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) },
    { name: 'token prefix', value: () => cluster.clusterToken.slice(0, 8) },
    { name: 'token with a suffix', value: () => `${cluster.clusterToken}x` },
    { name: 'a 10 KB token', value: () => 'x'.repeat(10_000) },
  ];
  for (const route of controlRoutes) {
    for (const token of tokens) {
      it(`${route.method} ${route.path} with ${token.name} → 401`, async () => {
        const target = route.path === NODE_ROUTES.selfKill ? worker : leader;
        const headers: Record<string, string> = { ...json };
        const t = token.value();
        if (t !== undefined) headers[CLUSTER_TOKEN_HEADER] = t;
        const res = await rawRequest(url(target, route.path), { method: route.method, headers, body: route.body?.() });
        assert.ok(res.status === 401 || (token.name === 'a 10 KB token' && res.status === 431), `got ${res.status}`);
        if (res.status === 401) assertErrorBody(res.body, 'unauthorized');
      });
    }
  }
  it('health and status stay open', async () => {
    assert.equal((await fetch(url(worker, NODE_ROUTES.health))).status, 200);
    assert.equal((await fetch(url(worker, NODE_ROUTES.status))).status, 200);
  });
});

describe('node routes: bodies and ids', () => {
  const cases: Array<{ name: string; path: string; headers?: Record<string, string>; body: () => string; status: number; error: string }> = [
    { name: 'text/plain', path: NODE_ROUTES.routeKill, headers: { 'content-type': 'text/plain' }, body: () => 'kill', status: 415, error: 'unsupported_media_type' },
    {
      name: 'form',
      path: NODE_ROUTES.routeKill,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: () => 'target=x',
      status: 415,
      error: 'unsupported_media_type',
    },
    {
      name: 'oversized',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: workerId, mode: 'crash', pad: 'x'.repeat(8000) }),
      status: 413,
      error: 'payload_too_large',
    },
    { name: 'invalid JSON', path: NODE_ROUTES.routeKill, body: () => '{"target":', status: 400, error: 'bad_request' },
    { name: 'empty JSON body', path: NODE_ROUTES.routeKill, body: () => '', status: 400, error: 'bad_request' },
    { name: 'missing mode', path: NODE_ROUTES.routeKill, body: () => JSON.stringify({ target: workerId }), status: 400, error: 'bad_request' },
    {
      name: 'extra property',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: workerId, mode: 'crash', all: true }),
      status: 400,
      error: 'bad_request',
    },
    {
      name: 'path traversal id',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: '../../etc/passwd', mode: 'crash' }),
      status: 400,
      error: 'bad_request',
    },
    { name: 'absurd id', path: NODE_ROUTES.routeKill, body: () => JSON.stringify({ target: 'a'.repeat(3000), mode: 'crash' }), status: 400, error: 'bad_request' },
    {
      name: 'upper-case id',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: workerId.toUpperCase(), mode: 'crash' }),
      status: 400,
      error: 'bad_request',
    },
    { name: 'id as a number', path: NODE_ROUTES.routeKill, body: () => JSON.stringify({ target: 1, mode: 'crash' }), status: 400, error: 'bad_request' },
    {
      name: 'id as an array of every node',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: [workerId, leaderId], mode: 'crash' }),
      status: 400,
      error: 'bad_request',
    },
    {
      name: 'unknown well-formed id',
      path: NODE_ROUTES.routeKill,
      body: () => JSON.stringify({ target: `${'e'.repeat(32)}-n_0000009999`, mode: 'crash' }),
      status: 404,
      error: 'unknown_node',
    },
    {
      name: 'self-kill: another node’s id sent to this node',
      path: NODE_ROUTES.selfKill,
      body: () => JSON.stringify({ target: leaderId, mode: 'crash', leader: leaderId }),
      status: 409,
      error: 'wrong_node',
    },
    {
      name: 'self-kill: stale (unknown) leader',
      path: NODE_ROUTES.selfKill,
      body: () => JSON.stringify({ target: workerId, mode: 'crash', leader: `${'e'.repeat(32)}-n_0000000000` }),
      status: 409,
      error: 'stale_leader',
    },
    {
      name: 'self-kill: a worker claiming to lead',
      path: NODE_ROUTES.selfKill,
      body: () => JSON.stringify({ target: workerId, mode: 'crash', leader: znodesBefore.find((z) => z !== leaderId && z !== workerId)! }),
      status: 409,
      error: 'stale_leader',
    },
    {
      name: 'self-kill: malformed leader',
      path: NODE_ROUTES.selfKill,
      body: () => JSON.stringify({ target: workerId, mode: 'crash', leader: 'me' }),
      status: 400,
      error: 'bad_request',
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const target = c.path === NODE_ROUTES.selfKill ? worker : leader;
      const res = await rawRequest(url(target, c.path), { method: 'POST', headers: { ...auth(), ...c.headers }, body: c.body() });
      assert.equal(res.status, c.status, res.body);
      assertErrorBody(res.body, c.error);
    });
  }
  it('query strings on read routes are refused, not ignored', async () => {
    const res = await fetch(url(leader, `${NODE_ROUTES.status}?debug=1`));
    assert.equal(res.status, 400);
    assertErrorBody(await res.text(), 'bad_request');
  });
  it('router-level garbage (bad percent-encoding) is a JSON 400', async () => {
    const res = await rawRequest(url(leader, '/internal/%E0%A4%A'), { method: 'GET', headers: {} });
    assert.equal(res.status, 400);
    assertErrorBody(res.body);
  });
});

describe('node routes: aftermath', () => {
  it('nobody died: every process runs and /election is unchanged', async () => {
    assert.ok(
      cluster.nodes.every((n) => n.running),
      'all node processes still running',
    );
    assert.deepEqual(await electionChildren(), znodesBefore);
    assert.ok(!cluster.nodes.some((n) => n.events.some((e) => e.ev === 'dying')), 'no node logged dying');
  });
});
