/**
 * The gateway's recording of the run: every message broadcast on /ws, as the text that was sent,
 * with the time it was sent. Bounded two ways, whichever bites first: lines older than `maxAgeMs`
 * go, and the oldest lines go while the kept text exceeds `maxBytes`. When a snapshot line is
 * dropped its view becomes the header's `cluster` (the picture at `startedAt`), and a dropped
 * `zookeeper` line's view the header's `zookeeper`, so what is kept always replays from a known
 * state. ZooKeeper views count against the same bounds as everything else.
 */
import { recordingEntryLine, recordingHeaderLine, type ClusterView, type RecordedMessage, type ZooKeeperView } from '@zkviz/shared';

export interface RecorderBounds {
  /** Lines older than this are dropped. */
  maxAgeMs: number;
  /** The kept lines' total size (UTF-16 length, ~bytes for this ASCII JSON) stays under this. */
  maxBytes: number;
}

interface Line {
  at: number;
  text: string;
  /** Snapshot and zookeeper lines are parsed only when dropped, to become the new base views. */
  kind: RecordedMessage['type'];
}

export class Recorder {
  private readonly lines: Line[] = [];
  /** Index of the oldest kept line: dropping is a shift of this, compacted now and then. */
  private head = 0;
  private bytes = 0;
  private baseView: ClusterView;
  private baseZooKeeper: ZooKeeperView | null = null;
  private startedAt: number;
  private lastAt: number;

  constructor(
    initialView: ClusterView,
    private readonly bounds: RecorderBounds,
    private readonly now: () => number = Date.now,
  ) {
    this.baseView = initialView;
    this.startedAt = now();
    this.lastAt = this.startedAt;
  }

  /** `sent` is the JSON text of a broadcast /ws message. */
  record(sent: string, kind: RecordedMessage['type']): void {
    // The wall clock can step back (NTP); a recording's times never do.
    const at = Math.max(this.now(), this.lastAt);
    this.lastAt = at;
    const text = recordingEntryLine(at, sent);
    this.lines.push({ at, text, kind });
    this.bytes += text.length + 1;
    this.trim(at);
  }

  get size(): { lines: number; bytes: number; startedAt: number } {
    return { lines: this.lines.length - this.head, bytes: this.bytes, startedAt: this.startedAt };
  }

  /** The NDJSON lines (each without its newline) as of now, header first. */
  export(): string[] {
    this.trim(this.now());
    const out = [recordingHeaderLine(this.startedAt, this.baseView, this.baseZooKeeper)];
    for (let i = this.head; i < this.lines.length; i++) out.push(this.lines[i]!.text);
    return out;
  }

  private trim(now: number): void {
    while (this.head < this.lines.length) {
      const oldest = this.lines[this.head]!;
      if (now - oldest.at <= this.bounds.maxAgeMs && this.bytes <= this.bounds.maxBytes) break;
      this.drop(oldest);
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
  }

  private drop(line: Line): void {
    this.head++;
    this.bytes -= line.text.length + 1;
    this.startedAt = line.at;
    if (line.kind === 'snapshot') this.baseView = (JSON.parse(line.text) as { message: { view: ClusterView } }).message.view;
    else if (line.kind === 'zookeeper') this.baseZooKeeper = (JSON.parse(line.text) as { message: { view: ZooKeeperView } }).message.view;
  }
}
