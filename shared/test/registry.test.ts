import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listRegistry, pickRegisteredLeader, rankRegistryChildren, readRegistryEntry, registeredLeader, shortId, type RegistryReads } from '@zkviz/shared';

const id = (seq: number, prefix = 'a') => `${prefix.repeat(32)}-n_${String(seq).padStart(10, '0')}`;

describe('readRegistryEntry: the one rule for registry entries', () => {
  const full = {
    id: id(4),
    sequence: 4,
    role: 'worker',
    watching: id(3),
    address: '10.0.0.4:7000',
    startedAt: 1,
    pid: 2,
    sessionId: 'ab',
    updatedAt: 3,
    registeredAt: 3,
  };
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
    assert.deepEqual(
      ranked.map((r) => r.sequence),
      [12, 7, 3],
    );
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
    assert.deepEqual(
      pick.skipped.map((s) => s.name),
      ['junk', id(9)],
    );
  });

  /** `sent` records every request in the order sent, `reads` the entry reads alone. */
  function fakeZk(children: Record<string, string | number>): RegistryReads & { reads: string[]; sent: string[] } {
    const reads: string[] = [];
    const sent: string[] = [];
    return {
      reads,
      sent,
      getChildren: (path) => {
        sent.push(`list ${path}`);
        return Promise.resolve({ rc: 0, children: Object.keys(children) });
      },
      getData: (path) => {
        sent.push(`get ${path.slice(-13)}`);
        reads.push(path);
        const value = children[path.slice(path.lastIndexOf('/') + 1)];
        if (typeof value === 'number') return Promise.resolve({ rc: value });
        return Promise.resolve({ rc: 0, data: new TextEncoder().encode(value) });
      },
    };
  }

  it('reads newest first and stops at the first usable entry; a vanished entry is skipped', async () => {
    const zk = fakeZk({ [id(3)]: JSON.stringify({ address: 'h:3' }), [id(9)]: -101, [id(5)]: JSON.stringify({ address: 'h:5' }) });
    const pick = await registeredLeader(zk);
    assert.equal(pick?.leader?.id, id(5));
    assert.deepEqual(
      zk.reads.map((p) => p.slice(-13)),
      ['-n_0000000009', '-n_0000000005'],
    );
  });

  it('sends the read of a likely entry right behind the listing, before its answer, and does not read it again', async () => {
    const zk = fakeZk({ [id(3)]: JSON.stringify({ address: 'h:3' }), [id(9)]: -101, [id(5)]: JSON.stringify({ address: 'h:5' }) });
    const listed = listRegistry(zk, [id(5)]);
    assert.deepEqual(zk.sent, ['list /coordinators_service_registry', 'get -n_0000000005'], 'both sent before the listing is answered');
    const listing = await listed;
    assert.equal(listing.rc, 0);
    const pick = await listing.pick();
    assert.equal(pick?.leader?.id, id(5));
    assert.deepEqual(
      zk.reads.map((p) => p.slice(-13)),
      ['-n_0000000005', '-n_0000000009'],
      'only the entry without a read sent behind the listing is read after it',
    );
  });

  it('leaves the watch it is given on the listing', async () => {
    const watches: unknown[] = [];
    const zk = fakeZk({});
    const watch = (): void => {};
    await listRegistry({ ...zk, getChildren: (path, watcher) => (watches.push(watcher), zk.getChildren(path)) }, [], watch);
    assert.deepEqual(watches, [watch]);
  });

  it('a failed listing picks nobody as "unknown" (null)', async () => {
    const zk = fakeZk({});
    const listing = await listRegistry({ ...zk, getChildren: () => Promise.resolve({ rc: -4 }) }, [id(5)]);
    assert.equal(listing.rc, -4);
    assert.equal(await listing.pick(), null);
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

// The strict validator's table (validate.test.ts before registry entries had one reader), on the
// one rule: every field that is present must be right; a missing informational field is not garbage.
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
const entryOf = (name: string, data: Parameters<typeof readRegistryEntry>[1]) => {
  const read = readRegistryEntry(name, data);
  return read.ok ? read.entry : null;
};

describe('readRegistryEntry on whole entries', () => {
  it('returns the entry when it is well formed and names its own znode', () => {
    assert.deepEqual(entryOf(NAME, json(ENTRY)), ENTRY);
    assert.deepEqual(entryOf(NAME, new TextEncoder().encode(json(ENTRY))), ENTRY);
    const worker = { ...ENTRY, role: 'worker', watching: '0123456789abcdef0123456789abcdef-n_0000000006' };
    assert.deepEqual(entryOf(NAME, json(worker)), worker);
    // unknown fields are dropped, not passed on
    assert.deepEqual(entryOf(NAME, json({ ...ENTRY, injected: '<script>' })), ENTRY);
  });

  it('refuses an entry stored under another name or a name that is no election znode', () => {
    assert.equal(entryOf('0123456789abcdef0123456789abcdef-n_0000000008', json(ENTRY)), null);
    assert.equal(entryOf('not-a-znode', json({ ...ENTRY, id: 'not-a-znode' })), null);
  });

  it('refuses each malformed field', () => {
    const broken: Array<[string, unknown]> = [
      ['id', 'ffffffffffffffffffffffffffffffff-n_0000000007'],
      ['sequence', 8],
      ['sequence', '7'],
      ['role', 'king'],
      ['watching', 'not-a-znode'],
      ['watching', 6],
      ['address', 'localhost'],
      ['address', undefined],
      ['startedAt', '1'],
      ['pid', null],
      ['updatedAt', Number.POSITIVE_INFINITY],
      ['sessionId', 256],
    ];
    for (const [field, value] of broken) {
      assert.equal(entryOf(NAME, json({ ...ENTRY, [field]: value })), null, `${field} = ${json(value)}`);
    }
    for (const bad of [null, undefined, '', '{', '[]', json([ENTRY])]) assert.equal(entryOf(NAME, bad), null, String(bad));
  });

  it('accepts an entry that leaves out an informational field (deciding who leads needs only name and address)', () => {
    for (const field of ['role', 'registeredAt', 'watching', 'sessionId'] as const) {
      const { [field]: _left, ...rest } = ENTRY;
      assert.deepEqual(entryOf(NAME, json(rest)), rest, `without ${field}`);
    }
  });
});
