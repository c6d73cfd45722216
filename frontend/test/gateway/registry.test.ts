import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickRegisteredLeader, readRegistryEntry } from '@zkviz/shared';
import { loadConfig as parseConfigOrThrow } from '../../src/gateway/config.js';
import { nodeId } from './fixtures.js';

describe('registry', () => {
  // Ranking (newest first, garbage names aside) is tested with the reader, in shared/test/registry.test.ts.
  // What the gateway's discovery does with one child (the same reader the nodes' fencing uses).
  const parseRegistryEntry = (name: string, data: string) => pickRegisteredLeader([name], (n) => readRegistryEntry(n, data));
  const cases: Array<[name: string, data: string, ok: boolean]> = [
    ['a full entry', JSON.stringify({ id: nodeId(4), sequence: 4, address: '10.0.0.4:7000', registeredAt: 1 }), true],
    ['an entry with the address only', JSON.stringify({ address: '10.0.0.4:7000' }), true],
    ['non-JSON', 'hello', false],
    ['JSON null', 'null', false],
    ['a missing address', JSON.stringify({ id: nodeId(4) }), false],
    ['an id that contradicts the name', JSON.stringify({ id: nodeId(5), address: 'h:1' }), false],
    ['a sequence that contradicts the name', JSON.stringify({ sequence: 9, address: 'h:1' }), false],
  ];
  for (const [name, data, ok] of cases) {
    it(`${ok ? 'accepts' : 'skips'} ${name}`, () => {
      const parsed = parseRegistryEntry(nodeId(4), data);
      assert.equal(parsed.leader !== null, ok);
      if (parsed.leader) assert.deepEqual(parsed.leader, { id: nodeId(4), fencingToken: 4, address: '10.0.0.4:7000' });
    });
  }

  it('config rejects bad numbers and normalises origins', () => {
    assert.throws(() => parseConfigOrThrow({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => parseConfigOrThrow({ ALLOWED_ORIGINS: 'not a url' }), /ALLOWED_ORIGINS/);
    const config = parseConfigOrThrow({ ALLOWED_ORIGINS: 'http://a.example:5173/, https://B.example' });
    assert.deepEqual(config.allowedOrigins, ['http://a.example:5173', 'https://b.example']);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.zkSessionTimeoutMs, 4000);
    assert.equal(config.clusterToken, null);
    assert.equal(parseConfigOrThrow({ SESSION_TIMEOUT_MS: '1000' }).zkSessionTimeoutMs, 1000);
    assert.equal(parseConfigOrThrow({ SESSION_TIMEOUT_MS: '1000', ZK_SESSION_TIMEOUT_MS: '3000' }).zkSessionTimeoutMs, 3000);
  });
});
