/** Run: node --import tsx --test bench/stats.test.ts */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure, markdownTable, percentile, summarize, verdict } from './stats.js';

test('percentile is nearest-rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summarize sorts, skips non-finite values, and returns null when empty', () => {
  assert.deepEqual(summarize([3, 1, NaN, 2, Infinity]), { n: 3, min: 1, p50: 2, p95: 3, p99: 3, max: 3, mean: 2 });
  assert.equal(summarize([]), null);
});

test('targets are reported, never asserted', () => {
  const ok = figure('s', 'f', 'ms', [10, 20], { targets: [{ stat: 'p99', max: 20, label: 'p99 ≤ 20 ms' }] });
  const bad = figure('s', 'g', 'ms', [10, 30], { targets: [{ stat: 'p99', max: 20, label: 'p99 ≤ 20 ms' }] });
  assert.equal(verdict(ok), 'p99 ≤ 20 ms: met');
  assert.match(verdict(bad), /MISSED/);
  assert.match(markdownTable([ok, figure('s', 'empty', 'ms', [])]), /\| s \| empty \| ms \| 0 \|/);
});
