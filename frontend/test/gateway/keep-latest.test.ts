import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeepLatestSender, type SocketLike } from '../../src/gateway/ws/keep-latest.js';

/** A socket whose buffer the test fills and drains by hand. */
class FakeSocket implements SocketLike {
  bufferedAmount = 0;
  readyState = 1;
  terminated = false;
  readonly sent: string[] = [];
  private readonly callbacks: Array<(err?: Error) => void> = [];
  send(data: string | Buffer, _options: { binary: false }, cb?: (err?: Error) => void): void {
    this.sent.push(String(data));
    if (cb) this.callbacks.push(cb);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  /** The kernel took everything: buffer empty, callbacks run. */
  drain(): void {
    this.bufferedAmount = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

const limits = { highWaterMark: 100, hardLimit: 1000 };

describe('keep-latest sender', () => {
  it('sends every snapshot while the client keeps up', () => {
    const socket = new FakeSocket();
    const sender = new KeepLatestSender(socket, limits);
    sender.sendSnapshot('s1');
    sender.sendSnapshot('s2');
    assert.deepEqual(socket.sent, ['s1', 's2']);
  });

  it('skips intermediate snapshots for a backed-up client and sends the latest on drain', () => {
    const socket = new FakeSocket();
    const sender = new KeepLatestSender(socket, limits);
    sender.sendSnapshot('s1');
    socket.bufferedAmount = 500;
    sender.sendSnapshot('s2');
    sender.sendSnapshot('s3');
    sender.sendSnapshot('s4');
    assert.deepEqual(socket.sent, ['s1']);
    assert.equal(sender.skipped, 2);
    socket.drain();
    assert.deepEqual(socket.sent, ['s1', 's4']);
    assert.equal(sender.hasPendingSnapshot, false);
  });

  it('keeps holding the snapshot while the buffer is still above the mark after a callback', () => {
    const socket = new FakeSocket();
    const sender = new KeepLatestSender(socket, limits);
    sender.sendSnapshot('s1');
    socket.bufferedAmount = 500;
    sender.sendSnapshot('s2');
    sender.sendAlways('e1'); // still queued: its callback will come later
    // First callback fires but the buffer is still full.
    socket.bufferedAmount = 300;
    const [first] = (socket as unknown as { callbacks: Array<() => void> }).callbacks.splice(0, 1);
    first?.();
    assert.deepEqual(socket.sent, ['s1', 'e1']);
    socket.drain();
    assert.deepEqual(socket.sent, ['s1', 'e1', 's2']);
  });

  it('always sends events, in order, even when snapshots are held back', () => {
    const socket = new FakeSocket();
    const sender = new KeepLatestSender(socket, limits);
    socket.bufferedAmount = 500;
    sender.sendAlways('e1');
    sender.sendAlways('e2');
    assert.deepEqual(socket.sent, ['e1', 'e2']);
  });

  it('cuts off a client that is hopelessly behind', () => {
    const socket = new FakeSocket();
    const sender = new KeepLatestSender(socket, limits);
    socket.bufferedAmount = 5000;
    sender.sendAlways('e1');
    assert.equal(socket.terminated, true);
    assert.deepEqual(socket.sent, []);
  });

  it('sends nothing to a closed socket', () => {
    const socket = new FakeSocket();
    socket.readyState = 3;
    const sender = new KeepLatestSender(socket, limits);
    sender.sendSnapshot('s1');
    sender.sendAlways('e1');
    assert.deepEqual(socket.sent, []);
  });
});
