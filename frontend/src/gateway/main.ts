/**
 * Gateway entry point: `node frontend/dist/gateway/main.js`. Configuration comes from the
 * environment (see config.ts); logs are JSON lines on stdout.
 */
import { startSafeguardSwitches } from '@zkviz/shared';
import { ClusterTokenSource, loadConfigOrExit } from '@zkviz/shared/fastify';
import { ZkConnection } from '@zkviz/shared/zk';
import { buildGateway } from './app.js';
import { loadConfig } from './config.js';
import { ZkLeaderDiscovery } from './discovery/zk-discovery.js';
import { httpLeaderClient } from './leader-client/kill-client.js';
import { httpStreamConnector } from './leader-client/stream-client.js';
import { ZkSlotDirectory } from './slots/directory.js';
import { ZkRecipeStore } from './recipe/store.js';
import { FailoverCounter } from './failovers/counter.js';
import { nodeWokenAt } from './failovers/node-status.js';
import { serversOf } from './zookeeper/connect-string.js';
import { httpHostClient, httpSupervisorClient } from './slots/http-clients.js';
import { ZooKeeperViewSource } from './zookeeper/view-source.js';

async function main(): Promise<void> {
  startSafeguardSwitches('gateway', process, (message) => console.error(JSON.stringify({ level: 'warn', ev: 'unsafe-safeguard-disabled', msg: message })));
  const config = loadConfigOrExit('zkviz gateway', () => loadConfig());
  const clusterToken = new ClusterTokenSource(config.clusterToken);
  const getToken = () => clusterToken.token;
  // One ZooKeeper session for the gateway: the leader discovery owns it (starts and closes it),
  // the slot directory reads through it.
  let zk: ZkConnection | null = null;
  const { app } = await buildGateway({
    config,
    createDiscovery: (log) => {
      zk = new ZkConnection({
        connect: config.zkConnect,
        sessionTimeoutMs: config.zkSessionTimeoutMs,
        log: (msg, fields) => log.info({ ...fields, component: 'zk' }, msg),
      });
      clusterToken.attach(zk, log);
      return new ZkLeaderDiscovery(zk, log);
    },
    createZooKeeperView: (log) => (config.zookeeperView ? new ZooKeeperViewSource({ connectString: config.zkConnect, zk, log }) : null),
    createSlotDirectory: (log) => new ZkSlotDirectory(zk!, log),
    createRecipeStore: (log) => new ZkRecipeStore(zk!, log),
    // ZOOKEEPER_VIEW=off means no four-letter words at all: then only `notified` is counted.
    createFailoverCounter: (log) =>
      new FailoverCounter({ servers: config.zookeeperView ? serversOf(config.zkConnect) : [], zk: () => zk, wokenAt: nodeWokenAt, log }),
    supervisorClient: httpSupervisorClient(getToken),
    hostClient: config.hostControlUrl ? httpHostClient(config.hostControlUrl, getToken) : null,
    createStreamConnector: (log) => httpStreamConnector({ clusterToken: getToken, log }),
    createStandbyConnector: (log) => httpStreamConnector({ clusterToken: getToken, log }),
    leaderClient: httpLeaderClient({ clusterToken: getToken }),
  });
  if (!config.clusterToken) app.log.info('CLUSTER_TOKEN is not set: reading the cluster token from ZooKeeper');
  app.log.info({ controlProtected: config.controlToken !== null }, config.controlToken ? 'kills need the control token' : 'kills are open (no CONTROL_TOKEN)');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ ev: 'shutdown', signal }, 'shutting down');
    // Bounded: a wedged close must not keep a container from stopping.
    setTimeout(() => process.exit(1), 5000).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.log.info({ ev: 'listening', port, host: config.host }, 'gateway listening');
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'gateway failed to start', err: String(err) }));
  process.exit(1);
});
