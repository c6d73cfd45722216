/** Run: node --import tsx --test bench/targets.test.ts — the table and ratio math only, no timing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure } from './stats.js';
import { ratio, targetRows, targetTable } from './targets.js';

test('ratio divides, and is NaN when a side is missing or the divisor is 0', () => {
  assert.equal(ratio(60, 40), 1.5);
  assert.ok(Number.isNaN(ratio(undefined, 40)));
  assert.ok(Number.isNaN(ratio(60, 0)));
  assert.ok(Number.isNaN(ratio(NaN, 40)));
});

test('graceful vs bare: both ratios must hold; the measured cell names both sides', () => {
  const row = (zk: number[], bare: number[]) =>
    targetRows([figure('1', 'zk', 'ms', zk, { id: 'graceful.total' }), figure('1', 'bare', 'ms', bare, { id: 'graceful.bare' })])[0]!;
  const met = row([50, 60], [40, 50]); // p50 50/40 = 1.25, p99 60/50 = 1.2
  assert.equal(met.met, true);
  assert.match(met.measured, /^1\.25× \/ 1\.20× \(zkviz 50\.0 ms \/ 60\.0 ms, bare 40\.0 ms \/ 50\.0 ms\)$/);
  assert.equal(row([60, 60], [40, 50]).met, false); // p50 1.5 > 1.3
  assert.equal(row([50, 110], [40, 50]).met, false); // p99 2.2 > 2
});

test('rows without figures are "not measured" (n/a), never met or missed', () => {
  const rows = targetRows([]);
  assert.equal(rows.length, 11);
  for (const r of rows) {
    assert.equal(r.met, null);
    assert.match(r.measured, /^not measured/);
  }
  assert.match(targetTable(rows), /\| n\/a \|$/m);
});

test('single-figure rows compare the named statistic; the scale rows compare ratios', () => {
  const rows = targetRows([
    figure('3', 'gone', 'ms', [20, 25, 90], { id: 'propagation.workerKilled' }), // p50 25 ≤ 30
    figure('5', 'rss', 'MB', [55, 61], { id: 'nodes.rss' }), // max 61 > 60
    figure('5', 'small', 'ms', [100], { id: 'nodes8.failover' }),
    figure('5', 'big', 'ms', [114], { id: 'nodes100.failover' }), // 1.14 ≤ 1.15
    figure('1', 'on', 'ms', [111], { id: 'graceful.viewOn' }),
    figure('1', 'off', 'ms', [100], { id: 'graceful.viewOff' }), // 1.11 > 1.10
  ]);
  const by = (prefix: string) => rows.find((r) => r.figure.startsWith(prefix))!;
  assert.equal(by('worker killed').met, true);
  assert.equal(by('RSS per node').met, false);
  assert.equal(by('graceful failover p50 at 8').met, true);
  assert.equal(by('ZooKeeper view').met, false);
  assert.match(targetTable(rows), /\| \*\*missed\*\* \|/);
});

test('the 100-node page row takes a real cluster when there is one, else the synthesized feed', () => {
  const page = (figures: ReturnType<typeof figure>[]) => targetRows(figures).find((r) => r.figure.startsWith('page with 100 nodes'))!;
  const fed = page([
    figure('8', 'repaint', 'ms', [10, 12], { id: 'page100.repaint' }),
    figure('8', 'longest', 'ms', [0, 0], { id: 'page100.longestTask' }),
    figure('8', 'cpu', 'ms', [20, 30], { id: 'page100.longestTaskCpu' }),
  ]);
  assert.equal(fed.met, true);
  assert.match(fed.measured, /^10\.0 ms; no task ≥ 50 ms \(synthesized feed, --only page; longest task in CPU time 30\.0 ms\)$/);
  const real = page([
    figure('8', 'repaint', 'ms', [10], { id: 'page100.repaint' }),
    figure('8', 'longest', 'ms', [0], { id: 'page100.longestTask' }),
    figure('5', 'repaint', 'ms', [40], { id: 'nodes100.repaint' }),
    figure('5', 'longest', 'ms', [60], { id: 'nodes100.longestTask' }),
  ]);
  assert.equal(real.met, false);
  assert.match(real.measured, /^40\.0 ms; 60\.0 ms \(real cluster\)$/);
});

test('start-up, RSS and idle rows show the bare sessions beside, and judge zkviz alone', () => {
  const rows = targetRows([
    figure('5', 'idle', '%', [19], { id: 'nodes100.idleCpu' }),
    figure('5', 'bare idle', '%', [14], { id: 'bare100.idleCpu' }),
    figure('5', 'rss', 'MB', [57], { id: 'nodes.rss' }),
  ]);
  const by = (prefix: string) => rows.find((r) => r.figure.startsWith(prefix))!;
  assert.equal(by('100 idle nodes').met, false);
  assert.match(by('100 idle nodes').measured, /^19\.0 % \(100 bare ZooKeeper sessions: 14\.0 %\)$/);
  assert.equal(by('RSS per node').met, true);
  assert.equal(by('RSS per node').measured, '57.0 MB'); // no bare figure in this run: nothing beside
});
