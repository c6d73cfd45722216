/** Command line of `npm start` (launcher/dist/main.js). Pure, so it is unit-tested. */
import { DEFAULT_GATEWAY_PORT } from '@zkviz/shared';
import { MAX_ENSEMBLE_SIZE } from './zookeeper.js';

export interface LauncherArgs {
  nodes: number;
  port: number;
  /** External ZooKeeper host:port[,host:port][/chroot], or null to start one. */
  zk: string | null;
  /** ZooKeeper servers to start on loopback: 1 standalone (the default), more an ensemble. */
  ensemble: number;
  sessionTimeoutMs: number;
  help: boolean;
}

export const DEFAULT_NODES = 4;
export const DEFAULT_LOCAL_SESSION_TIMEOUT_MS = 2000;

export const USAGE = `Usage: npm start -- [options]

Starts ZooKeeper (unless --zk is given), N cluster nodes and the gateway on this machine.

Options:
  --nodes N             number of cluster nodes (default ${DEFAULT_NODES})
  --port P              gateway HTTP port on 127.0.0.1 (default ${DEFAULT_GATEWAY_PORT})
  --zk host:port        use this ZooKeeper instead of starting one
  --ensemble N          start an ensemble of N ZooKeeper servers (3 or 5; default 1, standalone)
  --session-timeout MS  ZooKeeper session timeout of the nodes (default ${DEFAULT_LOCAL_SESSION_TIMEOUT_MS})
  -h, --help            show this help

Environment: ZOOKEEPER_HOME, JAVA_HOME (where to find ZooKeeper/Java), ZKVIZ_VERBOSE=1 (mirror child logs).`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function intArg(flag: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined || raw === '' || raw.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** host:port[,host:port...][/chroot] */
export function isValidConnectString(s: string): boolean {
  return /^[A-Za-z0-9_.\-[\]:]+:\d{1,5}(,[A-Za-z0-9_.\-[\]:]+:\d{1,5})*(\/[^\s]*)?$/.test(s);
}

export function parseArgs(argv: readonly string[]): LauncherArgs {
  const args: LauncherArgs = {
    nodes: DEFAULT_NODES,
    port: DEFAULT_GATEWAY_PORT,
    zk: null,
    ensemble: 1,
    sessionTimeoutMs: DEFAULT_LOCAL_SESSION_TIMEOUT_MS,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const eq = token.indexOf('=');
    const flag = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
    const inline = token.startsWith('--') && eq > 0 ? token.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--nodes':
      case '-n':
        args.nodes = intArg('--nodes', value(), 1, 64);
        break;
      case '--port':
      case '-p':
        args.port = intArg('--port', value(), 1, 65535);
        break;
      case '--zk': {
        const v = value();
        if (!v || v.startsWith('--')) throw new UsageError('--zk needs a value (host:port)');
        if (!isValidConnectString(v)) throw new UsageError(`--zk must look like host:port, got "${v}"`);
        args.zk = v;
        break;
      }
      case '--ensemble':
        args.ensemble = intArg('--ensemble', value(), 1, MAX_ENSEMBLE_SIZE);
        break;
      case '--session-timeout':
        args.sessionTimeoutMs = intArg('--session-timeout', value(), 400, 120_000);
        break;
      default:
        throw new UsageError(`unknown option "${token}" (see --help)`);
    }
  }
  if (args.zk !== null && args.ensemble > 1) throw new UsageError('--ensemble starts ZooKeeper servers here; --zk uses one that runs elsewhere: pick one');
  return args;
}
