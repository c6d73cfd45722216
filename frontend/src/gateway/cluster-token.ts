/**
 * The gateway's cluster token: CLUSTER_TOKEN when set, otherwise the one stored in ZooKeeper at
 * /zkviz/cluster_token (created by whichever node or gateway gets there first). Until it is known
 * the gateway sends no token and the leader answers 401; the stream client retries on its own.
 */
import { randomBytes } from 'node:crypto';
import { readOrCreateClusterToken } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import type { FeedLog } from './feed/types.js';

export class GatewayClusterToken {
  private value: string | null;
  private loading = false;
  private retryMs = 250;
  private zk: ZkConnection | null = null;
  private log: FeedLog | null = null;

  constructor(configured: string | null) {
    this.value = configured;
  }

  get token(): string | null {
    return this.value;
  }

  /** Reads the token from ZooKeeper on every new session until it is known (no-op when configured). */
  attach(zk: ZkConnection, log: FeedLog): void {
    if (this.value !== null) return;
    this.zk = zk;
    this.log = log;
    zk.on('connected', () => void this.load());
  }

  private async load(): Promise<void> {
    const zk = this.zk;
    if (this.value !== null || this.loading || !zk) return;
    this.loading = true;
    try {
      const result = await readOrCreateClusterToken(zk, () => randomBytes(32).toString('hex'));
      if (result.ok) {
        this.value = result.token;
        this.log?.info({ ev: 'cluster-token', source: 'zookeeper', created: result.created }, 'cluster token read from ZooKeeper');
      } else {
        this.log?.error({ ev: 'cluster-token-unavailable', reason: result.reason }, 'no cluster token yet; the leader will refuse the gateway');
      }
    } finally {
      this.loading = false;
    }
    if (this.value === null && zk.currentSession) {
      setTimeout(() => void this.load(), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    }
  }
}
