/**
 * Where a process's cluster token comes from, for the node and the gateway alike: CLUSTER_TOKEN
 * when set (the launcher generates one per run); otherwise the token stored in ZooKeeper at
 * /zkviz/cluster_token, created by whichever process gets there first (readOrCreateClusterToken).
 * Until it is known, `token` is null: the node's control routes answer 503 and the gateway sends
 * nothing (the leader answers 401, the stream client retries). There is no state in which a
 * control route is open.
 */
import { randomBytes } from 'node:crypto';
import { readOrCreateClusterToken } from '../http.js';
import type { ZkConnection } from '../zk/connection.js';

/** The slice of a pino logger the loader needs. */
export interface TokenLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Anything that can say what the token is right now (null: not known yet). */
export interface TokenHolder {
  readonly token: string | null;
}

export class ClusterTokenSource implements TokenHolder {
  private value: string | null;
  private loading = false;
  private retryMs = 250;
  private zk: ZkConnection | null = null;
  private log: TokenLog | null = null;

  constructor(configured: string | null) {
    this.value = configured;
  }

  get token(): string | null {
    return this.value;
  }

  /** Reads the token from ZooKeeper on every new session until it is known (nothing to do when configured). */
  attach(zk: ZkConnection, log: TokenLog): void {
    if (this.value !== null) return;
    this.zk = zk;
    this.log = log;
    // Every new session is a chance to (re)try; once read, the token never changes.
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
        this.log?.error({ ev: 'cluster-token-unavailable', reason: result.reason }, 'no cluster token yet');
      }
    } finally {
      this.loading = false;
    }
    if (this.value === null && zk.currentSession) {
      // Connected but it failed (a connection loss mid-way, or garbage stored): retry, backing off.
      setTimeout(() => void this.load(), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    }
  }
}
