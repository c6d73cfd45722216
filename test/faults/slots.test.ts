/**
 * Every fault from the page, through the gateway's routes (not the harness's own signals), on a
 * local-mode cluster: real ZooKeeper, every node in a slot under its supervisor, the launcher's
 * host control. What is awaited is what the system says (the nodes' acting lines, the gateway's
 * view); the only durations are the faults' own (a freeze of 2x the session timeout).
 *
 *  S1 bad inputs answer 400/404/409 and change nothing;
 *  S2 freeze the leader past its session: a successor leads; after the thaw the old leader never
 *     acts again and rejoins at the end of the chain;
 *  S3 partition the leader (drop, reset) past the timeout: it steps down, one leader, heals, rejoins;
 *  S4 partition it shorter than the timeout (drop, reset): it keeps leading with the same znode;
 *  S5 crash a node (the kill route), restart its slot: a new znode, at the end of the chain;
 *  S5b crash a frozen leader (the kill route): its supervisor SIGKILLs it, since the frozen process
 *     cannot take the request; a successor leads;
 *  S6 add a slot;
 *  S7 stop ZooKeeper: zero acting leaders while it is down; start it: exactly one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NODE_ROUTES, type ClusterView, type NodeView, type SlotView } from '@zkviz/shared';
import { fetchJson, killThroughGateway, startLocalCluster, waitUntil, type LocalCluster, type LogEvent, type ManagedProcess } from '../helpers/index.js';
import { gatewayBuilt } from './harness.js';

const SESSION_MS = 1500;
/** Failure guard of every wait; never an asserted duration. */
const GUARD_MS = 30_000;

let cluster: LocalCluster;
const url = (path: string) => `${cluster.url}${path}`;

function post(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
  return fetchJson<Record<string, unknown>>(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const view = async () => (await fetchJson<ClusterView>(url('/api/cluster'))).body;
const wakeOn = () => [cluster.gateway!, ...cluster.nodes].map((p) => [p, 'event'] as [ManagedProcess, string]);

/** Waits for a view the predicate accepts; re-checks on every log line of any process. */
function viewUntil(description: string, accept: (v: ClusterView) => boolean): Promise<ClusterView> {
  return waitUntil(
    async () => {
      const v = await view();
      return accept(v) ? v : null;
    },
    { timeoutMs: GUARD_MS, description, on: wakeOn() },
  );
}

const slotOf = (v: ClusterView, slot: string): SlotView | undefined => v.slots.find((s) => s.slot === slot);
const nodeOf = (v: ClusterView, id: string | null): NodeView | undefined => v.nodes.find((n) => n.id === id);
const proc = (slot: string): ManagedProcess => cluster.nodes.find((p) => p.name === slot)!;
const maxSequence = (v: ClusterView) => Math.max(...v.nodes.map((n) => n.sequence));

/** Events named `ev` logged after `cursor` (a `proc.cursor()`). */
function eventsSince(p: ManagedProcess, cursor: number, ev: string): LogEvent[] {
  const all = p.events;
  // history entries are numbered 1..cursor(); the kept window ends at cursor()
  const skip = all.length - (p.cursor() - cursor);
  return all.slice(Math.max(0, skip)).filter((e) => e.ev === ev);
}

/**
 * Settled: a leader, every running slot has a node in the table (and the node its slot), one
 * acting leader in the table, nobody frozen or cut off.
 */
function settled(expectSlots: number): Promise<ClusterView> {
  return viewUntil(`a settled cluster of ${expectSlots} running slots`, (v) => {
    if (v.status !== 'ok' || !v.leader || v.slots.length !== expectSlots) return false;
    if (!v.slots.every((s) => s.state === 'running' && s.znode && nodeOf(v, s.znode)?.slot === s.slot)) return false;
    return v.nodes.length === expectSlots && v.nodes.filter((n) => n.role === 'leader').length === 1 && v.nodes.every((n) => n.role !== 'candidate');
  });
}

/** The slot, znode and process of the leader in a settled view. */
function leaderOf(v: ClusterView) {
  const node = nodeOf(v, v.leader)!;
  return { slot: node.slot!, znode: node.id, proc: proc(node.slot!) };
}

/** Resolves with the first slot other than `except` whose node logs acting-start after the cursors. */
function nextActing(cursors: Map<ManagedProcess, number>, except: ManagedProcess): Promise<{ proc: ManagedProcess; event: LogEvent }> {
  return Promise.any(
    cluster.nodes
      .filter((p) => p !== except && p.running)
      .map((p) => p.waitFor('acting-start', { since: cursors.get(p), timeoutMs: GUARD_MS }).then((event) => ({ proc: p, event }))),
  );
}
const cursors = () => new Map(cluster.nodes.map((p) => [p, p.cursor()]));

describe('fault actions through the gateway (local mode, supervised slots)', { skip: gatewayBuilt() ? false : 'not built: run npm run build' }, () => {
  before(async () => {
    cluster = await startLocalCluster({ nodes: 3, supervised: true, sessionTimeoutMs: SESSION_MS, zookeeper: { tickTime: 100 } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('S0 health says what works here: everything, in local mode', async () => {
    const { body } = await fetchJson<{ capabilities: Record<string, boolean> }>(url('/api/health'));
    assert.deepEqual(body.capabilities, { kill: true, freeze: true, partition: true, restart: true, addNode: true, zookeeperControl: true });
  });

  it('S1 bad inputs: 400 / 404 / 409 with {error, message}, and nothing changes', async () => {
    const before = await settled(3);
    const { slot } = leaderOf(before);
    const cases: Array<[string, unknown, number, string]> = [
      [`/api/slots/${slot}/freeze`, {}, 400, 'bad_request'],
      [`/api/slots/${slot}/freeze`, { durationMs: 99 }, 400, 'bad_request'],
      [`/api/slots/${slot}/freeze`, { durationMs: 60_001 }, 400, 'bad_request'],
      [`/api/slots/${slot}/freeze`, { durationMs: '500' }, 400, 'bad_request'],
      [`/api/slots/${slot}/freeze`, { durationMs: 500.5 }, 400, 'bad_request'],
      [`/api/slots/${slot}/freeze`, { durationMs: 500, extra: 1 }, 400, 'bad_request'],
      [`/api/slots/${slot}/partition`, { durationMs: 500 }, 400, 'bad_request'],
      [`/api/slots/${slot}/partition`, { durationMs: 500, style: 'cut' }, 400, 'bad_request'],
      [`/api/slots/${slot}/partition`, { durationMs: 50, style: 'drop' }, 400, 'bad_request'],
      [`/api/slots/${slot}/restart`, { now: true }, 400, 'bad_request'],
      ['/api/slots/a%20b/freeze', { durationMs: 500 }, 400, 'bad_request'],
      ['/api/slots/..%2F..%2Fetc/restart', {}, 400, 'bad_request'],
      ['/api/slots/node-99/freeze', { durationMs: 500 }, 404, 'unknown_slot'],
      ['/api/slots/node-99/restart', {}, 404, 'unknown_slot'],
      [`/api/slots/${slot}/restart`, {}, 409, 'invalid_state'],
      ['/api/slots', { count: 2 }, 400, 'bad_request'],
      ['/api/zookeeper/servers/2/stop', {}, 404, 'unknown_server'],
      ['/api/zookeeper/servers/1/start', {}, 409, 'invalid_state'],
      ['/api/zookeeper/servers/1/stop', { now: 1 }, 400, 'bad_request'],
    ];
    for (const [path, body, status, error] of cases) {
      const res = await post(path, body);
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, error, `${path} ${JSON.stringify(body)}`);
      assert.equal(typeof res.body.message, 'string');
    }
    const plain = await fetchJson<{ error: string }>(url(`/api/slots/${slot}/freeze`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"durationMs":500}',
    });
    assert.equal(plain.status, 415);
    const after = await settled(3);
    assert.deepEqual(
      after.slots.map((s) => [s.slot, s.state, s.znode, s.since]),
      before.slots.map((s) => [s.slot, s.state, s.znode, s.since]),
      'no slot changed',
    );
    assert.equal(after.leader, before.leader);
  });

  it('S2 freeze the leader for 2x the session timeout: a successor leads; the thawed node never acts again and rejoins at the end', async (t) => {
    const first = await settled(3);
    const old = leaderOf(first);
    const since = cursors();
    const res = await post(`/api/slots/${old.slot}/freeze`, { durationMs: 2 * SESSION_MS });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.state, 'frozen');
    const frozenAt = Date.now();
    const next = await nextActing(since, old.proc);
    t.diagnostic(`successor acting ${Number(next.event.at) - frozenAt} ms after the freeze was accepted (session timeout ${SESSION_MS} ms)`);
    const switched = await viewUntil('the gateway to show the successor', (v) => v.leader === next.event.znode);
    assert.equal(slotOf(switched, old.slot)?.state, 'frozen', 'the page shows the old leader frozen meanwhile');
    assert.ok(slotOf(switched, old.slot)!.until! > slotOf(switched, old.slot)!.since, 'with the time it ends');
    // The thaw: the node resumes, notices, stops acting, rejoins.
    const stop = await old.proc.waitFor('acting-stop', { since: since.get(old.proc), timeoutMs: GUARD_MS });
    const end = await settled(3);
    assert.equal(end.leader, next.event.znode, 'the successor still leads');
    const rejoined = slotOf(end, old.slot)!;
    assert.notEqual(rejoined.znode, old.znode, 'the thawed node rejoined with a new znode');
    assert.equal(nodeOf(end, rejoined.znode)!.sequence, maxSequence(end), 'at the end of the chain');
    assert.equal(nodeOf(end, rejoined.znode)!.role, 'worker');
    assert.deepEqual(eventsSince(old.proc, since.get(old.proc)!, 'acting-start'), [], 'the thawed node never acted again');
    t.diagnostic(`acting-stop after the thaw: ${String(stop.reason)}`);
    const events = (await fetchJson<{ events: { kind: string }[] }>(url('/api/events'))).body.events.map((e) => e.kind);
    assert.ok(events.includes('node-frozen') && events.includes('node-resumed'), `the freeze and its end are in the history: ${events.join(',')}`);
  });

  for (const style of ['drop', 'reset'] as const) {
    it(`S3 partition the leader (${style}) past the timeout: it steps down, one leader, heals, rejoins at the end`, async () => {
      const first = await settled(3);
      const old = leaderOf(first);
      const since = cursors();
      const res = await post(`/api/slots/${old.slot}/partition`, { durationMs: 2 * SESSION_MS, style });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.state, 'partitioned');
      const [next, stop] = await Promise.all([nextActing(since, old.proc), old.proc.waitFor('acting-stop', { since: since.get(old.proc), timeoutMs: GUARD_MS })]);
      assert.ok(Number(stop.at) <= Number(next.event.at), 'the cut-off leader stopped acting no later than the successor started');
      const cut = await viewUntil('the successor in the gateway', (v) => v.leader === next.event.znode);
      assert.equal(slotOf(cut, old.slot)?.state, 'partitioned');
      const end = await settled(3);
      assert.equal(end.leader, next.event.znode);
      const rejoined = slotOf(end, old.slot)!;
      assert.notEqual(rejoined.znode, old.znode);
      assert.equal(nodeOf(end, rejoined.znode)!.sequence, maxSequence(end), 'rejoined at the end of the chain');
      assert.deepEqual(eventsSince(old.proc, since.get(old.proc)!, 'acting-start'), [], 'it never acted again');
      const kinds = (await fetchJson<{ events: { kind: string }[] }>(url('/api/events'))).body.events.map((e) => e.kind);
      assert.ok(kinds.includes('node-partitioned') && kinds.includes('node-healed'));
    });
  }

  for (const style of ['drop', 'reset'] as const) {
    it(`S4 partition the leader (${style}) shorter than the timeout: it keeps leading`, async () => {
      const first = await settled(3);
      const old = leaderOf(first);
      const since = cursors();
      const res = await post(`/api/slots/${old.slot}/partition`, { durationMs: Math.round(SESSION_MS / 5), style });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await old.proc.waitFor((e) => e.ev === 'slot-state' && e.state === 'running' && e.from === 'partitioned', { since: since.get(old.proc), timeoutMs: GUARD_MS });
      const end = await settled(3);
      assert.equal(end.leader, old.znode, 'the same znode leads: no election happened');
      for (const p of cluster.nodes) if (p !== old.proc) assert.deepEqual(eventsSince(p, since.get(p)!, 'acting-start'), [], `${p.name} never acted`);
    });
  }

  it('S5 crash a node, then restart its slot: a new znode with a higher sequence, at the end of the chain', async () => {
    const first = await settled(3);
    const victim = first.nodes.find((n) => n.role === 'worker')!;
    const slot = victim.slot!;
    const killed = await killThroughGateway(cluster.url!, victim.id, 'crash');
    assert.equal(killed.status, 202, JSON.stringify(killed.body));
    const down = await viewUntil(`slot ${slot} crashed`, (v) => slotOf(v, slot)?.state === 'crashed');
    assert.equal(slotOf(down, slot)!.znode, null, 'a down slot has no znode');
    assert.equal(slotOf(down, slot)!.pid, null);
    const exit = proc(slot)
      .events.filter((e) => e.ev === 'node-exit')
      .at(-1);
    assert.equal(exit?.signal, 'SIGKILL', 'a crash is a real SIGKILL of the node process');
    // A down node cannot be frozen or cut off.
    for (const [path, body] of [
      [`/api/slots/${slot}/freeze`, { durationMs: 500 }],
      [`/api/slots/${slot}/partition`, { durationMs: 500, style: 'drop' }],
    ] as const) {
      const res = await post(path, body);
      assert.equal(res.status, 409, path);
      assert.equal(res.body.error, 'invalid_state');
    }
    const res = await post(`/api/slots/${slot}/restart`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const end = await settled(3);
    const restarted = slotOf(end, slot)!;
    const node = nodeOf(end, restarted.znode)!;
    assert.ok(node.sequence > victim.sequence, 'a higher sequence than before');
    assert.equal(node.sequence, maxSequence(end), 'at the end of the chain');
    const kinds = (await fetchJson<{ events: { kind: string }[] }>(url('/api/events'))).body.events.map((e) => e.kind);
    assert.ok(kinds.includes('node-crashed') && kinds.includes('node-restarted'), kinds.join(','));
  });

  it('S5b crash a frozen leader from the kill route: routed through its supervisor (a frozen process takes no request), a successor leads', async () => {
    const first = await settled(3);
    const old = leaderOf(first);
    const since = cursors();
    const frozen = await post(`/api/slots/${old.slot}/freeze`, { durationMs: 60_000 });
    assert.equal(frozen.status, 202, JSON.stringify(frozen.body));
    await viewUntil(`slot ${old.slot} frozen in the gateway`, (v) => slotOf(v, old.slot)?.state === 'frozen');
    const killed = await killThroughGateway(cluster.url!, old.znode, 'crash');
    assert.equal(killed.status, 202, JSON.stringify(killed.body));
    assert.equal((killed.body as { routedVia?: string }).routedVia, `supervisor of ${old.slot}`);
    await viewUntil(`slot ${old.slot} crashed`, (v) => slotOf(v, old.slot)?.state === 'crashed');
    const exit = old.proc.events.filter((e) => e.ev === 'node-exit').at(-1);
    assert.equal(exit?.signal, 'SIGKILL', 'a real SIGKILL, as from the leader');
    const next = await nextActing(since, old.proc);
    await viewUntil('the gateway to show the successor', (v) => v.leader === next.event.znode);
    assert.deepEqual(eventsSince(old.proc, since.get(old.proc)!, 'acting-start'), [], 'the frozen leader never acted again');
    const restarted = await post(`/api/slots/${old.slot}/restart`);
    assert.equal(restarted.status, 202, JSON.stringify(restarted.body));
    await settled(3);
  });

  it('S6 add a slot: a fourth node joins at the end of the chain', async () => {
    await settled(3);
    const res = await post('/api/slots');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const slot = String(res.body.slot);
    const end = await settled(4);
    const added = slotOf(end, slot)!;
    assert.equal(nodeOf(end, added.znode)!.sequence, maxSequence(end));
    assert.equal(nodeOf(end, added.znode)!.role, 'worker');
  });

  it('S7 stop ZooKeeper: zero acting leaders while it is down; start it: exactly one', async () => {
    await settled(4);
    const status = async (p: ManagedProcess) => (await fetchJson<{ acting: boolean }>(`http://127.0.0.1:${p.port}${NODE_ROUTES.status}`)).body.acting;
    const stopped = await post('/api/zookeeper/servers/1/stop');
    assert.equal(stopped.status, 202, JSON.stringify(stopped.body));
    assert.equal(cluster.zk!.serving, false);
    await waitUntil(async () => (await Promise.all(cluster.nodes.map(status))).every((a) => !a), {
      timeoutMs: GUARD_MS,
      description: 'no node acting while ZooKeeper is down',
      on: wakeOn(),
    });
    const again = await post('/api/zookeeper/servers/1/stop');
    assert.equal(again.status, 409, 'stopping a stopped server');
    assert.equal((await Promise.all(cluster.nodes.map(status))).filter(Boolean).length, 0, 'still nobody acting');
    const started = await post('/api/zookeeper/servers/1/start');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await settled(4);
    const actingNow = await waitUntil(
      async () => {
        const n = (await Promise.all(cluster.nodes.map(status))).filter(Boolean).length;
        return n === 1 ? n : null;
      },
      { timeoutMs: GUARD_MS, description: 'exactly one acting leader', on: wakeOn() },
    );
    assert.equal(actingNow, 1);
    const kinds = (await fetchJson<{ events: { kind: string }[] }>(url('/api/events'))).body.events.map((e) => e.kind);
    assert.ok(kinds.includes('zookeeper-stopped') && kinds.includes('zookeeper-started'));
  });
});
