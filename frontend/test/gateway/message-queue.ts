/** Collects messages and lets a test await the next one that matches, without sleeping. */
export class MessageQueue<T> {
  private readonly items: T[] = [];
  private waiter: { match: (item: T) => boolean; resolve: (item: T) => void } | null = null;

  push(item: T): void {
    if (this.waiter?.match(item)) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve(item);
      return;
    }
    this.items.push(item);
  }

  /** Resolves with the first queued-or-future item that matches; non-matching items before it are dropped. */
  next(match: (item: T) => boolean = () => true): Promise<T> {
    while (this.items.length > 0) {
      const item = this.items.shift()!;
      if (match(item)) return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      this.waiter = { match, resolve };
    });
  }
}
