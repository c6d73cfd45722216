import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_ACTIONS, SLOT_STATES, isAllowed, parseSlotRecord, type SlotRecord } from '../src/index.js';

const good: SlotRecord = {
  slot: 'node-1',
  state: 'frozen',
  znode: `${'a'.repeat(32)}-n_0000000007`,
  pid: 42,
  since: 1,
  until: 5001,
  supervisor: '127.0.0.1:7001',
  lastExit: null,
  updatedAt: 2,
};

describe('slot records (data anyone could write into ZooKeeper)', () => {
  it('accepts a well-formed record stored under its own name', () => {
    assert.deepEqual(parseSlotRecord('node-1', JSON.stringify(good)), good);
    assert.deepEqual(parseSlotRecord('node-1', Buffer.from(JSON.stringify({ ...good, extra: 1 }))), good, 'unknown fields are dropped');
  });

  const garbage: Array<[string, string, unknown]> = [
    ['not JSON', 'node-1', '{'],
    ['an array', 'node-1', '[]'],
    ['stored under another name', 'node-2', good],
    ['a name that is no slot name', '../x', { ...good, slot: '../x' }],
    ['an unknown state', 'node-1', { ...good, state: 'sleeping' }],
    ['a znode that is no election znode', 'node-1', { ...good, znode: 'n_7' }],
    ['a supervisor that is no address', 'node-1', { ...good, supervisor: 'http://x' }],
    ['a string pid', 'node-1', { ...good, pid: '42' }],
    ['no since', 'node-1', { ...good, since: undefined }],
    ['a huge lastExit', 'node-1', { ...good, lastExit: 'x'.repeat(100) }],
  ];
  for (const [what, name, data] of garbage) {
    it(`refuses ${what}`, () => {
      assert.equal(parseSlotRecord(name, typeof data === 'string' ? data : JSON.stringify(data)), null);
    });
  }
});

describe('the fault table', () => {
  it('has one row per action, each with a route and allowed states that exist', () => {
    assert.deepEqual(FAULT_ACTIONS.map((r) => r.action).sort(), ['crash', 'freeze', 'graceful', 'partition', 'restart']);
    for (const row of FAULT_ACTIONS) {
      assert.ok(row.route.startsWith('/api/'), row.action);
      assert.ok(row.allowedStates.length > 0 && row.allowedStates.every((s) => SLOT_STATES.includes(s)), row.action);
    }
  });

  it('freezing and cutting off need a running node; restart needs a down one', () => {
    assert.deepEqual(
      SLOT_STATES.filter((s) => isAllowed('freeze', s)),
      ['running'],
    );
    assert.deepEqual(
      SLOT_STATES.filter((s) => isAllowed('partition', s)),
      ['running'],
    );
    assert.deepEqual(
      SLOT_STATES.filter((s) => isAllowed('restart', s)),
      ['stopped', 'crashed'],
    );
    assert.ok(isAllowed('crash', 'frozen'), 'a frozen node can still be SIGKILLed');
  });
});
