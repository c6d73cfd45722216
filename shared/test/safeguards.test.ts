/** The safeguard switches: refused unless under test, unknown names refused, nothing off by default. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAFEGUARD_NAMES, SafeguardSwitchError, parseSafeguardSwitches } from '../src/safeguards.js';

test('no switch set: every safeguard is on', () => {
  assert.equal(parseSafeguardSwitches({}).size, 0);
  assert.equal(parseSafeguardSwitches({ ZKVIZ_UNSAFE_DISABLE: ' , ' }).size, 0);
});

test('switches are refused unless the process is told it is under test', () => {
  assert.throws(
    () => parseSafeguardSwitches({ ZKVIZ_UNSAFE_DISABLE: 'state-poll' }),
    (err: Error) => err instanceof SafeguardSwitchError && /ZKVIZ_UNDER_TEST=1/.test(err.message),
  );
  assert.throws(() => parseSafeguardSwitches({ ZKVIZ_UNSAFE_DISABLE: 'state-poll', ZKVIZ_UNDER_TEST: 'yes' }), SafeguardSwitchError);
});

test('unknown names are refused, naming the known ones', () => {
  assert.throws(
    () => parseSafeguardSwitches({ ZKVIZ_UNSAFE_DISABLE: 'state-poll,stop-acting', ZKVIZ_UNDER_TEST: '1' }),
    (err: Error) => err instanceof SafeguardSwitchError && err.message.includes('stop-acting') && err.message.includes('stop-acting-on-suspended'),
  );
});

test('under test, the named safeguards are off', () => {
  const off = parseSafeguardSwitches({ ZKVIZ_UNSAFE_DISABLE: 'state-poll, ownership-check', ZKVIZ_UNDER_TEST: '1' });
  assert.deepEqual([...off].sort(), ['ownership-check', 'state-poll']);
  assert.ok(SAFEGUARD_NAMES.includes('freeze-detector'));
});
