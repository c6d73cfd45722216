/**
 * Counting the herd effect (failovers/counts.ts) on `mntr` answers recorded from Debian's
 * ZooKeeper 3.8 (shared/test/fixtures/zookeeper-3.8/mntr.txt: a 3-node cluster, 11 reads of
 * /election so far, 9 watches), and the recorder filling a record with the counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMntr, type MntrAnswer } from '@zkviz/shared/zk/four-letter';
import type { FailoverRecord } from '@zkviz/shared';
import { countFailover, electionReadsOf, readSample, sampleBefore } from '../../src/gateway/failovers/counts.js';
import { FailoverRecorder } from '../../src/gateway/failovers/recorder.js';

const recorded = readFileSync(new URL('../../../shared/test/fixtures/zookeeper-3.8/mntr.txt', import.meta.url), 'utf8');
const mntr = (text: string): MntrAnswer => {
  const p = parseMntr(text);
  assert.ok(p.ok);
  return p.value;
};
/** The recorded answer with the read counter at `reads` and the watch count at `watches` (what a later mntr prints). */
const later = (reads: number, watches: number) =>
  mntr(
    recorded
      .replace(/^zk_cnt_election_read_per_namespace\t\d+$/m, `zk_cnt_election_read_per_namespace\t${reads}`)
      .replace(/^zk_watch_count\t\d+$/m, `zk_watch_count\t${watches}`),
  );

test('the per-namespace read counter of /election, from a real answer', () => {
  const m = mntr(recorded);
  assert.equal(electionReadsOf(m), 11);
  assert.equal(m.watchCount, 9);
  // Printed only once /election has been read (3.6+); a 3.5 server does not count per namespace.
  const unread = mntr(recorded.replace(/^zk_[a-z]+_election_read_per_namespace\t.*\n/gm, ''));
  assert.equal(electionReadsOf(unread), 0);
  assert.equal(
    electionReadsOf(mntr(recorded.replace(/^zk_[a-z]+_election_read_per_namespace\t.*\n/gm, '').replace(/^zk_version\t.*$/m, 'zk_version\t3.5.9'))),
    null,
  );
});

test('a sample sums every server; one server missing makes it unknown', () => {
  assert.deepEqual(readSample(5, [mntr(recorded), later(20, 4)], 3), { at: 5, zookeeperReads: 31, gatewayReads: 3, watches: 13 });
  assert.deepEqual(readSample(5, [mntr(recorded), null], 3), { at: 5, zookeeperReads: null, gatewayReads: 3, watches: null });
  assert.deepEqual(readSample(5, [], 0), { at: 5, zookeeperReads: null, gatewayReads: 0, watches: null });
});

test('the sample before a failover is the newest taken at or before its start', () => {
  const s = (at: number) => readSample(at, [mntr(recorded)], 0);
  assert.equal(sampleBefore([s(1), s(5), s(9)], 6)?.at, 5);
  assert.equal(sampleBefore([s(1), s(5)], 5)?.at, 5);
  assert.equal(sampleBefore([s(7)], 6), null);
});

test('notified: nodes with a wake-up inside the window, each once; reads: ZooKeeper less the gateway', () => {
  const before = readSample(100, [mntr(recorded)], 40);
  const after = readSample(3000, [later(11 + 7 + 2 + 25, 12)], 65); // 7 woken lists, 2 by the leader, 25 the gateway's own
  const counts = countFailover({
    window: { from: 1000, to: 3000 },
    wokenAt: [[500], [1500, 1501, 1502], [2999], null, [], [3001]],
    before,
    after,
  });
  assert.deepEqual(counts, { notified: 2, reads: 9, watches: 12 });
});

test('nothing is guessed: no sample before, a counter reset (server restart), or no node answering give null', () => {
  const after = readSample(3000, [later(50, 12)], 0);
  assert.equal(countFailover({ window: { from: 1000, to: 3000 }, wokenAt: [[1500]], before: null, after }).reads, null);
  const reset = readSample(3000, [later(2, 3)], 0);
  assert.equal(countFailover({ window: { from: 1000, to: 3000 }, wokenAt: [[1500]], before: readSample(10, [mntr(recorded)], 0), after: reset }).reads, null);
  assert.equal(countFailover({ window: { from: 1000, to: 3000 }, wokenAt: [null, null], before: null, after: null }).notified, null);
});

test('the recorder fills a recorded failover with its counts and the recipe it ran', () => {
  const recorder = new FailoverRecorder();
  const failover: FailoverRecord = { from: 'a', to: 'b', durationMs: 100, at: 2000, mode: null, phases: [] };
  assert.ok(recorder.observe({ type: 'switched', failover, takeover: null, recipe: 'herd' }));
  assert.deepEqual(
    [recorder.list()[0]!.recipe, recorder.list()[0]!.notified, recorder.list()[0]!.reads],
    ['herd', undefined, undefined],
    'counted later: absent until then',
  );
  assert.ok(recorder.observe({ type: 'counted', at: 2000, to: 'b', notified: 7, reads: 9, watches: 12 }));
  const r = recorder.find(2000, 'b')!;
  assert.deepEqual([r.notified, r.reads, r.watches, r.recipe], [7, 9, 12, 'herd']);
  assert.equal(recorder.observe({ type: 'counted', at: 1, to: 'zz', notified: 1, reads: 1, watches: 1 }), false, 'unknown failover');
});
