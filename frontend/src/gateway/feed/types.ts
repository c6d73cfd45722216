/** The leader as the gateway learns it from /coordinators_service_registry. */
export interface RegisteredLeader {
  /** Election znode name (the registry child's name). */
  id: string;
  /** Sequence of its election znode (the registry child's name). */
  fencingToken: number;
  /** host:port of the leader's HTTP server. */
  address: string;
}

/** Structured log lines tests and benchmarks parse from stdout. */
export type FeedNotice =
  | { ev: 'leader-switched'; leader: string; fencingToken: number; at: number }
  | { ev: 'leader-lost'; leader: string; at: number }
  | { ev: 'leader-restored'; leader: string; fencingToken: number; at: number };

/** The slice of a pino logger the feed needs; fastify's `app.log` satisfies it. */
export interface FeedLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
