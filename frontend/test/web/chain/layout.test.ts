import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZooKeeperView } from '@zkviz/shared';
import { chainEdges, heldWatchesOf } from '../../../src/web/chain/edges.js';
import { layoutChain, overlaps, type ArrowLayout, type Box, type MarkLayout } from '../../../src/web/chain/layout.js';

const id = (seq: number) => `${'a'.repeat(32)}-n_${String(seq).padStart(10, '0')}`;
/** A settled chain: node i watches node i-1, the first (the leader) watches nothing. */
const chain = (n: number) => Array.from({ length: n }, (_, i) => ({ id: id(i + 1), watching: i === 0 ? null : id(i) }));

const onEdge = (x: number, y: number, b: Box) => {
  const inX = x >= b.x - 1e-9 && x <= b.x + b.w + 1e-9;
  const inY = y >= b.y - 1e-9 && y <= b.y + b.h + 1e-9;
  const onSide = Math.abs(x - b.x) < 1e-9 || Math.abs(x - (b.x + b.w)) < 1e-9;
  const onTopBottom = Math.abs(y - b.y) < 1e-9 || Math.abs(y - (b.y + b.h)) < 1e-9;
  return inX && inY && (onSide || onTopBottom);
};

/** Does the straight segment pass through the inside of the box (touching an edge is fine)? */
function segmentCrosses(a: ArrowLayout, b: Box): boolean {
  for (let t = 0.02; t < 1; t += 0.02) {
    const x = a.x1 + (a.x2 - a.x1) * t;
    const y = a.y1 + (a.y2 - a.y1) * t;
    if (x > b.x && x < b.x + b.w && y > b.y && y < b.y + b.h) return true;
  }
  return false;
}

describe('chain layout', () => {
  for (const width of [360, 760, 1100]) {
    it(`no two marks overlap and every arrow points at the right mark, N = 1..120, width ${width}`, () => {
      for (let n = 1; n <= 120; n++) {
        const nodes = chain(n);
        const layout = layoutChain(
          nodes.map((x) => x.id),
          chainEdges(nodes),
          width,
        );
        assert.equal(layout.marks.length, n, `one mark per znode (N=${n})`);
        assert.deepEqual(
          layout.marks.map((m) => m.id),
          nodes.map((x) => x.id),
          'sequence order',
        );
        for (let i = 0; i < n; i++) {
          const m = layout.marks[i]!;
          assert.ok(m.x >= 0 && m.y >= 0 && m.x + m.w <= layout.width && m.y + m.h <= layout.height, `mark ${i} inside the drawing (N=${n})`);
          for (let j = i + 1; j < n; j++) assert.ok(!overlaps(m, layout.marks[j]!), `marks ${i} and ${j} overlap (N=${n}, width ${width})`);
        }
        assert.equal(layout.arrows.length, n - 1, `one arrow per watcher (N=${n})`);
        const byId = new Map<string, MarkLayout>(layout.marks.map((m) => [m.id, m]));
        for (const a of layout.arrows) {
          const from = byId.get(a.from)!;
          const to = byId.get(a.to)!;
          assert.ok(onEdge(a.x1, a.y1, from), `arrow starts on its watcher ${a.from} (N=${n})`);
          assert.ok(onEdge(a.x2, a.y2, to), `arrow ends on the watched mark ${a.to} (N=${n})`);
          for (const other of layout.marks) {
            if (other.id === a.from || other.id === a.to) continue;
            assert.ok(!segmentCrosses(a, other), `arrow ${a.from}→${a.to} crosses mark ${other.id} (N=${n}, width ${width})`);
          }
        }
      }
    });
  }

  it('wraps into rows at 100 nodes and stays within the width', () => {
    const layout = layoutChain(
      chain(100).map((x) => x.id),
      [],
      760,
    );
    assert.ok(layout.columns > 1 && layout.columns < 100);
    assert.ok(layout.width <= 760);
    assert.equal(new Set(layout.marks.map((m) => m.row)).size, Math.ceil(100 / layout.columns));
  });

  it('a watch of a znode that has no mark is dangling, not an arrow to somewhere else', () => {
    const layout = layoutChain([id(2)], [{ from: id(2), to: id(1), kind: 'claimed' }], 760);
    assert.equal(layout.arrows.length, 0);
    assert.deepEqual(layout.dangling, [{ from: id(2), to: id(1), kind: 'claimed' }]);
  });
});

describe('chain edges against ZooKeeper', () => {
  const nodes = [
    { id: id(1), watching: null, session: '0x1' },
    { id: id(2), watching: id(1), session: '0x2' },
    { id: id(3), watching: id(2), session: '0x3' },
  ];
  it('confirmed where ZooKeeper holds the claimed watch, a mismatch where it does not', () => {
    const held = new Map([
      ['0x2', ['/election/' + id(1)]],
      ['0x3', ['/coordinators_service_registry']],
    ]);
    assert.deepEqual(chainEdges(nodes, held), [
      { from: id(2), to: id(1), kind: 'confirmed' },
      { from: id(3), to: id(2), kind: 'claimed-not-held' },
    ]);
  });
  it('a watch ZooKeeper holds that the node does not claim is drawn too', () => {
    const held = new Map([
      ['0x2', ['/election/' + id(1)]],
      ['0x3', ['/election/' + id(2), '/election/' + id(1)]],
    ]);
    assert.deepEqual(
      chainEdges(nodes, held).map((e) => e.kind),
      ['confirmed', 'confirmed', 'held-not-claimed'],
    );
  });
  it('without ZooKeeper’s list, the per-node watchConfirmed fact decides, else it is only claimed', () => {
    assert.deepEqual(
      chainEdges([
        { id: id(2), watching: id(1), watchConfirmed: false },
        { id: id(3), watching: id(2) },
      ]).map((e) => e.kind),
      ['claimed-not-held', 'claimed'],
    );
  });
});

describe('the chain against a ZooKeeper view: arrows from its watch list, a mark where a claim has none', () => {
  const session = (id: string, owner: string, watches: string[]) => ({
    id,
    timeoutMs: 1000,
    owner,
    server: '127.0.0.1:2181',
    connected: true,
    expiresAt: null,
    ephemerals: [],
    watches,
  });
  const zk = (source: string[]): ZooKeeperView => ({
    servers: [],
    quorum: { size: 1, up: 1, holds: true },
    sessions: [
      session('0x1', id(1), ['/coordinators_service_registry/' + id(2)]),
      session('0x2', id(2), ['/election/' + id(1)]),
      session('0x3', id(3), []),
      session('0x9', 'gateway', ['/election/' + id(1)]),
    ],
    znodes: [],
    updatedAt: 1,
    source,
    problems: [],
  });
  const nodes = [
    { id: id(1), watching: null, session: '0x1' },
    { id: id(2), watching: id(1), session: '0x2' },
    { id: id(3), watching: id(2), session: '0x3' },
  ];

  it('marks the claim ZooKeeper does not hold on its arrow, and only that one', () => {
    const layout = layoutChain(
      nodes.map((n) => n.id),
      chainEdges(nodes, heldWatchesOf(zk(['srvr', 'cons', 'dump', 'wchc']))),
      760,
    );
    assert.deepEqual(
      layout.arrows.map((a) => [a.from, a.to, a.kind]),
      [
        [id(2), id(1), 'confirmed'],
        [id(3), id(2), 'claimed-not-held'],
      ],
      'the gateway’s own watch on the leader draws no arrow',
    );
    assert.equal(layout.mismatches.length, 1);
    const [m] = layout.mismatches;
    const arrow = layout.arrows[1]!;
    assert.deepEqual([m!.from, m!.to], [id(3), id(2)]);
    assert.ok(m!.x > Math.min(arrow.x1, arrow.x2) && m!.x < Math.max(arrow.x1, arrow.x2) && m!.y === arrow.y1, 'on its arrow, between the marks');
  });

  it('marks every arrow’s midpoint on the path, wrapped rows and arcs included', () => {
    const stale = [...chain(9), { id: id(10), watching: id(7) }];
    const layout = layoutChain(
      stale.map((n) => n.id),
      chainEdges(stale.map((n) => ({ ...n, watchConfirmed: false }))),
      760,
    );
    assert.equal(layout.mismatches.length, 9);
    for (const a of layout.arrows) {
      const m = layout.mismatches.find((x) => x.from === a.from)!;
      assert.ok(m.x >= Math.min(a.x1, a.x2) && m.x <= Math.max(a.x1, a.x2), `${a.from}: x within the arrow`);
      assert.ok(m.y <= Math.max(a.y1, a.y2) && m.y >= Math.min(a.y1, a.y2) - 34, `${a.from}: y on the arrow or its arc`);
    }
  });

  it('keeps the previous map while no session’s watches changed (the chain’s layout is memoised on it), a new one when one did', () => {
    const before = heldWatchesOf(zk(['srvr', 'cons', 'dump', 'wchc']))!;
    const same = zk(['srvr', 'cons', 'dump', 'wchc']);
    assert.equal(heldWatchesOf(same, before), before, 'equal watches, fresh arrays: the same map');
    const moved = zk(['srvr', 'cons', 'dump', 'wchc']);
    moved.sessions[1] = { ...moved.sessions[1]!, watches: [] };
    const after = heldWatchesOf(moved, before)!;
    assert.notEqual(after, before);
    assert.deepEqual(after.get(moved.sessions[1].id), []);
    const fewer = zk(['srvr', 'cons', 'dump', 'wchc']);
    fewer.sessions.pop();
    assert.notEqual(heldWatchesOf(fewer, before), before, 'a session gone');
  });

  it('without wchc, ZooKeeper’s list is unknown: no list, and no claim is called unheld for it', () => {
    assert.equal(heldWatchesOf(zk(['srvr', 'cons', 'dump'])), null);
    assert.equal(heldWatchesOf(null), null);
    const layout = layoutChain(
      nodes.map((n) => n.id),
      chainEdges(nodes, heldWatchesOf(zk(['srvr']))),
      760,
    );
    assert.deepEqual(layout.mismatches, []);
  });
});
