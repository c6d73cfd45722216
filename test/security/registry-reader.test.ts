/**
 * One reader of the coordinators registry: the node's fencing (the self-kill route), the
 * gateway's discovery and the acting leader's observer are fed the same garbage in a real
 * ZooKeeper and must name the same leader (or the same nobody). Before they shared
 * shared/src/registry.ts they disagreed: an address like `host:http` or a 70 KB entry was a leader
 * to the gateway and garbage to the nodes, and a garbage coordinators entry made a leader row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import {
  CLUSTER_TOKEN_HEADER,
  COORDINATORS_REGISTRY_PATH,
  ELECTION_PATH,
  NODE_ROUTES,
  WORKERS_REGISTRY_PATH,
  parseElectionZnode,
  type ClusterSnapshot,
  type RegisteredLeader,
  type RegistryEntry,
} from '@zkviz/shared';
import { ZOO_PERSISTENT, ZkConnection } from '@zkviz/shared/zk';
import type { ClusterNode } from '../../cluster/src/node.js';
import { ClusterObserver } from '../../cluster/src/leadership/observer.js';
import { buildNodeServer } from '../../cluster/src/server/app.js';
import { ZkLeaderDiscovery } from '../../frontend/src/gateway/discovery/zk-discovery.js';
import { useZooKeeper, waitForEvent, withTimeout } from '../helpers/index.js';

// A 1 s tick lets the server grant the long sessions below (its maximum is 20 ticks).
const zk = useZooKeeper({ tickTime: 1000 });
const TOKEN = 'c'.repeat(64);
// Generous: on a loaded machine a short session can be suspended mid-read, and then every reader
// rightly answers "unknown" (fencing refuses, the observer waits), which is not what is tested here.
const SESSION_TIMEOUT_MS = 20_000;
const id = (seq: number, prefix = 'a') => `${prefix.repeat(32)}-n_${String(seq).padStart(10, '0')}`;
/** The node that is asked to kill itself in the fencing check (never a leader candidate). */
const SELF = id(1, 'e');

function entry(seq: number, prefix = 'a'): string {
  const value: RegistryEntry = {
    id: id(seq, prefix),
    sequence: seq,
    role: 'leader',
    watching: null,
    address: `127.0.0.1:${7000 + seq}`,
    startedAt: 1,
    pid: 100 + seq,
    sessionId: 'abc',
    updatedAt: 2,
    registeredAt: 2,
  };
  return JSON.stringify(value);
}

interface Scenario {
  name: string;
  /** Coordinators registry children: name → data. Every well-formed name also gets an election znode. */
  coordinators: Array<[string, string]>;
  expected: string | null;
}

const scenarios: Scenario[] = [
  {
    name: 'garbage newer than the real leader',
    coordinators: [
      [id(5), entry(5)],
      [id(12, 'b'), '{"role":"leader"'], // broken JSON
      [id(11, 'b'), '{"address": 42, "id": "someone else"}'],
      [id(10, 'b'), JSON.stringify({ address: 'host:http' })], // the gateway's old includes(':') took this
      [id(9, 'b'), JSON.stringify({ address: '127.0.0.1:7009', pad: 'x'.repeat(70 * 1024) })], // no size limit in the gateway before
      [id(8, 'b'), JSON.stringify({ address: '127.0.0.1:7008', role: 42 })], // the nodes' fencing took this
      [id(7, 'b'), JSON.stringify({ address: '127.0.0.1:7007', sequence: 3 })],
      [id(6, 'b'), '[]'],
      ['junk', 'hello'],
    ],
    expected: id(5),
  },
  {
    name: 'nothing but garbage',
    coordinators: [
      [id(9, 'b'), 'not json'],
      [id(8, 'b'), JSON.stringify({ address: 'nowhere' })],
      ['junk', '{}'],
    ],
    expected: null,
  },
  {
    name: 'a handover: a minimal but sound entry newer than a full one',
    coordinators: [
      [id(5), entry(5)],
      [id(6, 'b'), JSON.stringify({ address: '127.0.0.1:7006' })],
    ],
    expected: id(6, 'b'),
  },
];

async function clear(client: ZkConnection, path: string): Promise<void> {
  const { children } = await client.getChildren(path);
  for (const child of children ?? []) assert.equal((await client.delete(`${path}/${child}`)).rc, 0, `delete ${path}/${child}`);
}

async function writeScenario(client: ZkConnection, scenario: Scenario): Promise<void> {
  for (const path of [ELECTION_PATH, COORDINATORS_REGISTRY_PATH, WORKERS_REGISTRY_PATH]) {
    await client.ensurePath(path);
    await clear(client, path);
  }
  for (const [name, data] of scenario.coordinators) {
    assert.equal((await client.create(`${COORDINATORS_REGISTRY_PATH}/${name}`, data, ZOO_PERSISTENT)).rc, 0, `create entry ${name}`);
    if (!parseElectionZnode(name)) continue;
    const seq = parseElectionZnode(name)!.sequence;
    const electionData = JSON.stringify({ address: `127.0.0.1:${7000 + seq}`, startedAt: 1, pid: 100 + seq });
    assert.equal((await client.create(`${ELECTION_PATH}/${name}`, electionData, ZOO_PERSISTENT)).rc, 0, `create election znode ${name}`);
  }
}

const candidates = (scenario: Scenario) => scenario.coordinators.map(([name]) => name).filter((name) => parseElectionZnode(name) !== null);

/** The node's fencing: which of the candidates does the self-kill route obey? */
async function fencingAnswer(client: ZkConnection, scenario: Scenario): Promise<string | null> {
  const died: string[] = [];
  // The real route and the real ZooKeeper; the node object only answers the route's questions.
  const node = {
    config: { clusterToken: TOKEN },
    zk: client,
    election: { state: { electionZnode: SELF } },
    die: (mode: string) => died.push(mode),
  } as unknown as ClusterNode;
  const app = await buildNodeServer(node, pino({ level: 'silent' }));
  try {
    const obeyed: string[] = [];
    for (const leader of candidates(scenario)) {
      const res = await app.inject({
        method: 'POST',
        url: NODE_ROUTES.selfKill,
        headers: { [CLUSTER_TOKEN_HEADER]: TOKEN },
        payload: { target: SELF, mode: 'graceful', leader },
      });
      if (res.statusCode === 202) obeyed.push(leader);
      else assert.equal(res.json<{ error: string }>().error, 'stale_leader', `${leader}: ${res.body}`);
    }
    assert.ok(obeyed.length <= 1, `obeys at most one leader, obeyed ${obeyed.join(', ')}`);
    return obeyed[0] ?? null;
  } finally {
    await app.close();
  }
}

/** The gateway's discovery: whom does it report? */
async function discoveryAnswer(): Promise<string | null> {
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const discovery = new ZkLeaderDiscovery(new ZkConnection({ connect: zk.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS }), quiet);
  const reported = waitForEvent<[RegisteredLeader | null]>(discovery, 'registry', { timeoutMs: 10_000 });
  discovery.start();
  try {
    const [leader] = await reported;
    return leader?.id ?? null;
  } finally {
    discovery.stop();
  }
}

/** The acting leader's observer: which row does its table call the leader? */
async function observerAnswer(client: ZkConnection, scenario: Scenario): Promise<string | null> {
  const observer = new ClusterObserver(client, candidates(scenario)[0] ?? id(1), () => {});
  const first = waitForEvent<[ClusterSnapshot]>(observer, 'snapshot', { timeoutMs: 10_000 });
  observer.start();
  try {
    const [snapshot] = await first;
    assert.deepEqual(snapshot.nodes.map((n) => n.id).sort(), candidates(scenario).sort(), 'one row per election znode');
    const leaders = snapshot.nodes.filter((n) => n.role === 'leader').map((n) => n.id);
    assert.ok(leaders.length <= 1, `at most one leader row, got ${leaders.join(', ')}`);
    return leaders[0] ?? null;
  } finally {
    observer.stop();
  }
}

describe('the coordinators registry, read by the fencing, the discovery and the observer', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: all three name ${scenario.expected ?? 'nobody'}`, async () => {
      const client = await zk.client({ sessionTimeoutMs: SESSION_TIMEOUT_MS });
      await writeScenario(client, scenario);
      const answers = {
        fencing: await withTimeout(fencingAnswer(client, scenario), 15_000, 'fencing'),
        discovery: await withTimeout(discoveryAnswer(), 15_000, 'discovery'),
        observer: await withTimeout(observerAnswer(client, scenario), 15_000, 'observer'),
      };
      assert.deepEqual(answers, { fencing: scenario.expected, discovery: scenario.expected, observer: scenario.expected });
    });
  }
});
