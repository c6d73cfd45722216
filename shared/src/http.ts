/** Header that carries the cluster token on node control routes (kill, state stream). */
export const CLUSTER_TOKEN_HEADER = 'x-zkviz-cluster-token';
/** Header a browser sends the presenter's control token in. */
export const CONTROL_TOKEN_HEADER = 'x-zkviz-control-token';

/** Internal routes served by every node. */
export const NODE_ROUTES = {
  health: '/internal/health',
  status: '/internal/status',
  clusterSnapshot: '/internal/cluster',
  clusterStream: '/internal/cluster/stream',
  /** On the leader: route a kill to the target. */
  routeKill: '/internal/kill',
  /** On every node: kill yourself (sent by the leader). */
  selfKill: '/internal/self/kill',
} as const;

/** Default ports. */
export const DEFAULT_GATEWAY_PORT = 8080;
export const DEFAULT_NODE_PORT = 7000;
