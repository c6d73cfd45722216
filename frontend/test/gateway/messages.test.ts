import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddress } from '@zkviz/shared/net';
import { LineSplitter, parseStreamLine } from '../../src/gateway/leader-client/messages.js';
import { parseClientMessage } from '../../src/gateway/ws/client-messages.js';
import { isOriginAllowed } from '../../src/gateway/ws/origin.js';
import { heartbeatMsg, snapshot, snapshotMsg } from './fixtures.js';

describe('leader stream lines', () => {
  const valid = [
    ['a snapshot', JSON.stringify(snapshotMsg(1, [1, 2]))],
    ['a heartbeat', JSON.stringify(heartbeatMsg(1))],
  ] as const;
  for (const [name, line] of valid) {
    it(`accepts ${name}`, () => assert.equal(parseStreamLine(line).ok, true));
  }

  const broken = { type: 'snapshot', snapshot: snapshot(1, [1]) };
  const invalid: Array<[string, string]> = [
    ['non-JSON', '{"type":'],
    ['an unknown type', '{"type":"gossip"}'],
    ['a heartbeat without a token', '{"type":"heartbeat","leader":"x","at":1}'],
    ['a snapshot with a malformed node', JSON.stringify({ ...broken, snapshot: { ...broken.snapshot, nodes: [{ id: 1 }] } })],
    ['a snapshot without nodes', JSON.stringify({ type: 'snapshot', snapshot: { leader: 'x', fencingToken: 1, version: 1, generatedAt: 1 } })],
    ['an array', '[]'],
  ];
  for (const [name, line] of invalid) {
    it(`rejects ${name}`, () => assert.equal(parseStreamLine(line).ok, false));
  }

  it('splits chunks into lines, keeping partial lines and skipping blanks', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('{"a":1}\n{"b"'), ['{"a":1}']);
    assert.deepEqual(splitter.push(':2}\r\n\n'), ['{"b":2}']);
    assert.deepEqual(splitter.push(''), []);
  });

  it('refuses an endless line', () => {
    const splitter = new LineSplitter(10);
    assert.throws(() => splitter.push('x'.repeat(11)));
  });

  const addresses: Array<[string, ReturnType<typeof parseAddress>]> = [
    ['127.0.0.1:7001', { host: '127.0.0.1', port: 7001 }],
    ['node-3:7000', { host: 'node-3', port: 7000 }],
    ['[::1]:7000', { host: '::1', port: 7000 }],
    ['nohost', null],
    ['host:0', null],
    ['host:99999', null],
  ];
  for (const [address, expected] of addresses) {
    it(`parses address ${address}`, () => assert.deepEqual(parseAddress(address), expected));
  }
});

describe('browser messages', () => {
  it('accepts ping', () => assert.deepEqual(parseClientMessage('{"type":"ping"}'), { ok: true, message: { type: 'ping' } }));
  for (const raw of ['not json', '"ping"', 'null', '[]', '{"type":"subscribe"}', '{}']) {
    it(`answers bad_message to ${raw}`, () => {
      const result = parseClientMessage(raw);
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.reply.type === 'error' && result.reply.error, 'bad_message');
    });
  }
});

describe('WebSocket origin check', () => {
  const cases: Array<[origin: string | undefined, host: string, extras: string[], allowed: boolean]> = [
    [undefined, 'localhost:8080', [], true],
    ['http://localhost:8080', 'localhost:8080', [], true],
    ['http://LOCALHOST:8080', 'localhost:8080', [], true],
    ['https://gateway.example:8080', 'gateway.example:8080', [], true],
    ['http://localhost:5173', 'localhost:8080', [], false],
    ['http://localhost:5173', 'localhost:8080', ['http://localhost:5173'], true],
    ['http://evil.example', 'localhost:8080', ['http://localhost:5173'], false],
    ['null', 'localhost:8080', [], false],
    ['file://', 'localhost:8080', [], false],
  ];
  for (const [origin, host, extras, allowed] of cases) {
    it(`${allowed ? 'allows' : 'rejects'} ${origin} on ${host}${extras.length ? ` (+${extras.join(',')})` : ''}`, () =>
      assert.equal(isOriginAllowed(origin, host, extras), allowed));
  }
});
