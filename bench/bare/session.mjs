/**
 * The bare limit for a node at rest: one process holding one ZooKeeper session on the same native
 * `zookeeper` client zkviz uses, with the same session timeout, and nothing else (no zkviz code,
 * no HTTP server, no tsx: plain `node`). The nodes section starts as many of these as it ran nodes
 * and measures them as it measured the nodes: start-up CPU, idle CPU, RSS and PSS.
 *
 *   node bench/bare/session.mjs <zkConnect> <sessionTimeoutMs>
 *
 * Prints `{"ev":"connected"}` once the session is established, then idles until killed.
 */
import { createRequire } from 'node:module';

const zookeeper = createRequire(import.meta.url)('zookeeper');
const [connect, timeout] = process.argv.slice(2);
const zk = new zookeeper.ZooKeeper();
zk.init({ connect, timeout: Number(timeout), debug_level: zookeeper.constants.ZOO_LOG_LEVEL_ERROR, host_order_deterministic: false });
zk.once('connect', () => process.stdout.write(JSON.stringify({ ev: 'connected', at: Date.now() }) + '\n'));
process.once('SIGTERM', () => {
  zk.close();
  process.exit(0);
});
