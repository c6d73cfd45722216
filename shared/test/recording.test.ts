import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView, ZooKeeperView } from '../src/protocol.js';
import { parseRecording, recordingEntryLine, serializeRecording, type Recording } from '../src/recording.js';

const id = (seq: number) => `${'a'.repeat(32)}-n_${String(seq).padStart(10, '0')}`;

function view(leader: number | null, seqs: number[], seq: number): ClusterView {
  return {
    status: leader === null ? 'leaderless' : 'ok',
    leader: leader === null ? null : id(leader),
    fencingToken: leader,
    electionIncarnation: leader === null ? null : '0x2@1000',
    leaderAddress: leader === null ? null : '127.0.0.1:7001',
    nodes: seqs.map((s, i) => ({
      id: id(s),
      sequence: s,
      role: s === leader ? 'leader' : 'worker',
      watching: i === 0 ? null : id(seqs[i - 1]!),
      address: `127.0.0.1:${7000 + s}`,
      startedAt: 1,
      pid: 10 + s,
      inCoordinatorsRegistry: s === leader,
      inWorkersRegistry: s !== leader,
      session: null,
      liveness: 'alive' as const,
      sessionExpiresAt: null,
      watchConfirmed: null,
    })),
    stale: leader === null,
    leaderlessSince: leader === null ? 2500 : null,
    lastFailover: null,
    updatedAt: 1000 + seq,
    seq,
    slots: [],
  };
}

const recording: Recording = {
  header: { type: 'recording', version: 1, startedAt: 1000, cluster: view(1, [1, 2, 3], 1) },
  entries: [
    { at: 2000, message: { type: 'event', event: { at: 2000, kind: 'kill-requested', nodeId: id(1), text: 'kill n_1 (crash)' } } },
    { at: 2500, message: { type: 'snapshot', view: view(null, [1, 2, 3], 2) } },
    { at: 2500, message: { type: 'event', event: { at: 2500, kind: 'leader-lost', nodeId: id(1), text: 'leader lost' } } },
    { at: 4200, message: { type: 'snapshot', view: view(2, [2, 3], 3) } },
  ],
};

test('a recording survives serialize → parse unchanged', () => {
  const text = serializeRecording(recording);
  assert.equal(text.split('\n').length, recording.entries.length + 2, 'header, one line per message, final newline');
  const parsed = parseRecording(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  assert.deepEqual(parsed.recording, recording);
  // and back to the same text
  assert.equal(serializeRecording(parsed.recording), text);
});

function zk(updatedAt: number, ghost: boolean): ZooKeeperView {
  return {
    servers: [
      {
        id: 1,
        address: '127.0.0.1:2181',
        state: 'up',
        mode: 'standalone',
        zxid: '0x1a',
        epoch: 0,
        counter: 26,
        version: '3.8.0',
        latency: { min: 0, avg: 0.4, max: 12 },
        connections: 4,
        outstanding: 0,
        znodeCount: 14,
        watchCount: 3,
      },
    ],
    quorum: { size: 1, up: 1, holds: true },
    sessions: [
      {
        id: '0x1000000000001',
        timeoutMs: 1000,
        owner: id(1),
        server: ghost ? null : '127.0.0.1:2181',
        connected: !ghost,
        expiresAt: ghost ? updatedAt + 900 : null,
        ephemerals: [`/election/${id(1)}`],
        watches: [],
      },
      {
        id: '0x1000000000002',
        timeoutMs: 1000,
        owner: id(2),
        server: '127.0.0.1:2181',
        connected: true,
        expiresAt: null,
        ephemerals: [],
        watches: [`/election/${id(1)}`],
      },
    ],
    znodes: [
      {
        path: `/election/${id(1)}`,
        stat: { czxid: '0x5', mzxid: '0x5', ctime: 1, mtime: 1, version: 0, cversion: 0, ephemeralOwner: '0x1000000000001', dataLength: 2, numChildren: 0 },
        data: '{}',
      },
    ],
    updatedAt,
    source: ['srvr', 'mntr', 'cons', 'dump', 'wchc', 'znodes'],
    problems: [],
  };
}

test('ZooKeeper views round-trip too: in the header and as their own lines', () => {
  const withZk: Recording = {
    header: { ...recording.header, zookeeper: zk(1000, false) },
    entries: [recording.entries[0]!, { at: 2050, message: { type: 'zookeeper', view: zk(2050, true) } }, ...recording.entries.slice(1)],
  };
  const text = serializeRecording(withZk);
  const parsed = parseRecording(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  assert.deepEqual(parsed.recording, withZk);
  assert.equal(serializeRecording(parsed.recording), text);
  const lines = text.split('\n');
  const bad: [string, string, number, RegExp][] = [
    ['zookeeper line without a view', '{"at":2050,"message":{"type":"zookeeper","view":null}}', 3, /ZooKeeper view is not an object/],
    ['zookeeper view without quorum', lines[2]!.replace('"quorum":{"size":1,"up":1,"holds":true},', ''), 3, /quorum/],
    ['session watches not a list', lines[2]!.replace('"watches":[]', '"watches":"x"'), 3, /session 0/],
    ['server of unknown state', lines[2]!.replace('"state":"up"', '"state":"melting"'), 3, /server 0/],
    ['header with a broken zookeeper', lines[0]!.replace('"sessions":[', '"sessions":[7,'), 1, /header's zookeeper: .*session 0/],
  ];
  for (const [name, line, lineNo, pattern] of bad) {
    const broken = parseRecording([...lines.slice(0, lineNo - 1), line, ...lines.slice(lineNo)].join('\n'));
    assert.equal(broken.ok, false, name);
    if (broken.ok) continue;
    assert.equal(broken.line, lineNo, `${name}: ${broken.message}`);
    assert.match(broken.message, pattern, name);
  }
});

test('a line holds the sent text byte for byte', () => {
  const sent = JSON.stringify({ type: 'snapshot', view: view(3, [3], 9) });
  const line = recordingEntryLine(77, sent);
  assert.ok(line.endsWith(`"message":${sent}}`));
  assert.deepEqual(JSON.parse(line), { at: 77, message: JSON.parse(sent) as unknown });
});

test('CRLF line ends and a missing final newline are accepted', () => {
  const text = serializeRecording(recording).trimEnd().replace(/\n/g, '\r\n');
  const parsed = parseRecording(text);
  assert.ok(parsed.ok);
  assert.equal(parsed.recording.entries.length, 4);
});

test('a bad file gets one clear error naming its first bad line', () => {
  const good = serializeRecording(recording).split('\n');
  const withLine = (i: number, line: string) => [...good.slice(0, i), line, ...good.slice(i + 1)].join('\n');
  const cases: [string, string, number, RegExp][] = [
    ['empty', '', 1, /empty/],
    ['not JSON at all', 'hello\nworld', 1, /not a zkviz recording/],
    ['no header', good.slice(1).join('\n'), 1, /header/],
    ['future version', withLine(0, good[0]!.replace('"version":1', '"version":2')), 1, /version 2 is not supported/],
    ['header without cluster', withLine(0, '{"type":"recording","version":1,"startedAt":1}'), 1, /cluster/],
    ['broken JSON line', withLine(2, '{"at":2500,'), 3, /not JSON/],
    ['no at', withLine(1, '{"message":{"type":"event"}}'), 2, /numeric "at"/],
    ['time going back', withLine(4, good[4]!.replace('"at":4200', '"at":100')), 5, /back in time/],
    ['unknown message', withLine(3, '{"at":2500,"message":{"type":"pong","at":1}}'), 4, /unknown message type "pong"/],
    ['prototype key as type', withLine(3, '{"at":2500,"message":{"type":"toString"}}'), 4, /unknown message type/],
    ['snapshot without nodes', withLine(2, '{"at":2500,"message":{"type":"snapshot","view":{"status":"ok","leader":null}}}'), 3, /nodes/],
    ['node without id', withLine(4, good[4]!.replace(/"id":"a{32}-n_0000000002",/, '')), 5, /node 0/],
    ['event of unknown kind', withLine(1, good[1]!.replace('kill-requested', 'Exploded!')), 2, /event/],
    ['blank line inside', withLine(2, ''), 3, /empty/],
  ];
  for (const [name, text, line, pattern] of cases) {
    const parsed = parseRecording(text);
    assert.equal(parsed.ok, false, name);
    if (parsed.ok) continue;
    assert.equal(parsed.line, line, `${name}: ${parsed.message}`);
    assert.match(parsed.message, pattern, name);
    assert.match(parsed.message, new RegExp(`^line ${line}: `), name);
  }
});
