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

/**
 * Query flag of a *standby* state stream (`?standby=1`): the gateway opens one to the node next in
 * line before that node leads. The node holds it silent while it is next in line (or about to
 * act) and makes it a subscriber the moment it acts, so a failover's first snapshot needs no new
 * connection. Refused (503) by any other node, and whenever that node stops being next in line.
 */
export const STANDBY_STREAM_QUERY = 'standby';

/**
 * Public routes served by the gateway: the page, the test helpers, the bench and the gateway
 * itself use these, so a route is renamed in one place. The contract is in the README.
 */
export const GATEWAY_ROUTES = {
  health: '/api/health',
  cluster: '/api/cluster',
  events: '/api/events',
  failovers: '/api/failovers',
  zookeeper: '/api/zookeeper',
  recording: '/api/recording',
  kill: '/api/nodes/:id/kill',
  slots: '/api/slots',
  recipe: '/api/recipe',
  ws: '/ws',
} as const;
/** Prefix of every JSON route (the page's client-side routes and the SPA fallback never match it). */
export const GATEWAY_API_PREFIX = '/api/';

/** `POST` path that kills node `id`. */
export function gatewayKillPath(id: string): string {
  return GATEWAY_ROUTES.kill.replace(':id', encodeURIComponent(id));
}

/** Default ports. */
export const DEFAULT_GATEWAY_PORT = 8080;
export const DEFAULT_NODE_PORT = 7000;

/**
 * Compose without CLUSTER_TOKEN: the first process to reach ZooKeeper creates this persistent
 * znode holding a random token (32 bytes, hex), everyone else reads it back. ZooKeeper is only
 * reachable on the compose network, so the token is exactly as private as ZooKeeper itself.
 */
export const CLUSTER_TOKEN_ZNODE_PARENT = '/zkviz';
export const CLUSTER_TOKEN_ZNODE = '/zkviz/cluster_token';
/** What a token stored in ZooKeeper must look like; anything else is refused, never trusted. */
export const ZK_CLUSTER_TOKEN_PATTERN = /^[0-9a-f]{64}$/;

/** The few ZooKeeper operations the token bootstrap needs (a ZkConnection fits). */
export interface ClusterTokenStore {
  ensurePath(path: string): Promise<{ rc: number }>;
  create(path: string, data: string, flags: number): Promise<{ rc: number; path?: string }>;
  getData(path: string): Promise<{ rc: number; data?: Uint8Array }>;
}

export type ClusterTokenResult = { ok: true; token: string; created: boolean } | { ok: false; reason: string };

/**
 * Create-if-absent, then read back: whoever wins the create, every process ends up with the same
 * token. A stored value that is not 64 hex characters is reported, never used (and never replaced:
 * fixing it needs an operator, `deleteall /zkviz` while the stack is down).
 * `randomHex` is injected so this module stays free of node:crypto for the browser build.
 */
export async function readOrCreateClusterToken(zk: ClusterTokenStore, randomHex: () => string): Promise<ClusterTokenResult> {
  const ZOK = 0;
  const ZNODEEXISTS = -110;
  const ZOO_PERSISTENT = 0;
  const parent = await zk.ensurePath(CLUSTER_TOKEN_ZNODE_PARENT);
  if (parent.rc !== ZOK) return { ok: false, reason: `could not create ${CLUSTER_TOKEN_ZNODE_PARENT} (rc ${parent.rc})` };
  const candidate = randomHex();
  const created = await zk.create(CLUSTER_TOKEN_ZNODE, candidate, ZOO_PERSISTENT);
  if (created.rc !== ZOK && created.rc !== ZNODEEXISTS) return { ok: false, reason: `could not create ${CLUSTER_TOKEN_ZNODE} (rc ${created.rc})` };
  const read = await zk.getData(CLUSTER_TOKEN_ZNODE);
  if (read.rc !== ZOK || !read.data) return { ok: false, reason: `could not read ${CLUSTER_TOKEN_ZNODE} (rc ${read.rc})` };
  const token = new TextDecoder().decode(read.data);
  if (!ZK_CLUSTER_TOKEN_PATTERN.test(token)) return { ok: false, reason: `${CLUSTER_TOKEN_ZNODE} does not hold 64 hex characters; refusing to use it` };
  return { ok: true, token, created: created.rc === ZOK && token === candidate };
}
