import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { ClusterSnapshot } from '@zkviz/shared';
import { StreamHub } from '../src/leadership/stream-hub.js';

/** Just enough of a ServerResponse: records what was written. */
class FakeResponse extends EventEmitter {
  lines: string[] = [];
  ended = false;
  writeHead(): this {
    return this;
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
});
