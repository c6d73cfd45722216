import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expand, globToRegExp } from '../../test/helpers/run-tests.mjs';

describe('test runner glob expansion (Node 20 has none)', () => {
  it('matches ** across directories and * within one', () => {
    const re = globToRegExp('test/integration/**/*.test.ts');
    assert.ok(re.test('test/integration/a.test.ts'));
    assert.ok(re.test('test/integration/x/y/a.test.ts'));
    assert.ok(!re.test('test/integration/a.test.tsx'));
    assert.ok(!re.test('test/e2e/a.test.ts'));
    assert.ok(!re.test('test/integrationX/a.test.ts'));
  });

  it('expands patterns against a directory tree, skipping missing dirs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zkviz-glob-'));
    try {
      mkdirSync(join(dir, 'a/test/deep'), { recursive: true });
      mkdirSync(join(dir, 'a/node_modules/x/test'), { recursive: true });
      for (const f of ['a/test/one.test.ts', 'a/test/deep/two.test.ts', 'a/test/helper.ts', 'a/node_modules/x/test/no.test.ts']) writeFileSync(join(dir, f), '');
      assert.deepEqual(expand(['a/**/*.test.ts', 'missing/**/*.test.ts'], dir), ['a/test/deep/two.test.ts', 'a/test/one.test.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
