/**
 * Follows one leader's ndjson state stream for as long as the registry names that leader.
 *
 * A dropped, refused or silent stream is reported (`onDown`) and retried with a short backoff
 * (100 ms doubling to 1 s): a reconnect, not a poll. Silence is judged by the heartbeat: the
 * leader sends one every second, so 3 s without a valid line means the stream is dead even if
 * TCP has not noticed. After `stop()` no callback fires again — the caller's fencing relies on it.
 */
import http from 'node:http';
import { CLUSTER_TOKEN_HEADER, NODE_ROUTES, STANDBY_STREAM_QUERY, type LeaderStreamMessage, type RegisteredLeader } from '@zkviz/shared';
import type { FeedLog } from '../feed/types.js';
import { resolveClusterToken, type ClusterTokenOption } from './kill-client.js';
import { parseAddress } from '@zkviz/shared/net';
import { LineSplitter, parseStreamLine } from './messages.js';

export interface StreamHandlers {
  onMessage(message: LeaderStreamMessage): void;
  onDown(reason: string): void;
}

export interface StreamHandle {
  stop(): void;
  /**
   * A standby stream becomes the leader stream (the registry now names its node): from now on
   * silence fails it and a drop is retried, as for any leader stream.
   */
  adopt(): void;
}

/**
 * Opens a stream to one leader, or with `standby` to the node next in line ahead of its leading
 * (STANDBY_STREAM_QUERY: silent until that node acts; a refusal or drop ends it, no retry, until
 * adopted). The gateway's feed depends on this type only, so tests can fake it.
 */
export type StreamConnector = (leader: RegisteredLeader, handlers: StreamHandlers, options?: { standby?: boolean }) => StreamHandle;

export interface StreamClientOptions {
  clusterToken: ClusterTokenOption;
  log: FeedLog;
  idleTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export function httpStreamConnector(options: StreamClientOptions): StreamConnector {
  return (leader, handlers, connect) => {
    const client = new LeaderStreamClient(leader, handlers, options, connect?.standby === true);
    client.start();
    return client;
  };
}

export class LeaderStreamClient implements StreamHandle {
  private request: http.ClientRequest | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private backoffMs: number;
  /** Answered 200 but no line yet: a standby stream waits silent for its node to act. */
  private waitingForFirstLine = false;
  private readonly idleTimeoutMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly leader: RegisteredLeader,
    private readonly handlers: StreamHandlers,
    private readonly options: StreamClientOptions,
    private standby = false,
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 3000;
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 1000;
    this.backoffMs = this.minBackoffMs;
  }

  start(): void {
    this.connect();
  }

  adopt(): void {
    if (!this.standby) return;
    this.standby = false;
    // Its node leads now: it must speak within the idle bound like any leader.
    if (this.waitingForFirstLine) this.touch();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.request?.destroy();
    this.request = null;
  }

  private clearTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.idleTimer = null;
    this.retryTimer = null;
  }

  /** (Re)arms the silence detector; also bounds how long a connect attempt may hang. */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.fail(`no heartbeat for ${this.idleTimeoutMs} ms`), this.idleTimeoutMs);
  }

  private connect(): void {
    if (this.stopped) return;
    const target = parseAddress(this.leader.address);
    if (!target) {
      this.options.log.error({ leader: this.leader.id, address: this.leader.address }, 'leader address is not host:port');
      this.fail('bad address');
      return;
    }
    const headers: Record<string, string> = { accept: 'application/x-ndjson' };
    const token = resolveClusterToken(this.options.clusterToken);
    if (token) headers[CLUSTER_TOKEN_HEADER] = token;
    // agent: false — a fresh connection per attempt, never a pooled socket to a dead leader.
    const path = this.standby ? `${NODE_ROUTES.clusterStream}?${STANDBY_STREAM_QUERY}=1` : NODE_ROUTES.clusterStream;
    const request = http.get({ host: target.host, port: target.port, path, headers, agent: false });
    this.request = request;
    this.touch();
    let failed = false;
    const failOnce = (reason: string) => {
      if (failed || request !== this.request) return;
      failed = true;
      this.fail(reason);
    };
    request.on('error', (err) => failOnce(`stream error: ${err.message}`));
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        if (res.statusCode === 401) this.options.log.error({ leader: this.leader.id }, 'leader rejected the cluster token (check CLUSTER_TOKEN)');
        res.resume();
        failOnce(`leader answered ${res.statusCode}`);
        return;
      }
      // A standby stream is silent until its node acts: no idle bound before its first line.
      this.waitingForFirstLine = true;
      if (this.standby && this.idleTimer) {
        clearTimeout(this.idleTimer);
        this.idleTimer = null;
      }
      const splitter = new LineSplitter();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (request !== this.request) return;
        let lines: string[];
        try {
          lines = splitter.push(chunk);
        } catch (err) {
          failOnce(String(err));
          return;
        }
        for (const line of lines) this.onLine(line);
      });
      res.on('end', () => failOnce('stream ended'));
      res.on('error', (err) => failOnce(`stream error: ${err.message}`));
    });
  }

  private onLine(line: string): void {
    const parsed = parseStreamLine(line);
    if (!parsed.ok) {
      this.options.log.warn({ leader: this.leader.id, reason: parsed.reason, line: line.slice(0, 200) }, 'ignored leader stream line');
      return;
    }
    this.waitingForFirstLine = false;
    this.touch();
    if (parsed.message.type === 'snapshot') this.backoffMs = this.minBackoffMs;
    this.handlers.onMessage(parsed.message);
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.clearTimers();
    this.request?.destroy();
    this.request = null;
    this.options.log.debug({ leader: this.leader.id, reason, retryInMs: this.backoffMs }, 'leader stream down');
    this.handlers.onDown(reason);
    if (this.stopped) return; // onDown may have stopped us
    if (this.standby) {
      // Not (or no longer) next in line, or gone: the feed opens another standby if it wants one.
      this.stopped = true;
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
  }
}
