import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TakeoverLog } from '../src/leadership/takeover.js';

describe('takeover log', () => {
  it('stamps notification, registration and acting from the election’s own log events', () => {
    let now = 100;
    const log = new TakeoverLog(() => now);
    log.note('predecessor-deleted', { predecessor: 'p' });
    now = 110;
    log.note('registry-register', { registry: 'workers', rc: 'ZOK' });
    log.note('registry-register', { registry: 'coordinators', rc: 'ZNODEEXISTS' });
    assert.equal(log.record, null, 'nothing before acting');
    now = 120;
    log.note('registry-register', { registry: 'coordinators', rc: 'ZOK' });
    now = 121;
    log.startActing('me');
    assert.deepEqual(log.record, { leader: 'me', predecessor: 'p', notifiedAt: 100, registeredAt: 120, actingAt: 121 });
    log.stopActing();
    assert.equal(log.record, null);
    log.startActing('me');
    assert.deepEqual(log.record, { leader: 'me', predecessor: null, notifiedAt: null, registeredAt: null, actingAt: 121 }, 'a later term starts clean');
  });

  it('under herd the child watch on /election is what woke it (no predecessor named)', () => {
    let now = 200;
    const log = new TakeoverLog(() => now);
    log.note('election-children-changed', {});
    now = 205;
    log.startActing('me');
    assert.deepEqual(log.record, { leader: 'me', predecessor: null, notifiedAt: 200, registeredAt: null, actingAt: 205 });
  });
});
