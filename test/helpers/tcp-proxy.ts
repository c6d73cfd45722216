/** The TCP proxy lives in production code now (the slot supervisor's ZooKeeper relay); tests use the same one. */
export * from '../../shared/src/net/tcp-proxy.js';
