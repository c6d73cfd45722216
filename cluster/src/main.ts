/** Entry point of a cluster node: config from the environment, then join the election. */
import { pino } from 'pino';
import { startSafeguardSwitches } from '@zkviz/shared';
import { loadConfigOrExit } from '@zkviz/shared/fastify';
import { loadConfig } from './config.js';
import { ClusterNode } from './node.js';
import { buildNodeServer } from './server/app.js';

const logger = pino({ level: process.env.LOG_LEVEL || 'info', base: { svc: 'node', pid: process.pid } });

async function main(): Promise<void> {
  startSafeguardSwitches('node', process, (message) => logger.warn({ ev: 'unsafe-safeguard-disabled' }, message));
  const config = loadConfigOrExit('zkviz node', () => loadConfig());
  const node = new ClusterNode(config, logger);
  const app = await buildNodeServer(node, logger);
  await app.listen({ host: config.host, port: config.port });
  logger.info({ ev: 'listening', port: config.port, address: config.advertisedAddress }, 'node listening');
  node.start();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ ev: 'signal', signal }, 'stopping gracefully');
    void node
      .shutdown()
      .then(() => app.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Run by a slot supervisor (an IPC channel to it): when the supervisor is gone, nobody can see
  // or control this node any more; go down like a crash rather than linger as an orphan.
  if (process.send) process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

main().catch((err) => {
  logger.fatal({ err }, 'node failed to start');
  process.exit(1);
});
