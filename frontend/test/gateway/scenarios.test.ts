/** The guided scenarios: the shipped files, the loader's checks, the templates and the runner over a fake feed. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { describe, it, mock } from 'node:test';
import type { ClusterEvent, ClusterView, FailoverRecord, ScenarioDefinition, ScenarioRunView, ZooKeeperView } from '@zkviz/shared';
import { defaultScenariosDir } from '../../src/gateway/config.js';
import type { FeedEvents } from '../../src/gateway/feed/cluster-feed.js';
import { loadScenarios, parseScenario } from '../../src/gateway/scenarios/loader.js';
import { planAction } from '../../src/gateway/scenarios/actions.js';
import { ScenarioRunner, type ActAnswer } from '../../src/gateway/scenarios/runner.js';
import { NOT_MEASURED, render } from '../../src/gateway/scenarios/template.js';
import { checkWait } from '../../src/gateway/scenarios/waits.js';
import { bindingOf, resolveNode, resolveServer, type Bindings, type World } from '../../src/gateway/scenarios/world.js';
import { node, nodeId } from './fixtures.js';
import { buildHarness } from './gateway-harness.js';

const ALL: ReturnType<typeof capabilities> = capabilities();
function capabilities() {
  return { kill: true, freeze: true, partition: true, restart: true, addNode: true, zookeeperControl: true };
}

function viewOf(leaderSeq: number | null, seqs: number[], extra: Partial<ClusterView> = {}): ClusterView {
  const sorted = [...seqs].sort((a, b) => a - b);
  return {
    status: leaderSeq === null ? 'leaderless' : 'ok',
    leader: leaderSeq === null ? null : nodeId(leaderSeq),
    fencingToken: leaderSeq,
    electionIncarnation: '0x2@1000',
    leaderAddress: leaderSeq === null ? null : `127.0.0.1:${7000 + leaderSeq}`,
    nodes: sorted.map((s, i) => ({
      ...node(s, s === leaderSeq ? 'leader' : 'worker', i === 0 ? null : sorted[i - 1]!),
      slot: `node-${s}`,
      session: `0x${s}`,
      liveness: 'alive' as const,
      sessionExpiresAt: null,
      watchConfirmed: true,
    })),
    stale: false,
    leaderlessSince: leaderSeq === null ? 1 : null,
    lastFailover: null,
    updatedAt: 1,
    seq: 1,
    slots: sorted.map((s) => ({ slot: `node-${s}`, state: 'running' as const, znode: nodeId(s), pid: 100 + s, since: 1, until: null })),
    recipe: 'predecessor',
    ...extra,
  };
}

class FakeFeed extends EventEmitter<FeedEvents> {
  view: ClusterView = viewOf(1, [1, 2, 3]);
  zookeeper: ZooKeeperView | null = null;
  show(view: ClusterView): void {
    this.view = view;
    this.emit('view', view);
  }
  happen(event: ClusterEvent): void {
    this.emit('event', event);
  }
}

function runnerOver(definitions: ScenarioDefinition[], answer: (url: string, body: object) => ActAnswer = () => ({ statusCode: 202, body: {} })) {
  const feed = new FakeFeed();
  const sent: { url: string; body: object }[] = [];
  const published: ScenarioRunView[] = [];
  let clock = 10_000;
  const runner = new ScenarioRunner(definitions, {
    feed,
    act: async (url, body) => {
      sent.push({ url, body });
      return answer(url, body);
    },
    world: { capabilities: ALL, recipeWritable: true, defaultSessionTimeoutMs: 4000 },
    now: () => clock,
  });
  runner.on('run', (run) => run && published.push(run));
  runner.start();
  return { feed, runner, sent, published, tick: (ms: number) => (clock += ms), at: () => clock };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const graceful: ScenarioDefinition = {
  id: 'handover',
  title: 'Hand-over',
  summary: 'x',
  needs: { nodes: 3 },
  steps: [
    { title: 'intro', expect: '{{leader}} leads with token {{fencingToken}}; {{successor}} watches it.' },
    {
      title: 'stop',
      do: { action: 'kill', node: 'leader', mode: 'graceful', as: 'stopped' },
      wait: { for: 'failover', from: 'stopped', counted: true },
      explain:
        '{{failover.to}} leads (token {{failover.fencingToken}}) after {{failover.tookMs}}; woken {{failover.notified}}; deleted {{ms stopped.acted failover.znode-deleted}} after.',
    },
  ],
};

function failoverFrom(from: number, to: number, at: number, extra: Partial<FailoverRecord> = {}): FailoverRecord {
  return {
    from: nodeId(from),
    to: nodeId(to),
    durationMs: 42,
    at,
    mode: 'graceful',
    phases: [
      { name: 'kill-requested', at: at - 50, by: 'gateway' },
      { name: 'znode-deleted', at: at - 30, by: 'zookeeper' },
    ],
    ...extra,
  };
}

describe('shipped scenarios', () => {
  it('every file in frontend/scenarios loads and checks', async () => {
    const loaded = await loadScenarios(defaultScenariosDir());
    const problems = loaded.flatMap((l) => (l.ok ? [] : [l.problem]));
    assert.deepEqual(problems, []);
    const ids = loaded.flatMap((l) => (l.ok ? [l.scenario.id] : []));
    for (const id of ['leader-crash', 'graceful-handover', 'zombie-leader', 'worker-cut-off', 'herd-effect', 'quorum-loss']) assert.ok(ids.includes(id), id);
  });
});

describe('scenario loader', () => {
  it('loads the README’s example as it is written', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const example = /### Writing a scenario[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'the README has the example');
    const r = parseScenario('my-demo.yaml', example);
    assert.equal(r.ok ? null : r.problem, null);
  });

  const base = 'id: s\ntitle: S\nsummary: x\nsteps:\n';
  const problem = (text: string, file = 's.yaml') => {
    const r = parseScenario(file, text);
    return r.ok ? null : r.problem;
  };
  it('accepts a minimal file', () => assert.equal(problem(`${base}  - title: one\n`), null));
  it('names a YAML error', () => assert.match(problem('id: [')!, /not valid YAML/));
  it('names the field the schema refuses', () => {
    assert.match(problem(`${base}  - title: one\n    do: { action: kill, node: leader, mode: explode }\n`)!, /steps\.0\.do/);
    assert.match(problem(`${base}  - title: one\n    colour: red\n`)!, /colour/);
  });
  it('wants the file named after its id', () => assert.match(problem(`${base}  - title: one\n`, 'other.yaml')!, /name the file s\.yaml/));
  it('refuses a node nobody bound', () => {
    assert.match(problem(`${base}  - title: one\n    do: { action: restart, node: ghosty }\n`)!, /node ghosty is not bound/);
    assert.match(problem(`${base}  - title: one\n    wait: { for: failover, from: ghosty }\n`)!, /node ghosty is not bound/);
  });
  it('names what the kind the author chose lacks, or the kinds there are', () => {
    assert.match(problem(`${base}  - title: one\n    do: { action: kill }\n`)!, /steps\.0\.do must have required property 'node'/);
    assert.match(problem(`${base}  - title: one\n    wait: { for: nothing }\n`)!, /steps\.0\.wait\.for must be one of: failover, .*leaderless/);
  });
  it('refuses a ghost or rejoined wait that names no node (checkWait relies on it)', () => {
    for (const kind of ['ghost', 'rejoined'])
      assert.match(problem(`${base}  - title: one\n    wait: { for: ${kind} }\n`)!, /steps\.0\.wait must have required property 'node'/);
  });
  it('refuses a template reading an unknown name or an unbalanced brace', () => {
    assert.match(problem(`${base}  - title: one\n    expect: "{{nobody}} leads"\n`)!, /\{\{nobody\}\} is not known/);
    assert.match(problem(`${base}  - title: one\n    expect: "{{leader} leads"\n`)!, /unbalanced/);
    assert.match(problem(`${base}  - title: one\n    explain: "{{ms acted}}"\n`)!, /two moment names/);
  });
  it('lets explain read its own wait, expect only earlier ones', () => {
    const wait = '    do: { action: kill, node: leader, mode: crash, as: x }\n    wait: { for: failover, from: x }\n';
    assert.equal(problem(`${base}  - title: one\n${wait}    explain: "{{failover.to}} {{ms x.acted failover.znode-deleted}}"\n`), null);
    assert.match(problem(`${base}  - title: one\n${wait}    expect: "{{failover.to}}"\n`)!, /not known/);
  });
  it('refuses binding a built-in name', () =>
    assert.match(problem(`${base}  - title: one\n    do: { action: kill, node: leader, mode: crash, as: leader }\n`)!, /built-in/));
});

describe('scenario templates', () => {
  const scope = {
    values: { leader: { kind: 'node' as const, znode: nodeId(3), fields: { fencingToken: 3 } }, tookMs: 1234, count: 7, missing: null },
    moments: { a: 1000, 'f.znode-deleted': 1056 },
  };
  it('shows nodes short, durations with units, moments as differences', () => {
    assert.equal(
      render('{{leader}} ({{leader.fencingToken}}) took {{tookMs}}, {{count}} woke, {{ms a f.znode-deleted}} apart', scope),
      'n_0000000003 (3) took 1.2 s, 7 woke, 56 ms apart',
    );
  });
  it('says "(not measured)" for what was not measured', () => {
    assert.equal(render('{{missing}} / {{leader.nothing}} / {{ms a b}}', scope), `${NOT_MEASURED} / ${NOT_MEASURED} / ${NOT_MEASURED}`);
  });
});

describe('scenario runner', () => {
  it('lists what can run and why not', () => {
    const { runner, feed } = runnerOver([graceful, { ...graceful, id: 'big', needs: { nodes: 5 } }, { ...graceful, id: 'ens', needs: { ensemble: 3 } }]);
    const list = runner.list();
    assert.deepEqual(
      list.map((l) => [l.id, l.available]),
      [
        ['big', false],
        ['ens', false],
        ['handover', true],
      ],
    );
    assert.match(list[0]!.why!, /at least 5 nodes; there are 3/);
    assert.match(list[1]!.why!, /--ensemble 3/);
    feed.show(viewOf(null, []));
    assert.match(runner.list()[2]!.why!, /needs a leader/);
  });

  it('says what to expect, acts on Next, waits for the real event and explains it with its numbers', async () => {
    const { runner, feed, sent, tick, at } = runnerOver([graceful]);
    const begun = runner.begin('handover');
    assert.ok(begun.ok);
    assert.equal(begun.run.steps[0]!.state, 'ready');
    assert.equal(begun.run.steps[0]!.expect, 'n_0000000001 leads with token 1; n_0000000002 watches it.');
    assert.equal(runner.next().ok, true);
    const step = runner.run!.steps[1]!;
    assert.equal(step.state, 'ready');
    assert.equal(step.action, 'Stop n_0000000001 gracefully (SIGTERM)');
    const acting = runner.next();
    assert.ok(acting.ok);
    assert.equal(runner.run!.steps[1]!.state, 'acting');
    const refused = runner.next();
    assert.equal(refused.ok ? null : refused.error, 'step_in_progress');
    await flush();
    assert.deepEqual(sent, [{ url: `/api/nodes/${nodeId(1)}/kill`, body: { mode: 'graceful' } }]);
    assert.equal(runner.run!.steps[1]!.state, 'waiting');
    const sentAt = at();
    tick(100);
    // A failover without its counts is not yet what the step waits for (counted: true).
    feed.show(viewOf(2, [2, 3], { lastFailover: failoverFrom(1, 2, sentAt + 80) }));
    assert.equal(runner.run!.steps[1]!.state, 'waiting');
    feed.show(viewOf(2, [2, 3], { lastFailover: failoverFrom(1, 2, sentAt + 80, { notified: 1 }) }));
    const done = runner.run!;
    assert.equal(done.status, 'done');
    assert.equal(done.steps[1]!.state, 'done');
    assert.equal(done.steps[1]!.explain, 'n_0000000002 leads (token 2) after 42 ms; woken 1; deleted 50 ms after.');
  });

  it('refines the explanation when late phases arrive', async () => {
    const { runner, feed, at } = runnerOver(
      [{ ...graceful, steps: [graceful.steps[1]!] }].map((d) => ({
        ...d,
        steps: d.steps.map((s) => ({ ...s, wait: { for: 'failover' as const, from: 'stopped' } })),
      })),
    );
    runner.begin('handover');
    runner.next();
    await flush();
    const sentAt = at();
    const record = failoverFrom(1, 2, sentAt + 80, { phases: [] });
    feed.show(viewOf(2, [2, 3], { lastFailover: record }));
    assert.match(runner.run!.steps[0]!.explain!, /deleted \(not measured\) after/);
    feed.show(viewOf(2, [2, 3], { lastFailover: { ...record, notified: 1, phases: [{ name: 'znode-deleted', at: sentAt + 20, by: 'zookeeper' }] } }));
    assert.match(runner.run!.steps[0]!.explain!, /woken 1; deleted 20 ms after/);
  });

  it('counts an event that came while the action was on its way, and refuses a forbidden one', async () => {
    const definition: ScenarioDefinition = {
      id: 'cut',
      title: 'Cut',
      summary: 'x',
      steps: [
        {
          title: 'cut',
          do: { action: 'partition', node: 'last', durationMs: { sessions: 0.5 }, as: 'cut' },
          wait: { for: 'event', kind: 'node-healed', node: 'cut' },
          forbid: { kind: 'node-left', node: 'cut' },
          explain: '{{cut}} cut for {{action.durationMs}}',
        },
      ],
    };
    let release: (a: ActAnswer) => void = () => undefined;
    const feed = new FakeFeed();
    const runner = new ScenarioRunner([definition], {
      feed,
      act: (url, body) => {
        assert.equal(url, '/api/slots/node-3/partition');
        assert.deepEqual(body, { durationMs: 2000, style: 'drop' });
        return new Promise((resolve) => (release = resolve));
      },
      world: { capabilities: ALL, recipeWritable: true, defaultSessionTimeoutMs: 4000 },
    });
    runner.start();
    runner.begin('cut');
    runner.next();
    feed.happen({ at: Date.now(), kind: 'node-healed', nodeId: nodeId(3), text: 'healed' });
    release({ statusCode: 202, body: {} });
    await flush();
    assert.equal(runner.run!.status, 'done');
    assert.equal(runner.run!.steps[0]!.explain, 'n_0000000003 cut for 2.0 s');

    runner.begin('cut');
    runner.next();
    release({ statusCode: 202, body: {} });
    await flush();
    feed.happen({ at: Date.now(), kind: 'node-left', nodeId: nodeId(3), text: 'n_0000000003 left' });
    assert.equal(runner.run!.status, 'missed');
    assert.equal(runner.run!.steps[0]!.problem, 'This was not supposed to happen: n_0000000003 left.');
  });

  it('says plainly when the event does not come within its bound', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { runner } = runnerOver([{ ...graceful, steps: [{ ...graceful.steps[1]!, wait: { for: 'failover', from: 'stopped', within: 5000 } }] }]);
      runner.begin('handover');
      runner.next();
      await flush();
      mock.timers.tick(5000);
      assert.equal(runner.run!.status, 'missed');
      assert.match(runner.run!.steps[0]!.problem!, /^Did not happen within 5 s: we waited for a new leader after n_0000000001/);
    } finally {
      mock.timers.reset();
    }
  });

  it('stops the run at a refused action, with the gateway’s reason', async () => {
    const { runner } = runnerOver([graceful], () => ({ statusCode: 409, body: { error: 'no_leader', message: 'no leader right now' } }));
    runner.begin('handover');
    runner.next();
    runner.next();
    await flush();
    assert.equal(runner.run!.status, 'failed');
    assert.equal(runner.run!.steps[1]!.problem, 'The gateway refused “Stop n_0000000001 gracefully (SIGTERM)”: no leader right now.');
  });

  it('runs one scenario at a time; stop ends it where it is', () => {
    const { runner } = runnerOver([graceful]);
    assert.ok(runner.begin('handover').ok);
    const second = runner.begin('handover');
    assert.equal(second.ok ? null : second.error, 'scenario_running');
    assert.equal(runner.halt().ok, true);
    assert.equal(runner.run!.status, 'stopped');
    const again = runner.halt();
    assert.equal(again.ok ? null : again.error, 'no_scenario');
    assert.equal(runner.begin('handover').ok, true);
    assert.equal(runner.run!.run, 2);
  });
});

describe('scenario references', () => {
  function ensemble(leader: number | null, ids = [1, 2, 3]): ZooKeeperView {
    return {
      servers: ids.map((id) => ({
        id,
        address: `127.0.0.1:${2180 + id}`,
        state: 'up' as const,
        mode: id === leader ? ('leader' as const) : ('follower' as const),
        zxid: null,
        epoch: null,
        counter: null,
        version: null,
        latency: null,
        connections: null,
        outstanding: null,
        znodeCount: null,
        watchCount: null,
      })),
      quorum: { size: ids.length, up: ids.length, holds: true },
      sessions: [],
      znodes: [],
      updatedAt: 1,
      source: [],
      problems: [],
    };
  }
  const worldOf = (view: ClusterView, zookeeper: ZooKeeperView | null): World => ({
    view,
    zookeeper,
    capabilities: ALL,
    recipeWritable: true,
    defaultSessionTimeoutMs: 4000,
  });
  const ctx = (world: World, bindings: Bindings) => ({ world, bindings, since: 0, events: [], now: 10 });

  it('resolves a bound ZooKeeper server only while the view has it, and says why not', () => {
    const bindings: Bindings = { stopped: { server: '3' } };
    const restart = { action: 'zookeeper', server: 'stopped', op: 'start' } as const;
    // The ZooKeeper view went away (or lost the server) between the step that bound it and this one.
    const gone = worldOf(viewOf(1, [1, 2]), ensemble(2, [1, 2]));
    assert.equal(planAction(restart, gone, bindings), 'ZooKeeper server 3 (bound as stopped) is not in the ZooKeeper view now');
    assert.equal(planAction(restart, worldOf(viewOf(1, [1, 2]), null), bindings), 'ZooKeeper server 3 (bound as stopped) is not in the ZooKeeper view now');
    assert.equal(planAction({ action: 'zookeeper', server: '7', op: 'stop' }, gone, {}), 'no ZooKeeper server 7');
    assert.deepEqual(resolveServer('stopped', worldOf(viewOf(1, [1, 2]), ensemble(2)), bindings), { ok: true, id: '3' });
    assert.deepEqual(resolveServer('stopped', gone, bindings), { ok: false, reason: 'ZooKeeper server 3 (bound as stopped) is not in the ZooKeeper view now' });
    assert.deepEqual(resolveServer('zk-leader', worldOf(viewOf(1, [1, 2]), ensemble(null)), {}), { ok: false, reason: 'no ZooKeeper server leads right now' });
    assert.deepEqual(resolveServer('2', worldOf(viewOf(1, [1, 2]), null), {}), {
      ok: false,
      reason: 'no ZooKeeper view right now (ZOOKEEPER_VIEW=off, or not read yet): server 2 cannot be found',
    });
  });

  it('resolves a selector against the view now, a bound node by its binding even when it left the view', () => {
    const alone = worldOf(viewOf(1, [1]), null);
    assert.deepEqual(resolveNode('successor', alone, {}), { ok: false, reason: 'there is no successor in the cluster right now' });
    assert.equal(planAction({ action: 'kill', node: 'successor', mode: 'crash' }, alone, {}), 'there is no successor in the cluster right now');
    assert.equal(checkWait({ for: 'event', kind: 'node-crashed', node: 'nobody' }, ctx(alone, {})), 'no node is called nobody in this run');

    const before = viewOf(1, [1, 2, 3]);
    const bindings: Bindings = { stopped: bindingOf(before.nodes[0]!, before) };
    const after = worldOf(viewOf(2, [2, 3], { lastFailover: failoverFrom(1, 2, 5) }), null);
    const resolved = resolveNode('stopped', after, bindings);
    assert.equal(resolved.ok && resolved.binding.znode, nodeId(1));
    assert.equal(checkWait({ for: 'ghost', node: 'stopped' }, ctx(after, bindings)), null);
    const met = checkWait({ for: 'failover', from: 'stopped' }, ctx(after, bindings));
    assert.ok(met && typeof met === 'object', 'the failover from the bound node counts');
    assert.equal(met.failover?.to, nodeId(2));
  });
});

describe('scenario routes', () => {
  it('lists every shipped scenario, refuses bad and unknown ids, and needs a run for next and stop', async () => {
    const h = await buildHarness();
    try {
      const list = await h.app.inject({ method: 'GET', url: '/api/scenarios' });
      assert.equal(list.statusCode, 200);
      const body = list.json<{ scenarios: { id: string; available: boolean; why: string | null }[]; run: null }>();
      assert.equal(body.run, null);
      assert.ok(body.scenarios.length >= 6);
      assert.ok(body.scenarios.every((s) => !s.available && typeof s.why === 'string'));
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/scenarios/NOPE!/run', payload: {} })).statusCode, 400);
      const unknown = await h.app.inject({ method: 'POST', url: '/api/scenarios/nope/run', payload: {} });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json<{ error: string }>().error, 'unknown_scenario');
      const unavailable = await h.app.inject({ method: 'POST', url: '/api/scenarios/leader-crash/run', payload: {} });
      assert.equal(unavailable.statusCode, 409);
      assert.equal(unavailable.json<{ error: string }>().error, 'not_available');
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/scenarios/current/next', payload: {} })).json<{ error: string }>().error, 'no_scenario');
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/scenarios/current/stop', payload: { x: 1 } })).statusCode, 400);
    } finally {
      await h.app.close();
    }
  });
});
