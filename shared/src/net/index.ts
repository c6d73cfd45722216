export * from './tcp-proxy.js';
export * from './post-json.js';
