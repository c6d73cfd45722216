import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickRegisteredLeader, rankRegistryChildren, readRegistryEntry, registeredLeader, shortId, type RegistryReads } from '@zkviz/shared';

const id = (seq: number, prefix = 'a') => `${prefix.repeat(32)}-n_${String(seq).padStart(10, '0')}`;

describe('readRegistryEntry: the one rule for registry entries', () => {
  const full = { id: id(4), sequence: 4, role: 'worker', watching: id(3), address: '10.0.0.4:7000', startedAt: 1, pid: 2, sessionId: 'ab', updatedAt: 3, registeredAt: 3 };
  const cases: Array<[what: string, name: string, data: string | null, reason: RegExp | null]> = [
    ['a full entry', id(4), JSON.stringify(full), null],
    ['the address only', id(4), JSON.stringify({ address: '[::1]:7000' }), null],
    ['a name that is not an election znode', 'junk', JSON.stringify(full), /name/],
    ['no data', id(4), null, /no data/],
    ['empty data', id(4), '', /no data/],
    ['more than 64 KiB', id(4), JSON.stringify({ address: 'h:1', pad: 'x'.repeat(64 * 1024) }), /larger/],
    ['not JSON', id(4), '{"address":', /not JSON/],
    ['a JSON array', id(4), '[]', /object/],
    ['an address without a port', id(4), JSON.stringify({ address: 'host' }), /address/],
    ['a port that is not a number', id(4), JSON.stringify({ address: 'host:http' }), /address/],
    ['an id of another znode', id(4), JSON.stringify({ ...full, id: id(5) }), /id/],
    ['a sequence of another znode', id(4), JSON.stringify({ ...full, sequence: 5 }), /sequence/],
    ['an unknown role', id(4), JSON.stringify({ ...full, role: 'king' }), /role/],
    ['watching garbage', id(4), JSON.stringify({ ...full, watching: '../x' }), /watching/],
    ['a pid that is not a number', id(4), JSON.stringify({ ...full, pid: '7' }), /pid/],
    ['a sessionId that is not a string', id(4), JSON.stringify({ ...full, sessionId: 1 }), /sessionId/],
  ];
  for (const [what, name, data, reason] of cases) {
    it(`${reason ? 'refuses' : 'accepts'} ${what}`, () => {
      const read = readRegistryEntry(name, data);
      if (reason === null) {
        assert.ok(read.ok, JSON.stringify(read));
        assert.equal(read.entry.id, name);
        assert.equal(read.entry.sequence, 4);
      } else {
        assert.ok(!read.ok);
        assert.match(read.reason, reason);
      }
    });
  }
  it('takes the id and sequence from the name, not the data', () => {
    const read = readRegistryEntry(id(4), JSON.stringify({ address: 'h:1' }));
    assert.deepEqual(read, { ok: true, entry: { id: id(4), sequence: 4, address: 'h:1' } });
  });
});

describe('pickRegisteredLeader / registeredLeader', () => {
  it('ranks newest first and sets names that are not election znodes aside', () => {
    const { ranked, garbage } = rankRegistryChildren([id(3), 'junk', id(12, 'b'), `${id(1)}x`, id(7)]);
    assert.deepEqual(ranked.map((r) => r.sequence), [12, 7, 3]);
    assert.deepEqual(garbage, ['junk', `${id(1)}x`]);
  });

  it('picks the newest usable entry and reports what it skipped on the way', () => {
    const data = new Map([
      [id(9), 'broken'],
      [id(5), JSON.stringify({ address: 'h:5' })],
      [id(3), JSON.stringify({ address: 'h:3' })],
    ]);
    const pick = pickRegisteredLeader(['junk', ...data.keys()], (name) => readRegistryEntry(name, data.get(name)));
    assert.deepEqual(pick.leader, { id: id(5), fencingToken: 5, address: 'h:5' });
    assert.deepEqual(pick.skipped.map((s) => s.name), ['junk', id(9)]);
  });

  function fakeZk(children: Record<string, string | number>): RegistryReads & { reads: string[] } {
    const reads: string[] = [];
    return {
      reads,
      getChildren: async () => ({ rc: 0, children: Object.keys(children) }),
      getData: async (path) => {
        reads.push(path);
        const value = children[path.slice(path.lastIndexOf('/') + 1)];
        if (typeof value === 'number') return { rc: value };
        return { rc: 0, data: new TextEncoder().encode(value) };
      },
    };
  }

  it('reads newest first and stops at the first usable entry; a vanished entry is skipped', async () => {
    const zk = fakeZk({ [id(3)]: JSON.stringify({ address: 'h:3' }), [id(9)]: -101, [id(5)]: JSON.stringify({ address: 'h:5' }) });
    const pick = await registeredLeader(zk);
    assert.equal(pick?.leader?.id, id(5));
    assert.deepEqual(zk.reads.map((p) => p.slice(-13)), ['-n_0000000009', '-n_0000000005']);
  });

  it('says "unknown" (null), never "nobody", when ZooKeeper cannot answer', async () => {
    assert.equal(await registeredLeader(fakeZk({ [id(9)]: -4, [id(5)]: JSON.stringify({ address: 'h:5' }) })), null);
  });
});

describe('shortId', () => {
  it('keeps the readable tail of an election znode name', () => {
    assert.equal(shortId(id(7)), 'n_0000000007');
    assert.equal(shortId('junk'), 'junk');
  });
});
