/** The server kit shared by the node and the gateway (Node.js only; never in the page's bundle). */
export * from './cluster-token.js';
export * from './env.js';
export * from './errors.js';
export * from './method-not-allowed.js';
export * from './cutoff-log.js';
export * from './connection-cap.js';
export * from './server-options.js';
export * from './token.js';
