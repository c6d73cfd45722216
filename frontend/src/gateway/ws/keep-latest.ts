/**
 * Per-client sending with backpressure. Snapshots supersede each other, so a client whose socket
 * buffer is backed up gets no intermediate snapshots — only the newest one, once the buffer drains.
 * Events and replies are small and rare and are always sent in order. A client that falls hopelessly
 * behind is cut off rather than allowed to grow the gateway's memory.
 *
 * "Drained" is learnt from the send callbacks (ws calls them once a frame is handed to the kernel),
 * so no timer is involved.
 */
export interface SocketLike {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Frame, options: { binary: false }, cb?: (err?: Error) => void): void;
  terminate(): void;
}

/**
 * A message as sent: a string, or its UTF-8 bytes encoded once for every client (ws would
 * otherwise encode the same string again for each one: at 1,000 viewers and a 150 KB ZooKeeper
 * view, 150 MB per message). Either way it goes out as a text frame.
 */
export type Frame = string | Buffer;

const OPEN = 1;
const TEXT = { binary: false } as const;

export interface KeepLatestOptions {
  /** Above this many buffered bytes, snapshots are held back (only the latest is kept). */
  highWaterMark: number;
  /** Above this many buffered bytes, the client is disconnected. */
  hardLimit: number;
}

export class KeepLatestSender {
  private pendingSnapshot: Frame | null = null;
  /** Snapshots that were replaced before they were sent (for tests and metrics). */
  skipped = 0;

  constructor(
    private readonly socket: SocketLike,
    private readonly options: KeepLatestOptions = { highWaterMark: 64 * 1024, hardLimit: 4 * 1024 * 1024 },
  ) {}

  sendSnapshot(data: Frame): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > this.options.highWaterMark) {
      if (this.pendingSnapshot !== null) this.skipped++;
      this.pendingSnapshot = data;
      return;
    }
    this.pendingSnapshot = null;
    this.write(data);
  }

  /** Events, pongs, errors: never dropped while the client keeps up at all. */
  sendAlways(data: Frame): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > this.options.hardLimit) {
      this.socket.terminate();
      return;
    }
    this.write(data);
  }

  get hasPendingSnapshot(): boolean {
    return this.pendingSnapshot !== null;
  }

  private write(data: Frame): void {
    this.socket.send(data, TEXT, (err) => {
      if (!err) this.flushPending();
    });
  }

  private flushPending(): void {
    if (this.pendingSnapshot === null || this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > this.options.highWaterMark) return; // a later callback will retry
    const data = this.pendingSnapshot;
    this.pendingSnapshot = null;
    this.write(data);
  }
}
