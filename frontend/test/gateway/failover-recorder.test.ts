import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailoverRecord, TakeoverRecord } from '@zkviz/shared';
import { FailoverRecorder } from '../../src/gateway/failovers/recorder.js';

const A = `${'a'.repeat(32)}-n_0000000001`;
const B = `${'b'.repeat(32)}-n_0000000002`;
const switched = (at: number, from: string | null = A): FailoverRecord => ({ from, to: B, durationMs: 5, at, mode: null, phases: [] });
const takeover = (t: Partial<TakeoverRecord> = {}): TakeoverRecord => ({ leader: B, predecessor: A, notifiedAt: 1_050, registeredAt: 1_060, actingAt: 1_061, ...t });

describe('failover recorder', () => {
  it('a crash: kill, exit, successor stamps, switch — in time order, with the kill mode', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: A, mode: 'crash', leader: A, at: 1_000 });
    r.observe({ type: 'leader-lost', leader: A, at: 1_010 });
    r.observe({ type: 'session-expiry', znode: A, expiresAt: 1_048 });
    assert.equal(r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() }), true);
    const [rec] = r.list();
    assert.equal(rec!.mode, 'crash');
    assert.deepEqual(
      rec!.phases.map((p) => [p.name, p.at, p.by]),
      [
        ['kill-requested', 1_000, 'gateway'],
        ['process-exited', 1_010, 'gateway'],
        ['session-expired', 1_048, 'zookeeper'],
        ['successor-notified', 1_050, 'successor'],
        ['registry-updated', 1_060, 'successor'],
        ['successor-acting', 1_061, 'successor'],
        ['gateway-switched', 1_070, 'gateway'],
      ],
    );
    assert.deepEqual(r.find(1_070, B), rec);
  });

  it('a frozen leader: ZooKeeper deletes its znode before the gateway misses its stream, and that opens the failover', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'znode-deleted', znode: A, at: 1_020 });
    r.observe({ type: 'leader-lost', leader: A, at: 1_040 });
    r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() });
    const rec = r.list()[0]!;
    assert.equal(rec.mode, null);
    assert.deepEqual(
      rec.phases.map((p) => p.name),
      ['znode-deleted', 'successor-notified', 'registry-updated', 'successor-acting', 'gateway-switched'],
    );
  });

  it('under herd the successor’s child watch is its notification; under predecessor an unnamed one is not', () => {
    for (const recipe of ['herd', 'predecessor'] as const) {
      const r = new FailoverRecorder();
      r.observe({ type: 'kill-requested', target: A, mode: 'graceful', leader: A, at: 1_000 });
      r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover({ predecessor: null, notifiedAt: 1_040 }), recipe });
      const notified = r.list()[0]!.phases.find((p) => p.name === 'successor-notified');
      if (recipe === 'herd') assert.equal(notified?.at, 1_040);
      else assert.equal(notified, undefined);
    }
  });

  it('a graceful stop stamps no process exit (its stream closes when it stops acting) and no session expiry', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: A, mode: 'graceful', leader: A, at: 1_000 });
    r.observe({ type: 'leader-lost', leader: A, at: 1_005 });
    r.observe({ type: 'session-expiry', znode: A, expiresAt: 1_048 });
    r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() });
    const names = r.list()[0]!.phases.map((p) => p.name);
    assert.ok(!names.includes('process-exited') && !names.includes('session-expired'));
  });

  it('a graceful stop: its registry entry going with the session is session-closed, stamped by the gateway after znode-deleted', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: A, mode: 'graceful', leader: A, at: 1_000 });
    r.observe({ type: 'leader-lost', leader: A, at: 1_005 });
    r.observe({ type: 'znode-deleted', znode: A, at: 1_020 });
    assert.equal(r.observe({ type: 'registry-entry-deleted', znode: B, at: 1_021 }), false, 'another node’s entry is no phase of this failover');
    r.observe({ type: 'registry-entry-deleted', znode: A, at: 1_023 });
    r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() });
    assert.deepEqual(
      r.list()[0]!.phases.map((p) => [p.name, p.at, p.by]),
      [
        ['kill-requested', 1_000, 'gateway'],
        ['znode-deleted', 1_020, 'gateway'],
        ['session-closed', 1_023, 'gateway'],
        ['successor-notified', 1_050, 'successor'],
        ['registry-updated', 1_060, 'successor'],
        ['successor-acting', 1_061, 'successor'],
        ['gateway-switched', 1_070, 'gateway'],
      ],
    );
    // Arriving after the switch, it still completes the recorded failover.
    const late = new FailoverRecorder();
    late.observe({ type: 'kill-requested', target: A, mode: 'graceful', leader: A, at: 1_000 });
    late.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() });
    assert.equal(late.observe({ type: 'registry-entry-deleted', znode: A, at: 1_080 }), true);
    assert.ok(late.find(1_070, B)!.phases.some((p) => p.name === 'session-closed'));
  });

  it('a crash’s registry entry goes when the session expires: that is no session-closed', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: A, mode: 'crash', leader: A, at: 1_000 });
    r.observe({ type: 'registry-entry-deleted', znode: A, at: 2_010 });
    r.observe({ type: 'switched', failover: switched(2_070), takeover: takeover({ notifiedAt: 2_008 }) });
    assert.ok(!r.list()[0]!.phases.some((p) => p.name === 'session-closed'));
  });

  it('a deletion notification after the switch updates the recorded failover', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: A, mode: 'crash', leader: A, at: 1_000 });
    r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover() });
    assert.equal(r.observe({ type: 'znode-deleted', znode: A, at: 1_049 }), true);
    assert.equal(r.find(1_070, B)!.phases[1]!.name, 'znode-deleted');
    assert.equal(r.observe({ type: 'znode-deleted', znode: A, at: 1_049 }), false, 'stamped once');
    assert.equal(r.observe({ type: 'znode-deleted', znode: B, at: 1_090 }), false, 'another znode is no phase of this failover');
  });

  it('a kill of a worker opens no failover; a loss without a kill still records one', () => {
    const r = new FailoverRecorder();
    r.observe({ type: 'kill-requested', target: B, mode: 'crash', leader: A, at: 1_000 });
    r.observe({ type: 'leader-lost', leader: A, at: 1_010 });
    r.observe({ type: 'switched', failover: switched(1_070), takeover: takeover({ predecessor: 'someone-else' }) });
    const rec = r.list()[0]!;
    assert.equal(rec.mode, null);
    assert.deepEqual(
      rec.phases.map((p) => p.name),
      ['registry-updated', 'successor-acting', 'gateway-switched'],
      'no kill, and the successor was woken by another znode: not this failover’s notification',
    );
  });

  it('keeps the last 50, newest first', () => {
    const r = new FailoverRecorder();
    for (let i = 0; i < 60; i++) r.observe({ type: 'switched', failover: switched(2_000 + i), takeover: null });
    const list = r.list();
    assert.equal(list.length, 50);
    assert.equal(list[0]!.at, 2_059);
    assert.equal(list[49]!.at, 2_010);
  });
});
