import { withZooKeeperFacts } from '../../src/gateway/zookeeper/node-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterView, SlotRecord } from '@zkviz/shared';
import { slotEvents, withSlots } from '../../src/gateway/slots/view.js';
import { initialTrackerState } from '../../src/gateway/feed/leader-tracker.js';
import { node, nodeId } from './fixtures.js';

const rec = (slot: string, patch: Partial<SlotRecord> = {}): SlotRecord => ({
  slot,
  state: 'running',
  znode: nodeId(1),
  pid: 10,
  since: 100,
  until: null,
  supervisor: '127.0.0.1:7001',
  lastExit: null,
  updatedAt: 100,
  ...patch,
});

describe('slot view', () => {
  // That seq increases when only the slots changed is the feed's (cluster-feed.test.ts: every pushed view).
  it('joins slots to nodes by election znode', () => {
    const base: ClusterView = { ...initialTrackerState(0).view, nodes: withZooKeeperFacts([node(1, 'leader', null), node(2, 'worker', 1)], null), seq: 4 };
    const view = withSlots(base, [rec('node-1'), rec('node-2', { state: 'crashed', znode: null, pid: null })]);
    assert.deepEqual(
      view.nodes.map((n) => n.slot),
      ['node-1', null],
    );
    assert.deepEqual(
      view.slots.map((s) => s.state),
      ['running', 'crashed'],
    );
    assert.ok(!('supervisor' in view.slots[0]!), 'the supervisor address stays internal');
  });

  const cases: Array<[string, Partial<SlotRecord>, Partial<SlotRecord>, string | null]> = [
    ['freeze', {}, { state: 'frozen', since: 200, until: 5200 }, 'node-frozen'],
    ['thaw', { state: 'frozen', until: 300 }, { since: 300 }, 'node-resumed'],
    ['partition', {}, { state: 'partitioned', since: 200, until: 700 }, 'node-partitioned'],
    ['heal', { state: 'partitioned', until: 300 }, { since: 300 }, 'node-healed'],
    ['crash', {}, { state: 'crashed', since: 200, znode: null, lastExit: 'signal SIGKILL' }, 'node-crashed'],
    ['graceful', {}, { state: 'stopped', since: 200, znode: null, lastExit: 'code 0' }, 'node-stopped'],
    ['restart', { state: 'crashed', znode: null }, { state: 'starting', since: 200, znode: null }, 'node-restarting'],
    ['restarted', { state: 'starting', znode: null, lastExit: 'signal SIGKILL' }, { since: 300, lastExit: 'signal SIGKILL' }, 'node-restarted'],
    ['first start', { state: 'starting', znode: null }, { since: 300 }, null],
    ['znode only', {}, { znode: nodeId(5) }, null],
  ];
  for (const [name, from, to, kind] of cases) {
    it(`${name} → ${kind ?? 'no event'}`, () => {
      const events = slotEvents([rec('s', from)], [rec('s', to)], 1000);
      assert.deepEqual(
        events.map((e) => e.kind),
        kind ? [kind] : [],
      );
    });
  }

  it('slots added and gone', () => {
    assert.deepEqual(
      slotEvents([rec('a')], [rec('b')], 1).map((e) => e.kind),
      ['slot-added', 'slot-gone'],
    );
  });
});
