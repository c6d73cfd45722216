import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELECTION_ZNODE_INFIX, ELECTION_ZNODE_PATTERN, NODE_ID_SCHEMA_PATTERN, compareBySequence, parseElectionZnode } from '../src/paths.js';

const CANDIDATE = '0123456789abcdef0123456789abcdef';

test('parseElectionZnode splits a protected znode name into candidate id and sequence', () => {
  assert.deepEqual(parseElectionZnode(`${CANDIDATE}-n_0000000042`), { name: `${CANDIDATE}-n_0000000042`, candidateId: CANDIDATE, sequence: 42 });
  assert.equal(parseElectionZnode(`${CANDIDATE}${ELECTION_ZNODE_INFIX}2147483647`)?.sequence, 2147483647);
});

test('parseElectionZnode refuses anything that is not exactly <32 hex>-n_<10 digits>', () => {
  for (const name of [
    '',
    'n_0000000001',
    `${CANDIDATE}-n_000000001`, // 9 digits
    `${CANDIDATE}-n_00000000001`, // 11 digits
    `${CANDIDATE.toUpperCase()}-n_0000000001`,
    `${CANDIDATE.slice(1)}-n_0000000001`,
    `${CANDIDATE}-x_0000000001`,
    `${CANDIDATE}-n_0000000001\n`,
    `../${CANDIDATE}-n_0000000001`,
    `${CANDIDATE}-n_-000000001`,
  ]) {
    assert.equal(parseElectionZnode(name), null, JSON.stringify(name));
  }
});

test('the JSON-schema pattern accepts and refuses the same names as the RegExp', () => {
  const schema = new RegExp(NODE_ID_SCHEMA_PATTERN);
  for (const name of [`${CANDIDATE}-n_0000000001`, `${CANDIDATE}-n_000000001`, 'garbage', `${CANDIDATE}-n_0000000001x`]) {
    assert.equal(schema.test(name), ELECTION_ZNODE_PATTERN.test(name), name);
  }
});

test('compareBySequence orders by the sequence suffix only, whatever the random prefix', () => {
  const names = ['ffffffffffffffffffffffffffffffff-n_0000000003', '00000000000000000000000000000000-n_0000000010', `${CANDIDATE}-n_0000000001`];
  const sorted = names
    .map((n) => parseElectionZnode(n)!)
    .sort(compareBySequence)
    .map((p) => p.sequence);
  assert.deepEqual(sorted, [1, 3, 10]);
});
