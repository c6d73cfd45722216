/**
 * "Log each cut-off once": a client over a limit may be refused thousands of times a second, and
 * one log line per refusal would make the log itself the thing that stalls the process. first()
 * says whether this key has not been reported within the last `windowMs`; memory is bounded by
 * `maxKeys` (expired keys are swept when it fills; if all are live, the oldest goes).
 */
export class CutoffLog {
  private readonly reportedAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  first(key: string): boolean {
    const at = this.now();
    const last = this.reportedAt.get(key);
    if (last !== undefined && at - last < this.windowMs) return false;
    this.reportedAt.delete(key); // re-insert: Map order is then "oldest report first"
    if (this.reportedAt.size >= this.maxKeys) this.sweep(at);
    this.reportedAt.set(key, at);
    return true;
  }

  private sweep(at: number): void {
    for (const [key, last] of this.reportedAt) {
      if (at - last >= this.windowMs) this.reportedAt.delete(key);
      else break; // ordered by report time: the rest are newer
    }
    if (this.reportedAt.size >= this.maxKeys) this.reportedAt.delete(this.reportedAt.keys().next().value!);
  }
}
