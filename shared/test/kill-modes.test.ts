import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_KILL_MODE, KILL_MODES, KILL_MODE_TABLE, isKillMode, killModeSpec } from '../src/kill-modes.js';

test('every kill mode has one table entry, and the list the schemas use is the table', () => {
  assert.deepEqual(KILL_MODES, Object.keys(KILL_MODE_TABLE));
  assert.ok(KILL_MODES.includes(DEFAULT_KILL_MODE));
  for (const mode of KILL_MODES) {
    const spec = killModeSpec(mode);
    assert.equal(spec, KILL_MODE_TABLE[mode]);
    assert.ok(spec.label && spec.pendingLabel && spec.description, `${mode} has its texts`);
    assert.ok('signal' in spec.exit ? spec.exit.signal === 'SIGKILL' : Number.isInteger(spec.exit.code), `${mode} ends by a signal or an exit code`);
  }
});

test('a crash ends by SIGKILL, a graceful stop by exit code 0', () => {
  assert.deepEqual(killModeSpec('crash').exit, { signal: 'SIGKILL' });
  assert.deepEqual(killModeSpec('graceful').exit, { code: 0 });
});

test('an unknown mode is refused, never mapped to a known one', () => {
  for (const bad of ['', 'CRASH', 'kill', 'hang', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.equal(isKillMode(bad), false, bad);
    assert.throws(() => killModeSpec(bad), /unknown kill mode/, bad);
  }
  for (const bad of [null, undefined, 0, {}, ['crash']]) assert.equal(isKillMode(bad), false, JSON.stringify(bad));
});
