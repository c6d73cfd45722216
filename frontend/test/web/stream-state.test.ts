import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent, ClusterView, ScenarioRunView, ServerMessage } from '@zkviz/shared';
import { formatDuration, shortId } from '@zkviz/shared';
import {
  MAX_EVENTS,
  initialStreamState,
  parseServerMessage,
  reconnectDelayMs,
  streamReducer,
  type StreamAction,
  type StreamState,
} from '../../src/web/state/stream-state.js';

const view = (seq: number, status: ClusterView['status'] = 'ok'): ClusterView => ({
  status,
  slots: [],
  leader: status === 'ok' ? 'L' : null,
  fencingToken: status === 'ok' ? 1 : null,
  electionIncarnation: status === 'ok' ? '0x2@1000' : null,
  leaderAddress: null,
  nodes: [],
  stale: status === 'leaderless',
  leaderlessSince: status === 'leaderless' ? 5 : null,
  lastFailover: null,
  updatedAt: seq,
  seq,
});
const event = (at: number): ClusterEvent => ({ at, kind: 'node-joined', nodeId: null, text: `e${at}` });
const msg = (message: ServerMessage): StreamAction => ({ type: 'message', message });
const run = (actions: StreamAction[], from: StreamState = initialStreamState) => actions.reduce(streamReducer, from);

describe('page stream state', () => {
  it('goes live on open and shows each snapshot', () => {
    const state = run([{ type: 'socket-open' }, msg({ type: 'snapshot', view: view(1) }), msg({ type: 'snapshot', view: view(2, 'leaderless') })]);
    assert.equal(state.link, 'live');
    assert.equal(state.view?.status, 'leaderless');
  });

  it('keeps the last view while reconnecting, and accepts a restarted gateway’s lower seq', () => {
    const before = run([{ type: 'socket-open' }, msg({ type: 'snapshot', view: view(40) }), { type: 'socket-closed' }]);
    assert.equal(before.link, 'reconnecting');
    assert.equal(before.view?.seq, 40);
    const after = run([{ type: 'socket-open' }, msg({ type: 'snapshot', view: view(1) })], before);
    assert.equal(after.view?.seq, 1);
  });

  it('starts the event list afresh on each connection (the gateway replays recent events)', () => {
    const first = run([{ type: 'socket-open' }, msg({ type: 'event', event: event(1) }), msg({ type: 'event', event: event(2) })]);
    assert.equal(first.events.length, 2);
    const again = run([{ type: 'socket-closed' }, { type: 'socket-open' }, msg({ type: 'event', event: event(1) })], first);
    assert.deepEqual(
      again.events.map((e) => e.at),
      [1],
    );
  });

  it(`keeps at most ${MAX_EVENTS} events, newest last`, () => {
    const actions: StreamAction[] = [{ type: 'socket-open' }];
    for (let i = 0; i < MAX_EVENTS + 7; i++) actions.push(msg({ type: 'event', event: event(i) }));
    const state = run(actions);
    assert.equal(state.events.length, MAX_EVENTS);
    assert.equal(state.events[0]?.at, 7);
  });

  const raws: Array<[unknown, string | null]> = [
    [JSON.stringify({ type: 'snapshot', view: view(1) }), 'snapshot'],
    [JSON.stringify({ type: 'event', event: event(1) }), 'event'],
    [JSON.stringify({ type: 'pong', at: 1 }), 'pong'],
    ['{"type":"snapshot"}', null],
    ['{"type":"surprise"}', null],
    ['not json', null],
    [new ArrayBuffer(2), null],
  ];
  for (const [raw, type] of raws) {
    it(`parses ${typeof raw === 'string' ? raw.slice(0, 30) : 'binary'} as ${type}`, () => assert.equal(parseServerMessage(raw)?.type ?? null, type));
  }

  it('backs off reconnects up to 5 s with jitter', () => {
    assert.equal(
      reconnectDelayMs(0, () => 0.5),
      250,
    );
    assert.equal(
      reconnectDelayMs(3, () => 0.5),
      2000,
    );
    assert.equal(
      reconnectDelayMs(30, () => 0.5),
      5000,
    );
    assert.equal(
      reconnectDelayMs(30, () => 0),
      3750,
    );
    assert.equal(
      reconnectDelayMs(30, () => 1),
      6250,
    );
  });

  it('formats ids and durations for people', () => {
    assert.equal(shortId(`${'a'.repeat(32)}-n_0000000007`), 'n_0000000007');
    assert.equal(formatDuration(56.4), '56 ms');
    assert.equal(formatDuration(1234), '1.2 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
  });

  it('keeps the latest zookeeper view; rejects malformed ones', () => {
    const zk = { servers: [], quorum: { size: 1, up: 1, holds: true }, sessions: [], znodes: [], updatedAt: 1, source: ['srvr'], problems: [] };
    const parsed = parseServerMessage(JSON.stringify({ type: 'zookeeper', view: zk }));
    assert.ok(parsed);
    assert.deepEqual(run([{ type: 'socket-open' }, msg(parsed)]).zookeeper, zk);
    assert.equal(parseServerMessage(JSON.stringify({ type: 'zookeeper', view: { servers: 'x' } })), null);
    assert.equal(parseServerMessage(JSON.stringify({ type: 'zookeeper' })), null);
  });

  const scenarioRun = (version: number): ScenarioRunView => ({
    run: 1,
    id: 'zombie-leader',
    title: 'The zombie leader',
    status: 'running',
    current: 0,
    steps: [
      {
        title: 'Freeze the leader',
        state: 'ready',
        expect: 'n_1 stops answering',
        action: 'Freeze n_1 for 10.0 s',
        ask: null,
        waitingFor: null,
        deadline: null,
        explain: null,
        problem: null,
        startedAt: 5,
        endedAt: null,
      },
    ],
    startedAt: 5,
    endedAt: null,
    version,
  });

  it('keeps the latest scenario run, and a cleared one', () => {
    const first = parseServerMessage(JSON.stringify({ type: 'scenario', run: scenarioRun(1) }));
    const second = parseServerMessage(JSON.stringify({ type: 'scenario', run: scenarioRun(2) }));
    const cleared = parseServerMessage(JSON.stringify({ type: 'scenario', run: null }));
    assert.ok(first && second && cleared);
    const state = run([{ type: 'socket-open' }, msg(first), msg(second)]);
    assert.equal(state.scenario?.version, 2);
    assert.equal(state.scenario?.steps[0]?.action, 'Freeze n_1 for 10.0 s');
    assert.equal(run([msg(cleared)], state).scenario, null);
    assert.equal(initialStreamState.scenario, null);
  });

  it('keeps the scenario run across a reconnect (the gateway sends the latest again on connect)', () => {
    const first = parseServerMessage(JSON.stringify({ type: 'scenario', run: scenarioRun(3) }));
    assert.ok(first);
    const state = run([{ type: 'socket-open' }, msg(first), { type: 'socket-closed' }, { type: 'socket-open' }]);
    assert.equal(state.scenario?.version, 3);
  });

  const badScenarios: Array<[string, unknown]> = [
    ['no run field', { type: 'scenario' }],
    ['a run that is a string', { type: 'scenario', run: 'zombie' }],
    ['a run without steps', { type: 'scenario', run: { ...scenarioRun(1), steps: undefined } }],
    ['steps that are not a list', { type: 'scenario', run: { ...scenarioRun(1), steps: { 0: 'x' } } }],
    ['a step that is not an object', { type: 'scenario', run: { ...scenarioRun(1), steps: [null] } }],
  ];
  for (const [what, body] of badScenarios) {
    it(`rejects a scenario message with ${what}`, () => assert.equal(parseServerMessage(JSON.stringify(body)), null));
  }
});
