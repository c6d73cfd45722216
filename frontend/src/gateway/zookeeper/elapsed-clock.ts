/**
 * Maps ZooKeeper's elapsed clock to wall time. `cons` reports when a connection was last answered
 * (`lresp`) on the server's *elapsed* clock (`System.nanoTime()` in ms, arbitrary origin), and the
 * session expiry queue runs on the same clock; `dump` prints expiry times only to the second.
 * Each `cons` read bounds the offset (wall − elapsed):
 *   - every `lresp` happened before the answer arrived:            offset ≤ receivedAt − lresp
 *   - an `lresp` that changed since the previous (non-overlapping) read happened after that read was sent:
 *                                                                  offset ≥ previousSentAt − lresp
 * Pings arrive every third of a session timeout on every connection, so the bounds close to a few
 * tens of ms within seconds (faster while cons is polled quickly). One clock per server. Pure.
 */
export class ElapsedClock {
  private lo = -Infinity;
  private hi = Infinity;
  private previous: { sentAt: number; receivedAt: number; lresp: Map<string, number> } | null = null;

  /** One `cons` read: when it was sent and answered (gateway wall clock), each connection's lresp by address. */
  observe(sentAt: number, receivedAt: number, lresp: ReadonlyMap<string, number>): void {
    // The lower bound needs the previous read's snapshot to precede this one: reads that overlap
    // (a fast `cons` poll during a full read) give only upper bounds.
    const previous = this.previous && this.previous.receivedAt <= sentAt ? this.previous : null;
    for (const [address, value] of lresp) {
      this.hi = Math.min(this.hi, receivedAt - value);
      const before = previous?.lresp.get(address);
      if (previous && before !== undefined && before !== value) this.lo = Math.max(this.lo, previous.sentAt - value);
    }
    // Contradictory bounds: the server restarted (a new elapsed origin) or a clock jumped. Start over.
    if (this.lo > this.hi) {
      this.lo = -Infinity;
      this.hi = Math.min(...[...lresp.values()].map((v) => receivedAt - v));
    }
    this.previous = { sentAt, receivedAt, lresp: new Map(lresp) };
  }

  /** Wall time of an elapsed-clock instant, or null before any read. */
  toWall(elapsed: number): number | null {
    if (!Number.isFinite(this.hi)) return null;
    const offset = Number.isFinite(this.lo) ? (this.lo + this.hi) / 2 : this.hi;
    return Math.round(elapsed + offset);
  }

  /** Width of the offset bound in ms (Infinity until both bounds are known). */
  get uncertaintyMs(): number {
    return this.hi - this.lo;
  }
}
