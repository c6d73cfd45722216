/** Forwards a kill to the acting leader's `/internal/kill`. */
import { CLUSTER_TOKEN_HEADER, NODE_ROUTES, type LeaderKillRequest } from '@zkviz/shared';
import { postJson, type JsonReply } from '@zkviz/shared/net';

export interface LeaderClient {
  /** Resolves with the leader's answer; rejects (PeerUnreachableError) only when the leader could not be reached or timed out. */
  kill(leaderAddress: string, request: LeaderKillRequest): Promise<JsonReply>;
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
      const token = resolveClusterToken(options.clusterToken);
      return postJson(leaderAddress, NODE_ROUTES.routeKill, request, { headers: token ? { [CLUSTER_TOKEN_HEADER]: token } : {}, timeoutMs });
    },
  };
}
