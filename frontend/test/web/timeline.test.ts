/** The timeline builder on failovers recorded from a real cluster (test/e2e/chain-timeline.test.ts, ZKVIZ_RECORD_FAILOVERS). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FailoverPhase, FailoverRecord } from '@zkviz/shared';
import { buildTimeline } from '../../src/web/timeline/build.js';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/failovers.json', import.meta.url), 'utf8')) as { failovers: FailoverRecord[] };
const crash = recorded.failovers.find((f) => f.mode === 'crash')!;
const graceful = recorded.failovers.find((f) => f.mode === 'graceful')!;
const painted = (f: FailoverRecord, afterMs: number): FailoverPhase => ({ name: 'page-painted', at: f.at + afterMs, by: 'page' });

describe('failover timeline from a recorded crash', () => {
  const t = buildTimeline(crash, [painted(crash, 9)]);
  it('lists every phase in time order, each step the gap to the one before', () => {
    assert.equal(t.kind, 'crash');
    assert.deepEqual(
      t.phases.map((p) => p.name),
      ['kill-requested', 'process-exited', 'successor-notified', 'znode-deleted', 'registry-updated', 'successor-acting', 'gateway-switched', 'page-painted'],
    );
    for (let i = 1; i < t.phases.length; i++) assert.equal(t.phases[i]!.stepMs, t.phases[i]!.at - t.phases[i - 1]!.at);
    assert.equal(t.phases[0]!.offsetMs, 0);
    assert.equal(t.spanMs, t.phases.at(-1)!.at - t.phases[0]!.at);
  });
  it('one lane per process that took part, each phase in its stamper’s lane', () => {
    assert.deepEqual(
      t.lanes.map((l) => l.lane),
      ['old-leader', 'successor', 'zookeeper', 'gateway', 'page'].filter((l) => l !== 'zookeeper'),
    );
    assert.deepEqual(
      t.lanes.find((l) => l.lane === 'successor')!.phases.map((p) => p.name),
      ['successor-notified', 'registry-updated', 'successor-acting'],
    );
    assert.deepEqual(t.lanes.find((l) => l.lane === 'old-leader')!.phases, [], 'a killed process keeps no stamps');
  });
  it('the long wait for the session runs from the exit to the deletion of the znode', () => {
    const exited = t.phases.find((p) => p.name === 'process-exited')!;
    const deleted = t.phases.find((p) => p.name === 'znode-deleted')!;
    assert.deepEqual(t.sessionWait, { fromMs: exited.offsetMs, toMs: deleted.offsetMs });
    assert.ok(deleted.offsetMs - exited.offsetMs > t.phases.at(-1)!.offsetMs - deleted.offsetMs, 'the wait dominates the crash');
  });
});

describe('failover timeline from a recorded graceful stop', () => {
  const t = buildTimeline(graceful, [painted(graceful, 12)]);
  it('has no session wait and no process-exited stamp (the stream closes before the exit)', () => {
    assert.equal(t.kind, 'graceful');
    assert.equal(t.sessionWait, null);
    assert.ok(!t.phases.some((p) => p.name === 'process-exited' || p.name === 'session-expired'));
    assert.equal(t.phases[0]!.name, 'kill-requested');
    assert.equal(t.phases.at(-1)!.name, 'page-painted');
  });
  it('a page phase the record already has is not added twice', () => {
    const withPage: FailoverRecord = { ...graceful, phases: [...graceful.phases, painted(graceful, 3)] };
    assert.equal(buildTimeline(withPage, [painted(graceful, 12)]).phases.filter((p) => p.name === 'page-painted').length, 1);
  });
  it('a failover nobody killed from the page is "other", with the phases it has', () => {
    const t2 = buildTimeline({ ...graceful, mode: null, phases: graceful.phases.filter((p) => p.name !== 'kill-requested') });
    assert.equal(t2.kind, 'other');
    assert.notEqual(t2.phases[0]!.name, 'kill-requested');
  });
});
