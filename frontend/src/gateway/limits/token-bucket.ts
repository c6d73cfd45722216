/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. take() is O(1) and allocates nothing,
 * so checking a message costs the same however fast a client sends. The clock is injected so the
 * arithmetic is tested without waiting.
 */
export interface BucketOptions {
  /** Most tokens held at once: how many messages a client may send in a quick burst. */
  burst: number;
  /** Tokens added per second: the sustained rate a client may keep up. */
  perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.refilledAt = now();
  }

  /** Takes one token; false when the bucket is empty (the caller is over its budget). */
  take(): boolean {
    const at = this.now();
    const elapsed = at - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.perSecond) / 1000);
      this.refilledAt = at;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
