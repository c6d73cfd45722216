import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidAddress, parseElectionZnodeData } from '../src/validate.js';

const json = (value: unknown) => JSON.stringify(value);

test('isValidAddress accepts host:port forms and refuses the rest', () => {
  for (const ok of ['127.0.0.1:7001', 'node-1.zkviz_local:80', '[::1]:8080', 'a:1']) assert.equal(isValidAddress(ok), true, ok);
  for (const bad of ['', '127.0.0.1', ':7001', 'host:', 'host:123456', 'ho st:1', 'host:1/path', 'http://h:1', `${'a'.repeat(256)}:1`, 7001, null, undefined, {}]) {
    assert.equal(isValidAddress(bad), false, JSON.stringify(bad));
  }
});

test('parseElectionZnodeData reads address, startedAt and pid from JSON text or bytes', () => {
  const data = { address: '127.0.0.1:7001', startedAt: 1, pid: 2 };
  assert.deepEqual(parseElectionZnodeData(json(data)), data);
  assert.deepEqual(parseElectionZnodeData(new TextEncoder().encode(json({ ...data, extra: 'ignored' }))), data);
});

test('parseElectionZnodeData returns null for garbage, never throws', () => {
  for (const bad of [
    null,
    undefined,
    '',
    '{',
    'null',
    '[]',
    '"text"',
    json({ address: 'nope', startedAt: 1, pid: 2 }),
    json({ address: '127.0.0.1:1', startedAt: '1', pid: 2 }),
    json({ address: '127.0.0.1:1', startedAt: Number.NaN, pid: 2 }),
    json({ address: '127.0.0.1:1', startedAt: 1 }),
    new Uint8Array([0xff, 0xfe, 0x00]),
    json({ address: '127.0.0.1:1', startedAt: 1, pid: 2, pad: 'x'.repeat(64 * 1024) }),
  ]) {
    assert.equal(parseElectionZnodeData(bad), null, String(bad).slice(0, 60));
  }
});
