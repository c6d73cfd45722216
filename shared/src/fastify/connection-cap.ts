/**
 * Open connections per client address (the gateway's /ws, a node's state streams). The count is
 * taken when a connection is accepted and given back when that socket closes, whatever the
 * reason, so it cannot drift.
 */
export class ConnectionCap {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts one more connection from `address`; false (and nothing counted) if it is at the cap. */
  tryAcquire(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.maxPerAddress) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const n = this.open.get(address) ?? 0;
    if (n <= 1) this.open.delete(address);
    else this.open.set(address, n - 1);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
