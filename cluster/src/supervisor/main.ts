/**
 * Entry point of a slot supervisor: `node cluster/dist/bundle/supervisor/main.js` (bundled:
 * cluster/scripts/bundle.mjs). It owns one node process (`../main.js` beside it: the node's
 * bundle, or cluster/dist/main.js when run unbundled; same environment), relays that node's ZooKeeper traffic (so it
 * can cut it), publishes the slot at /zkviz/slots/<slot> and carries out the fault actions for its
 * slot on internal routes that need the cluster token. Local mode and the compose node containers
 * both run nodes this way, so one code path is tested in both.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { SlotRecord } from '@zkviz/shared';
import { ZkConnection } from '@zkviz/shared/zk';
import { ClusterTokenSource, loadConfigOrExit } from '@zkviz/shared/fastify';
import { relaxedStatePollMs } from '../config.js';
import { loadSupervisorConfig } from './config.js';
import { SlotRegistration } from './registration.js';
import { ZooKeeperRelay } from './relay.js';
import { buildSupervisorServer } from './server.js';
import { Slot } from './slot.js';

const NODE_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const logger = pino({ level: process.env.LOG_LEVEL || 'info', base: { svc: 'supervisor', pid: process.pid } });

async function main(): Promise<void> {
  const config = loadConfigOrExit('zkviz supervisor', () => loadSupervisorConfig());
  const relay = await ZooKeeperRelay.start(config.zkConnect, config.slot);
  const slot = new Slot(config.slot, { command: process.execPath, args: [NODE_MAIN], env: process.env }, relay, logger);
  // Never vigilant: the supervisor's session holds its slot record, never a leadership.
  const zk = new ZkConnection({
    connect: config.zkConnect,
    sessionTimeoutMs: config.sessionTimeoutMs,
    relaxedStatePollMs: relaxedStatePollMs(config.sessionTimeoutMs),
    log: (msg, f) => logger.debug({ ev: 'zk', ...f }, msg),
  });
  const record = (): SlotRecord => ({ ...slot.view, supervisor: config.advertisedAddress, lastExit: slot.lastExit, updatedAt: Date.now() });
  const registration = new SlotRegistration(zk, config.slot, record, logger);
  slot.on('change', () => registration.publish());
  const tokens = new ClusterTokenSource(config.clusterToken);
  tokens.attach(zk, logger);
  const app = await buildSupervisorServer(slot, tokens, config.limits, logger);
  await app.listen({ host: config.host, port: config.port });
  logger.info(
    { ev: 'supervisor-listening', slot: config.slot, port: config.port, address: config.advertisedAddress, relay: relay.connectString },
    'supervisor listening',
  );
  zk.start();
  slot.startNode();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ ev: 'supervisor-stopping', signal }, 'stopping the node, then the supervisor');
    setTimeout(() => process.exit(1), 12_000).unref();
    void slot
      .stop()
      .then(() => app.close())
      .then(() => zk.close())
      .then(() => relay.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  logger.fatal({ err }, 'supervisor failed to start');
  process.exit(1);
});
