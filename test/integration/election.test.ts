/**
 * The election on a real ZooKeeper with real node processes: one leader, the right registry
 * entries, the chain of predecessor watches, and failover by every kind of kill.
 */
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COORDINATORS_REGISTRY_PATH,
  ELECTION_PATH,
  WORKERS_REGISTRY_PATH,
  CLUSTER_TOKEN_HEADER,
  NODE_ROUTES,
  STANDBY_STREAM_QUERY,
  type LeaderStreamMessage,
  type NodeSelfStatus,
} from '@zkviz/shared';
import { LineSplitter } from '../../frontend/src/gateway/leader-client/messages.js';
import type { ZkConnection } from '@zkviz/shared/zk';
import { fetchJson, inSequenceOrder, settledProblems, startLocalCluster, waitUntil, zkClient, type LocalCluster, type ManagedProcess } from '../helpers/index.js';

type Status = NodeSelfStatus;

let cluster: LocalCluster;
let zk: ZkConnection;

before(async () => {
  cluster = await startLocalCluster({ nodes: 4, gatewayPort: false, sessionTimeoutMs: 1000, zookeeper: { tickTime: 100 } });
  zk = await zkClient(cluster.zkConnect);
});

after(async () => {
  void zk?.close();
  await cluster?.stop();
});

const live = () => cluster.nodes.filter((n) => n.running);

async function status(node: ManagedProcess): Promise<Status> {
  return (await fetchJson<Status>(`http://127.0.0.1:${node.port}${NODE_ROUTES.status}`)).body;
}

async function children(path: string): Promise<string[]> {
  const { rc, children: list } = await zk.getChildren(path);
  assert.equal(rc, 0, `list ${path}`);
  return list!;
}

/**
 * Waits until the cluster is settled (test/helpers/settled.ts: one leader, the lowest; each worker
 * watches its predecessor; /election and the registries hold exactly the live nodes). Returns the
 * statuses sorted by sequence.
 */
async function settled(): Promise<Status[]> {
  return waitUntil(
    async () => {
      const statuses = await Promise.all(live().map(status));
      const tree = {
        election: await children(ELECTION_PATH),
        coordinators: await children(COORDINATORS_REGISTRY_PATH),
        workers: await children(WORKERS_REGISTRY_PATH),
      };
      const problems = settledProblems(
        statuses.map((s) => ({ ...s, name: s.znode ?? 'a node without a znode' })),
        tree,
      );
      return problems.length ? null : inSequenceOrder(statuses);
    },
    { timeoutMs: 20_000, description: 'the cluster to settle', on: cluster.nodes.map((n) => [n, 'event'] as [ManagedProcess, string]) },
  );
}

function nodeFor(znode: string): ManagedProcess {
  const found = cluster.nodes.find((n) => n.running && n.events.some((e) => e.ev === 'election-create' && e.znode === `${ELECTION_PATH}/${znode}`));
  assert.ok(found, `a live process for ${znode}`);
  return found;
}

async function killVia(leader: ManagedProcess, target: string, mode: 'crash' | 'graceful') {
  return fetchJson(`http://127.0.0.1:${leader.port}${NODE_ROUTES.routeKill}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLUSTER_TOKEN_HEADER]: cluster.clusterToken },
    body: JSON.stringify({ target, mode }),
  });
}

describe('election on a real ZooKeeper', () => {
  test('four nodes elect exactly one leader, the lowest; each worker watches its predecessor', async () => {
    const sorted = await settled();
    assert.equal(sorted.length, 4);
    assert.equal(sorted[0]!.role, 'leader');
    assert.equal(sorted[0]!.watching, null);
    const acting = cluster.nodes.flatMap((n) => n.events.filter((e) => e.ev === 'acting-start'));
    assert.equal(acting.length, 1, 'exactly one node ever started acting');
  });

  test('registry entries carry the address and status as data', async () => {
    const [leader] = await settled();
    const { rc, data } = await zk.getData(`${COORDINATORS_REGISTRY_PATH}/${leader!.znode}`);
    assert.equal(rc, 0);
    const entry = JSON.parse(data!.toString()) as { id: string; role: string; address: string };
    assert.equal(entry.id, leader!.znode);
    assert.equal(entry.role, 'leader');
    assert.match(entry.address, /^127\.0\.0\.1:\d+$/);
  });

  test('crash-killing the leader (session left to expire) elects the next node', async () => {
    const [leader, next] = await settled();
    const leaderProc = nodeFor(leader!.znode!);
    const nextProc = nodeFor(next!.znode!);
    const since = nextProc.cursor();
    const res = await killVia(leaderProc, leader!.znode!, 'crash');
    assert.equal(res.status, 202);
    const exit = await leaderProc.exited;
    assert.equal(exit.signal, 'SIGKILL', 'a crash does not close the session');
    await nextProc.waitFor('acting-start', { since, timeoutMs: 15_000 });
    const after = await settled();
    assert.equal(after[0]!.znode, next!.znode);
    assert.equal(after.length, 3);
  });

  test('a graceful kill routed through the leader to a worker; then the leader itself, gracefully', async () => {
    const before = await settled();
    const leaderProc = nodeFor(before[0]!.znode!);
    const last = before.at(-1)!;
    assert.equal((await killVia(leaderProc, last.znode!, 'graceful')).status, 202);
    assert.equal((await nodeFor(last.znode!).exited).code, 0);
    const middle = await settled();
    assert.equal(middle.length, before.length - 1);

    const successor = nodeFor(middle[1]!.znode!);
    const since = successor.cursor();
    assert.equal((await killVia(leaderProc, middle[0]!.znode!, 'graceful')).status, 202);
    assert.equal((await leaderProc.exited).code, 0);
    await successor.waitFor('acting-start', { since, timeoutMs: 15_000 });
    // It joined third; it learnt it was next in line when its predecessor was promoted by the
    // crash above (its workers entry went), so its coordinators entry went out with its listing.
    const registered = await successor.waitFor((e) => e.ev === 'registry-register' && e.registry === 'coordinators', { since, timeoutMs: 1000 });
    assert.equal(registered.early, true, 'the coordinators entry was written ahead of the decision');
    assert.equal((await settled())[0]!.znode, middle[1]!.znode);
  });

  test('new nodes join at the end of the chain; killing a middle worker re-links its successor', async () => {
    await cluster.addNode();
    await cluster.addNode();
    const sorted = await settled();
    assert.equal(sorted.length, 3);
    const [, middle, last] = sorted;
    const newest = cluster.nodes.at(-1)!;
    assert.equal((await status(newest)).znode, last!.znode, 'the newest node holds the highest sequence');
    nodeFor(middle!.znode!).signal('SIGKILL');
    const after = await settled();
    assert.equal(after.length, 2);
    assert.equal(after[1]!.znode, last!.znode);
    assert.equal(after[1]!.watching, sorted[0]!.znode, 're-linked to the leader');
  });

  test('the kill route validates: unknown id 404, bad body 400, no token 401, not leader 503, wrong node 409', async () => {
    const sorted = await settled();
    const leaderProc = nodeFor(sorted[0]!.znode!);
    const worker = nodeFor(sorted[1]!.znode!);
    const unknown = `${'e'.repeat(32)}-n_0000009999`;
    assert.equal((await killVia(leaderProc, unknown, 'crash')).status, 404);
    assert.equal((await killVia(leaderProc, '../etc/passwd', 'crash')).status, 400);
    assert.equal((await killVia(leaderProc, sorted[1]!.znode!, 'explode' as never)).status, 400);
    const noToken = await fetchJson(`http://127.0.0.1:${leaderProc.port}${NODE_ROUTES.routeKill}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: sorted[1]!.znode, mode: 'crash' }),
    });
    assert.equal(noToken.status, 401);
    assert.equal((await killVia(worker, sorted[0]!.znode!, 'crash')).status, 503);
    // A kill for the leader sent straight to a worker, claiming a stale leader: refused.
    const wrong = await fetchJson(`http://127.0.0.1:${worker.port}${NODE_ROUTES.selfKill}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLUSTER_TOKEN_HEADER]: cluster.clusterToken },
      body: JSON.stringify({ target: sorted[0]!.znode, mode: 'crash', leader: sorted[0]!.znode }),
    });
    assert.equal(wrong.status, 409);
    const stale = await fetchJson(`http://127.0.0.1:${worker.port}${NODE_ROUTES.selfKill}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLUSTER_TOKEN_HEADER]: cluster.clusterToken },
      body: JSON.stringify({ target: sorted[1]!.znode, mode: 'crash', leader: unknown }),
    });
    assert.equal(stale.status, 409);
    assert.deepEqual(
      (await settled()).map((s) => s.znode),
      sorted.map((s) => s.znode),
      'nobody died',
    );
  });

  test('a standby stream: the node next in line answers it, says nothing, and sends its first snapshot on it when it leads; other workers refuse it', async () => {
    while (live().length < 3) await cluster.addNode();
    const [leader, next, third] = await settled();
    const standbyPath = `${NODE_ROUTES.clusterStream}?${STANDBY_STREAM_QUERY}=1`;
    const headers = { [CLUSTER_TOKEN_HEADER]: cluster.clusterToken };
    const refused = await fetchJson(`http://127.0.0.1:${nodeFor(third!.znode!).port}${standbyPath}`, { headers });
    assert.equal(refused.status, 503, 'a worker not next in line refuses a standby stream');
    const bad = await fetchJson(`http://127.0.0.1:${nodeFor(next!.znode!).port}${NODE_ROUTES.clusterStream}?${STANDBY_STREAM_QUERY}=yes`, { headers });
    assert.equal(bad.status, 400, 'the flag is 1 or absent');

    const nextProc = nodeFor(next!.znode!);
    const lines: string[] = [];
    let firstLine!: Promise<string>;
    // Answered (200) while still a worker: the response arrives before the leader goes.
    await new Promise<void>((answered, reject) => {
      firstLine = new Promise<string>((resolveLine) => {
        const req = http.get({ host: '127.0.0.1', port: nextProc.port, path: standbyPath, headers, agent: false }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`standby stream answered ${res.statusCode}`));
          answered();
          const splitter = new LineSplitter();
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const line of splitter.push(chunk)) {
              lines.push(line);
              resolveLine(line);
            }
          });
        });
        req.on('error', reject);
        after(() => req.destroy());
      });
    });
    assert.deepEqual(lines, [], 'nothing said before it leads');
    const since = nextProc.cursor();
    assert.equal((await killVia(nodeFor(leader!.znode!), leader!.znode!, 'graceful')).status, 202);
    const acting = await nextProc.waitFor('acting-start', { since, timeoutMs: 15_000 });
    const message = JSON.parse(await firstLine) as LeaderStreamMessage;
    assert.equal(message.type, 'snapshot', 'its first line as leader is a snapshot');
    assert.equal(message.snapshot.leader, next!.znode);
    assert.ok(
      message.snapshot.nodes.some((n) => n.id === next!.znode && n.role === 'leader'),
      'with its own row marked leader',
    );
    assert.ok(acting, 'and it acts');
  });
});
