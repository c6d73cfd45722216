/** Server-side helpers shared by the node and the gateway (type-only use of fastify). */
export * from './method-not-allowed.js';
export * from './cutoff-log.js';
export * from './connection-cap.js';
