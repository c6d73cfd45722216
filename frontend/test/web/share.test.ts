import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shareUnchanged } from '../../src/web/state/share.js';
import { sharePrevious, type PreviousViews } from '../../src/web/state/stream-state.js';
import type { ServerMessage } from '@zkviz/shared';

const row = (id: string, role: string, watching: string | null) => ({ id, role, watching, slot: { slot: `s-${id}`, state: 'running' } });

describe('shareUnchanged', () => {
  it('returns the previous value itself when the next is deep-equal', () => {
    const a = { x: 1, list: [row('a', 'leader', null), row('b', 'worker', 'a')] };
    const b = JSON.parse(JSON.stringify(a)) as typeof a;
    assert.equal(shareUnchanged(a, b), a);
  });

  it('keeps unchanged rows by id after the list lost its head, and gives changed ones anew', () => {
    const prev = { seq: 1, nodes: [row('a', 'leader', null), row('b', 'worker', 'a'), row('c', 'worker', 'b'), row('d', 'worker', 'c')] };
    const next = JSON.parse(JSON.stringify({ seq: 2, nodes: [row('b', 'leader', null), row('c', 'worker', 'b'), row('d', 'worker', 'c')] })) as typeof prev;
    const out = shareUnchanged(prev, next);
    assert.notEqual(out, prev);
    assert.deepEqual(out, next);
    assert.equal(out.seq, 2);
    assert.notEqual(out.nodes[0], prev.nodes[1]); // b became leader
    assert.equal(out.nodes[0]!.slot, prev.nodes[1]!.slot); // its slot did not change
    assert.equal(out.nodes[1], prev.nodes[2]);
    assert.equal(out.nodes[2], prev.nodes[3]);
  });

  it('matches znodes by path and slots by slot, and never shares across a changed value', () => {
    const prev = {
      znodes: [
        { path: '/e/a', v: 0 },
        { path: '/e/b', v: 0 },
      ],
      slots: [{ slot: 'node-1', state: 'running' }],
    };
    const next = { znodes: [{ path: '/e/b', v: 1 }], slots: [{ slot: 'node-1', state: 'stopped' }] };
    const out = shareUnchanged(prev, next);
    assert.deepEqual(out, next);
    assert.notEqual(out.znodes[0], prev.znodes[1]);
    assert.notEqual(out.slots[0], prev.slots[0]);
  });

  it('tells a key that appeared or vanished, null from an object, and an array from an object', () => {
    assert.deepEqual(shareUnchanged({ a: 1 }, { a: 1, b: undefined }), { a: 1, b: undefined });
    assert.deepEqual(shareUnchanged({ a: 1, b: 2 }, { a: 1 }), { a: 1 });
    assert.equal(shareUnchanged({ a: { x: 1 } }, { a: null }).a, null);
    assert.deepEqual(shareUnchanged({ a: [] as unknown }, { a: {} }).a, {});
    assert.deepEqual(shareUnchanged(null, { a: 1 }), { a: 1 });
  });

  it('falls back to positions when keys repeat', () => {
    const prev = [
      { id: 'x', n: 1 },
      { id: 'x', n: 2 },
    ];
    const next = [
      { id: 'x', n: 1 },
      { id: 'x', n: 3 },
    ];
    const out = shareUnchanged(prev, next);
    assert.equal(out[0], prev[0]);
    assert.deepEqual(out[1], { id: 'x', n: 3 });
  });
});

describe('sharePrevious', () => {
  it('shares each kind of view with the previous of its own kind and remembers it', () => {
    const previous: PreviousViews = { view: null, zookeeper: null };
    const nodes = [{ id: 'a' }];
    const first = { type: 'snapshot', view: { seq: 1, nodes } } as unknown as ServerMessage;
    assert.equal(sharePrevious(first, previous), first);
    const second = sharePrevious(JSON.parse(JSON.stringify({ type: 'snapshot', view: { seq: 2, nodes } })) as ServerMessage, previous) as unknown as {
      view: { seq: number; nodes: unknown };
    };
    assert.equal(second.view.seq, 2);
    assert.equal(second.view.nodes, nodes);
    assert.equal(previous.view, second.view);
    const event = { type: 'event', event: { at: 1 } } as unknown as ServerMessage;
    assert.equal(sharePrevious(event, previous), event);
    assert.equal(previous.zookeeper, null);
  });
});
