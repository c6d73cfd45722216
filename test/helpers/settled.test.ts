import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inSequenceOrder, settledProblems, type SettleNode } from './settled.js';

const z = (seq: number) => `${'a'.repeat(32)}-n_${String(seq).padStart(10, '0')}`;
/** A settled chain of three: 1 leads, 2 watches 1, 3 watches 2. */
function chain(): SettleNode[] {
  return [
    { name: 'c', znode: z(3), role: 'worker', acting: false, watching: z(2), connected: true },
    { name: 'a', znode: z(1), role: 'leader', acting: true, watching: null, connected: true },
    { name: 'b', znode: z(2), role: 'worker', acting: false, watching: z(1), connected: true },
  ];
}
const tree = () => ({ election: [z(1), z(2), z(3)], coordinators: [z(1)], workers: [z(3), z(2)] });
const edit = (name: string, change: Partial<SettleNode>) => chain().map((n) => (n.name === name ? { ...n, ...change } : n));

test('a settled chain with a matching tree has no problems, with or without the tree', () => {
  assert.deepEqual(settledProblems(chain(), tree()), []);
  assert.deepEqual(settledProblems(chain()), []);
  assert.deepEqual(settledProblems([]), ['0 nodes acting ()']);
});

test('each way of not being settled is named', () => {
  const cases: Array<[string, SettleNode[], ReturnType<typeof tree>, RegExp]> = [
    ['disconnected', edit('b', { connected: false }), tree(), /b not connected/],
    ['no znode', edit('b', { znode: null, phase: 'joining' }), { ...tree(), election: [z(1), z(3)], workers: [z(3)] }, /b has no znode \(phase joining\)/],
    ['two acting', edit('b', { acting: true, role: 'leader' }), tree(), /2 nodes acting \(a,b\)/],
    ['none acting', edit('a', { acting: false }), tree(), /0 nodes acting/],
    ['orphan election znode', chain(), { ...tree(), election: [z(1), z(2), z(3), z(9)] }, /election: orphan\/extra .*0000000009/],
    ['leader missing from coordinators', chain(), { ...tree(), coordinators: [] }, /coordinators: missing .*\(a\)/],
    ['leader left in workers registry', chain(), { ...tree(), workers: [z(1), z(2), z(3)] }, /workers: orphan\/extra .*0000000001/],
    ['acting with the wrong role', edit('a', { role: 'worker' }), tree(), /a acting with role worker/],
    ['worker with a leader role', edit('c', { role: 'leader' }), tree(), /c role leader/],
    ['watching past its predecessor', edit('c', { watching: z(1) }), tree(), /c watches .*0000000001, not its predecessor .*0000000002/],
    ['watching nothing', edit('b', { watching: null }), tree(), /b watches nothing/],
  ];
  for (const [what, nodes, seen, expected] of cases) {
    const problems = settledProblems(nodes, seen);
    assert.ok(
      problems.some((p) => expected.test(p)),
      `${what}: ${JSON.stringify(problems)}`,
    );
  }
});

test('the acting node must hold the lowest znode', () => {
  const nodes: SettleNode[] = [
    { name: 'a', znode: z(1), role: 'worker', acting: false, watching: null },
    { name: 'b', znode: z(2), role: 'leader', acting: true, watching: null },
  ];
  assert.ok(settledProblems(nodes).some((p) => p === 'a holds the lowest znode but does not act'));
});

test('inSequenceOrder sorts by sequence, znode-less nodes last', () => {
  const sorted = inSequenceOrder([{ znode: z(10) }, { znode: null }, { znode: z(2) }, { znode: z(7) }]);
  assert.deepEqual(
    sorted.map((n) => n.znode),
    [z(2), z(7), z(10), null],
  );
});
