/**
 * The gateway's budgets. Sized so that a class of 100 behind one NAT address never meets them in
 * normal use (a page makes one read on load and sends a ping every 10 s), while one looping or
 * flooding client is cut off long before it can starve the others. Every value comes from the
 * environment (README: Configuration, Security).
 */
export interface GatewayLimits {
  /** GET /api/* requests per client address per minute, all read routes together. */
  readsPerMinute: number;
  /** Open /ws connections per client address. */
  wsConnectionsPerAddress: number;
  /** Messages a /ws connection may send in a quick burst... */
  wsMessageBurst: number;
  /** ...and per second, sustained. */
  wsMessagesPerSecond: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  // 100 per second per address: 100 pages reloading every few seconds, or a script per student
  // polling once a second, stay under it.
  readsPerMinute: 6000,
  // 100 students with a few tabs each.
  wsConnectionsPerAddress: 500,
  // The page sends one ping per 10 s; the headroom is for features that send more.
  wsMessageBurst: 30,
  wsMessagesPerSecond: 5,
};

export const LIMIT_ENV = {
  readsPerMinute: 'READ_RATE_LIMIT_PER_MIN',
  wsConnectionsPerAddress: 'WS_CONNECTIONS_PER_ADDRESS',
  wsMessageBurst: 'WS_MESSAGE_BURST',
  wsMessagesPerSecond: 'WS_MESSAGES_PER_SEC',
} as const satisfies Record<keyof GatewayLimits, string>;

export function loadLimits(intFromEnv: (name: string, fallback: number, min: number, max: number) => number): GatewayLimits {
  return {
    readsPerMinute: intFromEnv(LIMIT_ENV.readsPerMinute, DEFAULT_LIMITS.readsPerMinute, 1, 10_000_000),
    wsConnectionsPerAddress: intFromEnv(LIMIT_ENV.wsConnectionsPerAddress, DEFAULT_LIMITS.wsConnectionsPerAddress, 1, 1_000_000),
    wsMessageBurst: intFromEnv(LIMIT_ENV.wsMessageBurst, DEFAULT_LIMITS.wsMessageBurst, 1, 1_000_000),
    wsMessagesPerSecond: intFromEnv(LIMIT_ENV.wsMessagesPerSecond, DEFAULT_LIMITS.wsMessagesPerSecond, 1, 1_000_000),
  };
}
