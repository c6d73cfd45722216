#!/usr/bin/env node
/**
 * `npm start`: ZooKeeper (unless --zk) + N nodes + the gateway on this machine, until Ctrl-C.
 * Every node runs in a slot under a supervisor, so the page can freeze, cut off, restart and add
 * nodes and stop/start ZooKeeper. Killed nodes stay down until someone restarts them from the
 * page; nothing is restarted behind the presenter's back.
 */
import { parseArgs, USAGE, UsageError } from './args.js';
import { startLocalCluster, type LocalCluster } from './cluster.js';
import { PortInUseError } from './ports.js';
import { describeExit } from './process.js';
import { ZooKeeperNotFoundError } from './zookeeper.js';

function fail(message: string, code = 1): never {
  process.stderr.write(`zkviz: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2);
    throw err;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }

  let cluster: LocalCluster | null = null;
  let shuttingDown = false;
  const shutdown = async (why: string, code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stderr.write(`\nzkviz: ${why}, stopping everything...\n`);
    try {
      await cluster?.stop();
    } finally {
      process.exit(code);
    }
  };
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    // A second Ctrl-C: stop waiting; the exit hook SIGKILLs whatever is left.
    if (++interrupts > 1) process.exit(130);
    void shutdown(`${sig} received`, 0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  const servers = args.ensemble > 1 ? `an ensemble of ${args.ensemble} ZooKeeper servers` : 'ZooKeeper';
  process.stderr.write(`zkviz: starting ${args.zk ? `${args.nodes} nodes against ZooKeeper at ${args.zk}` : `${servers} and ${args.nodes} nodes`}...\n`);
  try {
    cluster = await startLocalCluster({
      nodes: args.nodes,
      gatewayPort: args.port,
      zkConnect: args.zk ?? undefined,
      zookeeper: { size: args.ensemble },
      sessionTimeoutMs: args.sessionTimeoutMs,
      supervised: true,
    });
  } catch (err) {
    if (err instanceof ZooKeeperNotFoundError || err instanceof PortInUseError) fail(err.message);
    fail((err as Error).message);
  }
  if (shuttingDown) return;

  const c = cluster;
  const e = c.ensemble;
  const zkLines = !e
    ? [`${c.zkConnect} (external)`]
    : e.size === 1
      ? [`${e.connectString} (ZooKeeper ${e.version}, local, started in ${e.startupMs} ms, log ${e.servers[0]!.dir}/zookeeper.log)`]
      : [
          `${e.size} servers, ZooKeeper ${e.version}, local, quorum after ${e.startupMs} ms:`,
          ...e.servers.map((s) => `  server ${s.id}  ${s.connectString}  log ${s.dir}/zookeeper.log`),
        ];
  process.stdout.write(
    [
      '',
      `  zkviz is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      '',
      `    Open:       ${c.url}`,
      ...zkLines.map((line, i) => `    ${i === 0 ? 'ZooKeeper: ' : '           '} ${line}`),
      `    Nodes:      ${c.nodes.length} on ports ${c.nodes.map((n) => n.port).join(', ')} (session timeout ${c.sessionTimeoutMs} ms)`,
      '',
      '  Killed nodes stay down until you restart them from the page. Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );

  for (const node of c.nodes) {
    void node.exited.then((info) => {
      if (!shuttingDown) process.stderr.write(`zkviz: the supervisor of ${node.name} (port ${node.port}) exited (${describeExit(info)}); that slot is gone\n`);
    });
  }
  void c.gateway?.exited.then((info) => {
    if (!shuttingDown) void shutdown(`the gateway exited unexpectedly (${describeExit(info)})\n${c.gateway?.tail()}`, 1);
  });
  for (const server of c.ensemble?.servers ?? []) {
    const name = c.ensemble!.size === 1 ? 'ZooKeeper' : `ZooKeeper server ${server.id}`;
    // The first process only (a start from the page makes a new one). A stop from the page is a
    // SIGTERM, which the JVM answers with exit code 143: that one was asked for.
    void server.process.exited.then((info) => {
      if (!shuttingDown && info.code !== 143 && info.signal !== 'SIGTERM') process.stderr.write(`zkviz: ${name} exited unexpectedly (${describeExit(info)})\n`);
    });
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
