import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { parseRecording, recordingEntryLine, type ClusterView } from '@zkviz/shared';
import { loadConfig } from '../../src/gateway/config.js';
import { Recorder } from '../../src/gateway/recording/recorder.js';
import { initialTrackerState } from '../../src/gateway/feed/leader-tracker.js';
import { buildGateway } from '../../src/gateway/app.js';
import { FakeDiscovery, FakeLeaderClient, FakeStreams, nodeId, snapshotMsg } from './fixtures.js';
import { buildHarness, type Harness } from './gateway-harness.js';

/** The tracker's own empty view (what a gateway records before any leader), at `seq`. */
const baseView = (seq: number): ClusterView => ({ ...initialTrackerState(seq).view, updatedAt: seq, seq });
const snapshotText = (seq: number) => JSON.stringify({ type: 'snapshot', view: baseView(seq) });

describe('Recorder bounds', () => {
  it('drops lines older than maxAgeMs, and the dropped snapshot becomes the header view', () => {
    let now = 0;
    const r = new Recorder(baseView(0), { maxAgeMs: 1000, maxBytes: 1 << 20 }, () => now);
    r.record(snapshotText(1), 'snapshot');
    now = 500;
    r.record('{"type":"event","event":{"at":500,"kind":"node-joined","nodeId":null,"text":"x"}}', 'event');
    now = 1200;
    r.record(snapshotText(2), 'snapshot');
    const parsed = parseRecording(r.export().join('\n'));
    assert.ok(parsed.ok);
    assert.equal(parsed.recording.header.startedAt, 0, 'nothing older than 1 s yet at t=1200 except the first line');
    now = 1600;
    const later = parseRecording(r.export().join('\n'));
    assert.ok(later.ok);
    assert.deepEqual(
      later.recording.entries.map((e) => e.at),
      [1200],
    );
    assert.equal(later.recording.header.startedAt, 500);
    assert.equal(later.recording.header.cluster.seq, 1, 'the view in effect at startedAt');
  });

  it('drops the oldest lines while the kept text is over maxBytes', () => {
    let now = 0;
    // The longest of the ten lines, newline included: three of them always fit.
    const one = recordingEntryLine(10, snapshotText(10)).length + 1;
    const r = new Recorder(baseView(0), { maxAgeMs: 1e9, maxBytes: one * 3 }, () => now);
    for (let i = 1; i <= 10; i++) {
      now = i;
      r.record(snapshotText(i), 'snapshot');
    }
    assert.ok(r.size.bytes <= one * 3);
    const parsed = parseRecording(r.export().join('\n'));
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.recording.entries.map((e) => e.message.type === 'snapshot' && e.message.view.seq),
      [8, 9, 10],
    );
    assert.equal(parsed.recording.header.cluster.seq, 7);
  });

  it('keeps zookeeper lines under the same bounds; a dropped one becomes the header’s zookeeper', () => {
    let now = 0;
    const zkText = (updatedAt: number) =>
      JSON.stringify({
        type: 'zookeeper',
        view: { servers: [], quorum: { size: 1, up: 1, holds: true }, sessions: [], znodes: [], updatedAt, source: ['srvr'], problems: [] },
      });
    const r = new Recorder(baseView(0), { maxAgeMs: 1000, maxBytes: 1 << 20 }, () => now);
    assert.equal(parseRecording(r.export().join('\n')).ok && 'zookeeper' in JSON.parse(r.export()[0]!), false, 'no ZooKeeper view yet: none in the header');
    r.record(zkText(1), 'zookeeper');
    now = 100;
    r.record(snapshotText(1), 'snapshot');
    now = 1050;
    r.record(zkText(1050), 'zookeeper');
    const parsed = parseRecording(r.export().join('\n'));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.equal(parsed.recording.header.zookeeper?.updatedAt, 1, 'the dropped line’s view is the picture at startedAt');
    assert.deepEqual(
      parsed.recording.entries.map((e) => e.message.type),
      ['snapshot', 'zookeeper'],
    );
  });

  it('never lets time go backwards when the wall clock steps back', () => {
    let now = 5000;
    const r = new Recorder(baseView(0), { maxAgeMs: 1e9, maxBytes: 1 << 20 }, () => now);
    r.record(snapshotText(1), 'snapshot');
    now = 4000;
    r.record(snapshotText(2), 'snapshot');
    const parsed = parseRecording(r.export().join('\n'));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.deepEqual(
      parsed.recording.entries.map((e) => e.at),
      [5000, 5000],
    );
  });

  it('reads its bounds from the environment and refuses nonsense', () => {
    assert.deepEqual(loadConfig({ RECORDING_MAX_AGE_MS: '60000', RECORDING_MAX_BYTES: '1048576' }).recording, { maxAgeMs: 60_000, maxBytes: 1_048_576 });
    assert.throws(() => loadConfig({ RECORDING_MAX_BYTES: '10' }), /RECORDING_MAX_BYTES/);
    assert.throws(() => loadConfig({ RECORDING_MAX_AGE_MS: 'soon' }), /RECORDING_MAX_AGE_MS/);
  });

  it('is on unless RECORDING=off, and refuses anything but on or off', () => {
    assert.equal(loadConfig({}).recordingOn, true);
    assert.equal(loadConfig({ RECORDING: 'off' }).recordingOn, false);
    assert.throws(() => loadConfig({ RECORDING: 'sometimes' }), /RECORDING must be on or off/);
  });
});

describe('GET /api/recording with RECORDING=off', () => {
  it('records no broadcast (the bench compares failover with it off)', async () => {
    const h = await buildHarness({ recordingOn: false });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const socket = new WebSocket(`${address.replace('http', 'ws')}/ws`);
    const received: string[] = [];
    await once(socket, 'open');
    socket.on('message', (d) => received.push(d.toString()));
    h.leadWith(3, [1, 2, 3]);
    // A leader's view was broadcast to the socket...
    await new Promise<void>((resolve) => {
      const check = () => (received.some((m) => m.includes('"status":"ok"')) ? resolve() : setImmediate(check));
      check();
    });
    socket.close();
    // ...and none of it was recorded: the header only.
    const res = await h.app.inject({ method: 'GET', url: '/api/recording' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.body
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type?: string }).type),
      ['recording'],
    );
    await h.app.close();
  });
});

describe('GET /api/recording', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await buildHarness();
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('http', 'ws');
  });
  after(() => h.app.close());

  it('holds exactly what /ws broadcast, after an NDJSON header', async () => {
    const socket = new WebSocket(`${base}/ws`);
    const received: string[] = [];
    await once(socket, 'open');
    socket.on('message', (d) => received.push(d.toString()));
    h.leadWith(3, [1, 2, 3]);
    h.streams.latest.handlers.onMessage(snapshotMsg(3, [1, 2, 3, 4], 2));
    // The last broadcast of the second snapshot is its node-joined event.
    await new Promise<void>((resolve) => {
      const check = () => (received.some((m) => m.includes('"node-joined"')) ? resolve() : setImmediate(check));
      check();
    });
    // A ZooKeeper view is broadcast and recorded like the rest.
    h.feed.setZooKeeperView({ servers: [], quorum: { size: 1, up: 1, holds: true }, sessions: [], znodes: [], updatedAt: 5, source: ['srvr'], problems: [] });
    await new Promise<void>((resolve) => {
      const check = () => (received.some((m) => m.startsWith('{"type":"zookeeper"')) ? resolve() : setImmediate(check));
      check();
    });
    socket.close();

    const res = await h.app.inject({ method: 'GET', url: '/api/recording' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/x-ndjson');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="zkviz-recording-.*\.ndjson"$/);
    const lines = res.body.trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { type: string; version: number; startedAt: number; cluster: ClusterView };
    assert.equal(header.type, 'recording');
    assert.equal(header.version, 1);
    assert.equal(typeof header.startedAt, 'number');
    assert.equal(header.cluster.status, 'connecting');
    // Every broadcast the socket got (after its own greeting) is a line's message, in order, byte for byte.
    const sent = lines.slice(1).map((l) => l.replace(/^\{"at":\d+,"message":/, '').slice(0, -1));
    const broadcasts = received.filter((m) => !m.startsWith('{"type":"pong"'));
    assert.deepEqual(sent.slice(-broadcasts.length), broadcasts);
    const parsed = parseRecording(res.body);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    const last = parsed.recording.entries.filter((e) => e.message.type === 'snapshot').pop();
    assert.equal(last?.message.type === 'snapshot' && last.message.view.leader, nodeId(3));
    assert.equal(parsed.recording.entries.at(-1)?.message.type, 'zookeeper');
  });

  it('refuses other methods with a JSON 405', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/recording' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.json<{ error: string }>().error, 'method_not_allowed');
  });
});

describe('GET /api/recording and the read budget', () => {
  it('shares the per-client budget of the other GET /api/* routes', async () => {
    const gw = await buildGateway({
      config: { staticDir: '/nonexistent', allowedOrigins: [], killRateLimitPerMinute: 100, logLevel: 'silent', limits: { readsPerMinute: 2 } },
      createDiscovery: () => new FakeDiscovery(),
      createStreamConnector: () => new FakeStreams().connector,
      leaderClient: new FakeLeaderClient(() => ({ statusCode: 202, body: null })),
      logger: false,
    });
    await gw.app.ready();
    assert.equal((await gw.app.inject({ method: 'GET', url: '/api/cluster' })).statusCode, 200);
    assert.equal((await gw.app.inject({ method: 'GET', url: '/api/recording' })).statusCode, 200);
    const refused = await gw.app.inject({ method: 'GET', url: '/api/recording' });
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json<{ error: string }>().error, 'rate_limited');
    await gw.app.close();
  });
});
