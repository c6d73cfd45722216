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
