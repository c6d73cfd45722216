import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidAddress, parseElectionZnodeData, parseRegistryEntry } from '../src/validate.js';

const NAME = '0123456789abcdef0123456789abcdef-n_0000000007';
const ENTRY = {
  id: NAME,
  sequence: 7,
  role: 'leader',
  watching: null,
  address: '127.0.0.1:7001',
  startedAt: 1_700_000_000_000,
  pid: 4242,
  sessionId: '0x100000abc',
  updatedAt: 1_700_000_000_500,
  registeredAt: 1_700_000_000_100,
};
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

test('parseRegistryEntry returns the entry when it is well formed and names its own znode', () => {
  assert.deepEqual(parseRegistryEntry(NAME, json(ENTRY)), ENTRY);
  assert.deepEqual(parseRegistryEntry(NAME, new TextEncoder().encode(json(ENTRY))), ENTRY);
  const worker = { ...ENTRY, role: 'worker', watching: '0123456789abcdef0123456789abcdef-n_0000000006' };
  assert.deepEqual(parseRegistryEntry(NAME, json(worker)), worker);
  // unknown fields are dropped, not passed on
  assert.deepEqual(parseRegistryEntry(NAME, json({ ...ENTRY, injected: '<script>' })), ENTRY);
});

test('parseRegistryEntry refuses an entry stored under another name or a name that is no election znode', () => {
  assert.equal(parseRegistryEntry('0123456789abcdef0123456789abcdef-n_0000000008', json(ENTRY)), null);
  assert.equal(parseRegistryEntry('not-a-znode', json({ ...ENTRY, id: 'not-a-znode' })), null);
});

test('parseRegistryEntry refuses each malformed field', () => {
  const broken: Array<[string, unknown]> = [
    ['id', 'ffffffffffffffffffffffffffffffff-n_0000000007'],
    ['sequence', 8],
    ['sequence', '7'],
    ['role', 'king'],
    ['role', undefined],
    ['watching', 'not-a-znode'],
    ['watching', 6],
    ['address', 'localhost'],
    ['startedAt', '1'],
    ['pid', null],
    ['updatedAt', Number.POSITIVE_INFINITY],
    ['registeredAt', undefined],
    ['sessionId', 256],
  ];
  for (const [field, value] of broken) {
    assert.equal(parseRegistryEntry(NAME, json({ ...ENTRY, [field]: value })), null, `${field} = ${json(value)}`);
  }
  for (const bad of [null, undefined, '', '{', '[]', json([ENTRY])]) assert.equal(parseRegistryEntry(NAME, bad), null, String(bad));
});
