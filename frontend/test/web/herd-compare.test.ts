/** The recipe comparison (web/herd/compare.ts): the latest counted failover per recipe, up to a moment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailoverRecord } from '@zkviz/shared';
import { comparisonRows, lastByRecipe } from '../../src/web/herd/compare.js';

const rec = (at: number, recipe: 'herd' | 'predecessor' | null, notified: number | null, extra: Partial<FailoverRecord> = {}): FailoverRecord => ({
  from: 'a',
  to: `to-${at}`,
  durationMs: 100 + at,
  at,
  mode: 'crash',
  phases: [],
  recipe,
  notified,
  reads: notified === null ? null : notified * 2,
  watches: 9,
  ...extra,
});

test('the latest counted failover per recipe; uncounted, unknown-recipe and later ones are skipped', () => {
  const records = [rec(1, 'predecessor', 1), rec(5, 'predecessor', 1), rec(3, 'herd', 19), rec(7, 'herd', null), rec(8, null, 4), rec(20, 'herd', 18), null];
  const last = lastByRecipe(records, 10);
  assert.equal(last.predecessor?.at, 5);
  assert.equal(last.herd?.at, 3, 'the one at 7 is not counted yet, the one at 20 is after the moment shown');
  assert.equal(lastByRecipe(records, 100).herd?.at, 20);
});

test('the same failover seen twice (the list and the live view) keeps the one with its reads', () => {
  const last = lastByRecipe([rec(5, 'herd', 7, { reads: null }), rec(5, 'herd', 7)], 10);
  assert.equal(last.herd?.reads, 14);
});

test('rows side by side in recipe order, null where a recipe has no failover yet', () => {
  const rows = comparisonRows(lastByRecipe([rec(5, 'herd', 19)], 10));
  assert.deepEqual(
    rows.map((r) => [r.key, r.values]),
    [
      ['notified', [null, 19]],
      ['reads', [null, 38]],
      ['watches', [null, 9]],
      ['duration', [null, 105]],
    ],
  );
});
