/** Forwards a kill to the acting leader's `/internal/kill`. */
import http from 'node:http';
import { CLUSTER_TOKEN_HEADER, NODE_ROUTES, type LeaderKillRequest } from '@zkviz/shared';
import { parseAddress } from './messages.js';

export interface LeaderReply {
  statusCode: number;
  /** Parsed JSON body, or null when the body was not JSON. */
  body: unknown;
}

export interface LeaderClient {
  /** Resolves with the leader's answer; rejects only when the leader could not be reached or timed out. */
  kill(leaderAddress: string, request: LeaderKillRequest): Promise<LeaderReply>;
}

export class LeaderUnreachableError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** A fixed token, or a getter for one that is learnt later (read from ZooKeeper). */
export type ClusterTokenOption = string | null | (() => string | null);

export function resolveClusterToken(option: ClusterTokenOption): string | null {
  return typeof option === 'function' ? option() : option;
}

export function httpLeaderClient(options: { clusterToken: ClusterTokenOption; timeoutMs?: number }): LeaderClient {
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    kill(leaderAddress, request) {
      const target = parseAddress(leaderAddress);
      if (!target) return Promise.reject(new LeaderUnreachableError(`bad leader address ${leaderAddress}`, false));
      const payload = JSON.stringify(request);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      };
      const token = resolveClusterToken(options.clusterToken);
      if (token) headers[CLUSTER_TOKEN_HEADER] = token;
      return new Promise<LeaderReply>((resolve, reject) => {
        const req = http.request({ ...target, method: 'POST', path: NODE_ROUTES.routeKill, headers, agent: false, timeout: timeoutMs });
        req.on('timeout', () => req.destroy(new LeaderUnreachableError(`leader did not answer within ${timeoutMs} ms`, true)));
        req.on('error', (err) => reject(err instanceof LeaderUnreachableError ? err : new LeaderUnreachableError(err.message, false)));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new LeaderUnreachableError(err.message, false)));
          res.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              body = null;
            }
            resolve({ statusCode: res.statusCode ?? 0, body });
          });
        });
        req.end(payload);
      });
    },
  };
}
