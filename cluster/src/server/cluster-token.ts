/**
 * Where the node's cluster token comes from. CLUSTER_TOKEN when set (the launcher generates one
 * per run); otherwise the token stored in ZooKeeper at /zkviz/cluster_token, created by whichever
 * process gets there first (see readOrCreateClusterToken). Until the token is known the control
 * routes answer 503: there is no state in which they are open.
 */
import { randomBytes } from 'node:crypto';
import { readOrCreateClusterToken } from '@zkviz/shared';
import type { ZkConnection } from '@zkviz/shared/zk';
import type { Logger } from 'pino';

export class ClusterTokenSource {
  private value: string | null;
  private loading = false;
  private retryMs = 250;

  constructor(
    configured: string | null,
    private readonly zk: ZkConnection,
    private readonly logger: Logger,
  ) {
    this.value = configured;
    if (configured === null) {
      // Every new session is a chance to (re)try; once read, the token never changes.
      zk.on('connected', () => void this.load());
    }
  }

  /** The token, or null while it is not known yet (control routes are closed meanwhile). */
  get token(): string | null {
    return this.value;
  }

  private async load(): Promise<void> {
    if (this.value !== null || this.loading) return;
    this.loading = true;
    try {
      const result = await readOrCreateClusterToken(this.zk, () => randomBytes(32).toString('hex'));
      if (result.ok) {
        this.value = result.token;
        this.logger.info({ ev: 'cluster-token', source: 'zookeeper', created: result.created }, 'cluster token read from ZooKeeper');
      } else {
        this.logger.error({ ev: 'cluster-token-unavailable', reason: result.reason }, 'no cluster token yet; control routes stay closed');
      }
    } finally {
      this.loading = false;
    }
    if (this.value === null && this.zk.currentSession) {
      // Connected but it failed (a connection loss mid-way, or garbage stored): retry, backing off.
      setTimeout(() => void this.load(), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    }
  }
}
