import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { ClusterSnapshot } from '@zkviz/shared';
import { PARK_MS, StreamHub } from '../src/leadership/stream-hub.js';
import { StreamSlots } from '../src/server/limits.js';

/** Just enough of a ServerResponse: records what was written. */
class FakeResponse extends EventEmitter {
  lines: string[] = [];
  ended = false;
  heads = 0;
  flushed = false;
  get headersSent(): boolean {
    return this.heads > 0;
  }
  writeHead(): this {
    if (this.heads > 0) throw new Error('headers written twice');
    this.heads++;
    return this;
  }
  flushHeaders(): void {
    this.flushed = true;
  }
  write(chunk: string): boolean {
    this.lines.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
}

const snapshot = (version: number): ClusterSnapshot => ({ leader: 'x', fencingToken: 1, version, generatedAt: 0, nodes: [] });

describe('StreamHub', () => {
  it('a stream parked before acting becomes a subscriber when acting starts, and hears nothing before', () => {
    const hub = new StreamHub();
    const parked = new FakeResponse();
    const refused: unknown[] = [];
    hub.park(parked as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    hub.publish(snapshot(1)); // not acting: dropped
    assert.deepEqual(parked.lines, []);
    hub.open({ id: 'x', fencingToken: 1 });
    hub.publish(snapshot(2));
    assert.equal(parked.lines.length, 1);
    assert.match(parked.lines[0]!, /"version":2/);
    assert.equal(hub.size, 1);
    assert.deepEqual(refused, []);
    hub.close();
  });

  it('a parked stream is refused when acting does not start in time, and forgotten when it closes', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const hub = new StreamHub();
    const late = new FakeResponse();
    const gone = new FakeResponse();
    const refused: unknown[] = [];
    hub.park(late as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    hub.park(gone as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    gone.emit('close');
    t.mock.timers.tick(PARK_MS);
    assert.deepEqual(refused, [late]);
    hub.open({ id: 'x', fencingToken: 1 });
    assert.equal(hub.size, 0, 'neither the refused nor the closed one is subscribed');
    hub.close();
  });

  it('refuseParked refuses every parked stream at once, and a later open subscribes none of them', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const hub = new StreamHub();
    const a = new FakeResponse();
    const b = new FakeResponse();
    const refused: unknown[] = [];
    hub.park(a as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    hub.park(b as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    hub.refuseParked();
    assert.deepEqual(refused, [a, b], 'refused before their timers');
    t.mock.timers.tick(PARK_MS);
    assert.equal(refused.length, 2, 'their timers refuse nobody twice');
    hub.open({ id: 'x', fencingToken: 1 });
    assert.equal(hub.size, 0);
    hub.close();
  });

  it('a standby stream has no timer, outlives a refusal of acting parks, and becomes a subscriber when acting starts', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const hub = new StreamHub();
    const standby = new FakeResponse();
    const early = new FakeResponse();
    const refused: unknown[] = [];
    hub.park(standby as unknown as ServerResponse, (res) => refused.push(res), 'standby');
    hub.park(early as unknown as ServerResponse, (res) => refused.push(res), 'acting');
    assert.equal(standby.flushed, true, 'a standby is answered at once (its head), and told nothing more');
    assert.equal(early.heads, 0, 'an acting park is answered only by acting or its refusal');
    hub.refuseParked((kind) => kind === 'standby'); // still next in line, no longer about to act
    assert.deepEqual(refused, [early]);
    t.mock.timers.tick(60_000);
    assert.deepEqual(refused, [early], 'no timer refuses a standby stream');
    hub.open({ id: 'x', fencingToken: 1 });
    hub.publish(snapshot(1));
    assert.equal(standby.lines.length, 1, 'the first snapshot goes to it at once');
    hub.close();
  });

  it('a standby stream is refused once the node is no longer next in line', () => {
    const hub = new StreamHub();
    const standby = new FakeResponse();
    const refused: unknown[] = [];
    hub.park(standby as unknown as ServerResponse, (res) => refused.push(res), 'standby');
    hub.refuseParked(() => false);
    assert.deepEqual(refused, [standby]);
    hub.open({ id: 'x', fencingToken: 1 });
    assert.equal(hub.size, 0);
    hub.close();
  });

  it('sends each snapshot to every subscriber and the latest one to a late subscriber', () => {
    const hub = new StreamHub();
    const a = new FakeResponse();
    hub.open({ id: 'x', fencingToken: 1 });
    hub.subscribe(a as unknown as ServerResponse);
    hub.publish(snapshot(1));
    const b = new FakeResponse();
    hub.subscribe(b as unknown as ServerResponse);
    assert.equal(a.lines.length, 1);
    assert.deepEqual(b.lines, a.lines);
    hub.close();
  });

  it('asks mayPublish before every line and sends nothing when it says no', () => {
    let allowed = true;
    const hub = new StreamHub(() => allowed);
    const res = new FakeResponse();
    hub.open({ id: 'x', fencingToken: 1 });
    hub.subscribe(res as unknown as ServerResponse);
    hub.publish(snapshot(1));
    allowed = false; // e.g. the node has just found out it was frozen
    hub.publish(snapshot(2));
    assert.equal(res.lines.length, 1);
    assert.match(res.lines[0]!, /"version":1/);
    hub.close();
  });

  it('close ends every stream and publishes nothing afterwards', () => {
    const hub = new StreamHub();
    const res = new FakeResponse();
    hub.open({ id: 'x', fencingToken: 1 });
    hub.subscribe(res as unknown as ServerResponse);
    hub.close();
    hub.publish(snapshot(3));
    assert.equal(res.ended, true);
    assert.equal(res.lines.length, 0);
    assert.equal(hub.size, 0);
  });
  it('drops a subscriber that stopped reading once its backlog passes the bound, and only that one', () => {
    const dropped: number[] = [];
    const hub = new StreamHub(
      () => true,
      (bytes) => dropped.push(bytes),
      100,
    );
    class Backlogged extends FakeResponse {
      writableLength = 0;
      destroyed = false;
      override write(chunk: string): boolean {
        super.write(chunk);
        this.writableLength += chunk.length; // nobody reads: everything stays queued
        return false;
      }
      destroy(): void {
        this.destroyed = true;
        this.emit('close');
      }
    }
    const stuck = new Backlogged();
    const reader = new FakeResponse();
    hub.open({ id: 'x', fencingToken: 1 });
    hub.subscribe(stuck as unknown as ServerResponse);
    hub.subscribe(reader as unknown as ServerResponse);
    for (let v = 1; v <= 10; v++) hub.publish(snapshot(v));
    assert.equal(stuck.destroyed, true);
    assert.equal(dropped.length, 1, 'reported once');
    assert.ok(dropped[0]! > 100);
    assert.ok(stuck.writableLength < 200, 'nothing more was queued for it after the bound');
    assert.equal(reader.lines.length, 10, 'the reading subscriber got every snapshot');
    assert.equal(hub.size, 1);
    hub.close();
  });
});

describe('StreamSlots', () => {
  it("past the cap a caller's new stream closes that caller's oldest, and only that caller's", () => {
    const evicted: string[] = [];
    const slots = new StreamSlots(2, (client) => evicted.push(client));
    class Res extends FakeResponse {
      destroyed = false;
      destroy(): void {
        this.destroyed = true;
        this.emit('close');
      }
    }
    const [a1, a2, a3, b1] = [new Res(), new Res(), new Res(), new Res()];
    slots.admit('a', a1 as unknown as ServerResponse);
    slots.admit('a', a2 as unknown as ServerResponse);
    slots.admit('b', b1 as unknown as ServerResponse);
    assert.deepEqual([slots.count('a'), slots.count('b'), evicted.length], [2, 1, 0]);
    slots.admit('a', a3 as unknown as ServerResponse);
    assert.deepEqual([a1.destroyed, a2.destroyed, a3.destroyed, b1.destroyed], [true, false, false, false]);
    assert.deepEqual(evicted, ['a']);
    assert.equal(slots.count('a'), 2);
    a2.emit('close'); // closed by the caller
    a3.emit('close');
    assert.equal(slots.count('a'), 0);
  });
});
