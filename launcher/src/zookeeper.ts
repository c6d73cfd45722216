/**
 * Finding and running throwaway ZooKeeper servers for local runs and tests: one standalone, or an
 * ensemble of them on loopback.
 *
 * The server runs in the foreground as our child (`java ... QuorumPeerMain zoo.cfg`), in its own
 * temp dir (config, data, log), on a free port unless told otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { trackDir, untrackDir } from './cleanup.js';
import { assertPortFree, freePort, freePorts } from './ports.js';
import { ManagedProcess, describeExit } from './process.js';

// ---------------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------------

export type ZooKeeperLayout = 'debian' | 'tarball';

export interface ZooKeeperInstall {
  /** Path of the java executable. */
  java: string;
  /** Where ZooKeeper was found (ZOOKEEPER_HOME, /usr/share/zookeeper, ...). */
  home: string;
  layout: ZooKeeperLayout;
  /** Jars for `java -cp` (our conf dir is prepended at start). */
  classpath: string[];
  /** Version from the jar name when it shows one; the running server's `srvr` answer is authoritative. */
  versionHint: string | null;
  /** How it was found, for messages. */
  source: string;
}

/** The file system and environment discovery looks at; injectable for tests. */
export interface DiscoveryHost {
  env: NodeJS.ProcessEnv;
  /** True for existing files and directories. */
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Entry names of a directory; [] when missing. */
  readdir(path: string): string[];
  /** Resolves symlinks; returns the path itself when it cannot. */
  realpath(path: string): string;
}

export const realDiscoveryHost: DiscoveryHost = {
  env: process.env,
  exists: (p) => existsSync(p),
  isDirectory: (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  readdir: (p) => {
    try {
      return readdirSync(p);
    } catch {
      return [];
    }
  },
  realpath: (p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  },
};

export class ZooKeeperNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperNotFoundError';
  }
}

export const ZOOKEEPER_MISSING = 'ZooKeeper not found: install it (sudo apt-get install zookeeper) or set ZOOKEEPER_HOME, or pass --zk host:port';
export const JAVA_MISSING = 'Java not found (ZooKeeper needs it): install it (sudo apt-get install default-jre-headless) or set JAVA_HOME, or pass --zk host:port';

const DEBIAN_HOME = '/usr/share/zookeeper';
const DEBIAN_JAVA_DIR = '/usr/share/java';

function which(host: DiscoveryHost, name: string): string | null {
  for (const dir of (host.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (host.exists(candidate) && !host.isDirectory(candidate)) return candidate;
  }
  return null;
}

export function findJava(host: DiscoveryHost = realDiscoveryHost): string {
  const javaHome = host.env.JAVA_HOME;
  if (javaHome) {
    const candidate = join(javaHome, 'bin', 'java');
    if (host.exists(candidate)) return candidate;
  }
  const onPath = which(host, 'java');
  if (onPath) return onPath;
  throw new ZooKeeperNotFoundError(JAVA_MISSING);
}

function versionFromJarName(name: string): string | null {
  const m = /^zookeeper-(\d+\.\d+\.\d+[\w.-]*?)\.jar$/.exec(name);
  return m?.[1] ?? null;
}

/** Debian/Ubuntu: the server jar in /usr/share/java; its manifest Class-Path brings the deps. */
function debianInstall(host: DiscoveryHost, java: string, home: string, source: string): ZooKeeperInstall | null {
  const jar = join(DEBIAN_JAVA_DIR, 'zookeeper.jar');
  if (!host.exists(jar)) return null;
  const entries = host.readdir(DEBIAN_JAVA_DIR);
  // Debian's zookeeper.jar carries slf4j-api only; without a binding the server logs nothing at
  // all. Bind it to log4j 1.2 (both packaged by Debian) so it writes our log file.
  const classpath = [jar];
  for (const extra of ['slf4j-log4j12.jar', 'log4j-1.2.jar']) {
    if (entries.includes(extra)) classpath.push(join(DEBIAN_JAVA_DIR, extra));
  }
  const versioned = entries.map(versionFromJarName).find((v): v is string => v !== null) ?? null;
  return { java, home, layout: 'debian', classpath, versionHint: versioned, source };
}

/** Apache release tarball: `<home>/lib/*.jar` (and, in old releases, `<home>/zookeeper-x.y.z.jar`). */
function tarballInstall(host: DiscoveryHost, java: string, home: string, source: string): ZooKeeperInstall | null {
  const lib = join(home, 'lib');
  const libJars = host.readdir(lib).filter((n) => n.endsWith('.jar'));
  const homeJars = host.readdir(home).filter((n) => /^zookeeper-.*\.jar$/.test(n));
  const serverJar = [...libJars, ...homeJars].find((n) => /^zookeeper-\d.*\.jar$/.test(n));
  if (!serverJar) return null;
  const classpath = [...homeJars.map((n) => join(home, n)), ...libJars.sort().map((n) => join(lib, n))];
  return { java, home, layout: 'tarball', classpath, versionHint: versionFromJarName(serverJar), source };
}

/**
 * Locates ZooKeeper and Java: `ZOOKEEPER_HOME`, then the Debian/Ubuntu package, then `zkServer.sh`
 * on PATH. Throws a ZooKeeperNotFoundError with a one-line fix when either is missing.
 */
export function findZooKeeper(host: DiscoveryHost = realDiscoveryHost): ZooKeeperInstall {
  const zkHome = host.env.ZOOKEEPER_HOME;
  let found: ((java: string) => ZooKeeperInstall | null) | null = null;

  if (zkHome) {
    found = (java) =>
      tarballInstall(host, java, zkHome, 'ZOOKEEPER_HOME') ??
      (host.realpath(zkHome).replace(/\/+$/, '') === DEBIAN_HOME ? debianInstall(host, java, zkHome, 'ZOOKEEPER_HOME') : null);
    // Check the layout before Java so a wrong ZOOKEEPER_HOME is reported as such.
    const probe = found('java');
    if (!probe) {
      throw new ZooKeeperNotFoundError(
        `ZOOKEEPER_HOME=${zkHome} does not look like a ZooKeeper installation (no lib/zookeeper-*.jar): fix or unset it, or pass --zk host:port`,
      );
    }
  } else if (host.exists(join(DEBIAN_JAVA_DIR, 'zookeeper.jar'))) {
    found = (java) => debianInstall(host, java, DEBIAN_HOME, 'Debian package');
  } else {
    const script = which(host, 'zkServer.sh');
    if (script) {
      const home = dirname(dirname(host.realpath(script)));
      found = (java) =>
        tarballInstall(host, java, home, `zkServer.sh on PATH (${script})`) ??
        (home === DEBIAN_HOME ? debianInstall(host, java, home, `zkServer.sh on PATH (${script})`) : null);
    }
  }
  if (!found) throw new ZooKeeperNotFoundError(ZOOKEEPER_MISSING);
  const java = findJava(host);
  const install = found(java);
  if (!install) throw new ZooKeeperNotFoundError(ZOOKEEPER_MISSING);
  return install;
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

export interface ZooCfgOptions {
  port: number;
  host: string;
  dataDir: string;
  tickTime: number;
  /** Upper bound of negotiated session timeouts. */
  maxSessionTimeoutMs: number;
  /** fsync the transaction log (ZooKeeper's default). Off makes a throwaway server much faster. */
  fsync: boolean;
  /** `4lw.commands.whitelist`; default `*` (local mode allows every four-letter word). */
  fourLetterWords?: string;
  /** The ensemble's voters (`server.N=` lines), this server among them; absent or one: standalone. */
  peers?: readonly EnsemblePeer[];
}

/** One voter of an ensemble: its myid and the two ports servers talk to each other on. */
export interface EnsemblePeer {
  id: number;
  host: string;
  /** Followers connect to the leader here (ZAB). */
  quorumPort: number;
  /** Leader election (FLE) connections. */
  electionPort: number;
}

/** zoo.cfg for a throwaway server: standalone, or one member of an ensemble on loopback. */
export function renderZooCfg(o: ZooCfgOptions): string {
  const quorum = (o.peers?.length ?? 0) > 1;
  return [
    '# generated by @zkviz/launcher',
    `tickTime=${o.tickTime}`,
    `dataDir=${o.dataDir}`,
    `clientPort=${o.port}`,
    `clientPortAddress=${o.host}`,
    // a session timeout may be as small as 2 ticks (400 ms with the default 200 ms tick)
    `minSessionTimeout=${2 * o.tickTime}`,
    `maxSessionTimeout=${Math.max(o.maxSessionTimeoutMs, 20 * o.tickTime)}`,
    // In ticks. An ensemble drops a follower that lags syncLimit ticks: keep that at least a second
    // even with a small tick, so a busy 2-core machine does not set off ZAB elections by itself.
    `initLimit=${Math.max(10, Math.ceil(2000 / o.tickTime))}`,
    `syncLimit=${Math.max(5, Math.ceil(1000 / o.tickTime))}`,
    // every node, the gateway, tests and benchmarks connect from 127.0.0.1: no per-IP cap
    'maxClientCnxns=0',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${o.fourLetterWords ?? '*'}`,
    'standaloneEnabled=true',
    'reconfigEnabled=false',
    `forceSync=${o.fsync ? 'yes' : 'no'}`,
    'autopurge.purgeInterval=0',
    ...(quorum ? o.peers!.map((p) => `server.${p.id}=${p.host}:${p.quorumPort}:${p.electionPort}`) : []),
    '',
  ].join('\n');
}

/** log4j 1.2 config (Debian): everything to `<logDir>/zookeeper.log`, nothing to the console. */
export function renderLog4jProperties(logDir: string): string {
  return [
    'log4j.rootLogger=INFO, FILE',
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    `log4j.appender.FILE.File=${join(logDir, 'zookeeper.log')}`,
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n',
    '',
  ].join('\n');
}

/** logback config (Apache releases 3.8+): the same, for tarball installs. */
export function renderLogbackXml(logDir: string): string {
  return `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${join(logDir, 'zookeeper.log')}</file>
    <encoder><pattern>%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

export function javaArgs(install: ZooKeeperInstall, confDir: string, cfgPath: string, heapMb = 256): string[] {
  return [
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1', // faster start; a test server never gets hot enough to need C2
    '-Djava.net.preferIPv4Stack=true',
    '-Dzookeeper.jmx.log4j.disable=true',
    // Ensemble members (standalone ignores these): leader election re-sends its votes at 200 ms,
    // doubling up to this cap (default 60 s). Members start together, each before the others
    // listen, so the default cap meant ~13 s to a first quorum; 400 ms makes it about a second.
    '-Dzookeeper.fastleader.maxNotificationInterval=400',
    `-Dzookeeper.log.dir=${confDir}`,
    `-Dlog4j.configuration=file:${join(confDir, 'log4j.properties')}`,
    `-Dlogback.configurationFile=${join(confDir, 'logback.xml')}`,
    '-cp',
    [confDir, ...install.classpath].join(delimiter),
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    cfgPath,
  ];
}

// ---------------------------------------------------------------------------------------------
// Four-letter words
// ---------------------------------------------------------------------------------------------

/** Sends a four-letter word (`ruok`, `srvr`, `stat`, `mntr`, ...) and returns the whole answer. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to "${word}" from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Version string from a `srvr` answer ("Zookeeper version: 3.8.0-..., built on ..."). */
export function parseSrvrVersion(answer: string): string | null {
  const m = /Zookeeper version:\s*([^,\s]+)/i.exec(answer);
  // Debian's build leaves an unexpanded "-${mvngit.commit.id}" suffix: drop it.
  return m?.[1]?.replace(/-\$\{[^}]*\}$/, '') ?? null;
}

/**
 * Resolves once the server at host:port answers `srvr` with a mode (it is serving), polling the
 * socket every `intervalMs`. With `serving: false`, any answer will do (a member of an ensemble
 * without a quorum answers that it is not serving). Rejects after `timeoutMs`, or as soon as
 * `abort` resolves.
 */
export async function waitForZooKeeper(
  host: string,
  port: number,
  options: { timeoutMs?: number; intervalMs?: number; abort?: Promise<string>; serving?: boolean } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let aborted: string | null = null;
  void options.abort?.then((why) => (aborted = why));
  let last: string;
  for (;;) {
    if (aborted) throw new Error(aborted);
    try {
      const answer = await fourLetterWord(host, port, 'srvr', 1000);
      if (/Mode:\s*\w+/.test(answer) || (options.serving === false && answer.trim() !== '')) return answer;
      last = answer.trim().split('\n')[0] ?? 'empty answer';
    } catch (err) {
      last = (err as Error).message;
    }
    if (aborted) throw new Error(aborted);
    if (Date.now() >= deadline) {
      throw new Error(`ZooKeeper at ${host}:${port} not serving after ${options.timeoutMs ?? 30_000} ms (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export interface StartZooKeeperOptions {
  /** Client port; default: a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Default 200 ms, so session timeouts can be as small as 400 ms. */
  tickTime?: number;
  /** Default: `<temp dir>/data` (removed on stop). A given dir is kept on stop. */
  dataDir?: string;
  /** Default 60 000 ms. */
  maxSessionTimeoutMs?: number;
  /** fsync the transaction log; default false (throwaway server). */
  fsync?: boolean;
  /** `4lw.commands.whitelist`, e.g. `srvr,ruok` to test a server that refuses the rest; default `*`. */
  fourLetterWords?: string;
  /** How long to wait for the server to serve; default 30 000 ms. */
  startTimeoutMs?: number;
  /** Use this installation instead of `findZooKeeper()`. */
  install?: ZooKeeperInstall;
  /** Java heap (-Xmx) in MiB; default 256 standalone, ENSEMBLE_HEAP_MB per ensemble member. */
  heapMb?: number;
}

export interface ZooKeeperServer {
  /** Its myid in an ensemble (its place in the connect string, from 1); 1 when standalone. */
  readonly id: number;
  /** `127.0.0.1:<port>` */
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  /** Pid of the current java process (changes on restart). */
  readonly pid: number;
  readonly dataDir: string;
  /** The temp dir holding zoo.cfg, the log config and zookeeper.log. */
  readonly dir: string;
  readonly version: string;
  /** Milliseconds the last (re)start took until the server served. */
  readonly startupMs: number;
  /** The current java process. */
  readonly process: ManagedProcess;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops, optionally wipes the data dir, and starts again on the same port. */
  restart(options?: { wipe?: boolean }): Promise<void>;
  /** Whether the java process runs right now (false after `halt()` until `resume()`). */
  readonly serving: boolean;
  /** Stops the java process (SIGTERM), keeping its data and config, so `resume()` brings it back. */
  halt(): Promise<void>;
  /**
   * Starts a halted (or crashed) server again on the same port and data; resolves once it serves,
   * or, for an ensemble member that cannot form a quorum with the members running, once it answers.
   */
  resume(): Promise<void>;
  /** SIGKILLs the server (a crash); the temp dir stays, so `restart()` works afterwards. */
  kill(): Promise<void>;
  /** Sends a signal to the java process (e.g. SIGSTOP/SIGCONT to freeze ZooKeeper). */
  signal(sig: NodeJS.Signals): boolean;
  /** Last lines of zookeeper.log. */
  logTail(lines?: number): string;
}

function readTail(path: string, lines: number): string {
  try {
    const all = readFileSync(path, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no zookeeper.log)';
  }
}

interface ServerSpec {
  install: ZooKeeperInstall;
  id: number;
  host: string;
  port: number;
  dir: string;
  dataDir: string;
  /** An ensemble member writes `<dataDir>/myid` before every start (a wipe removes it). */
  member: boolean;
  cfgPath: string;
  startTimeoutMs: number;
  heapMb: number;
}

class LocalZooKeeper implements ZooKeeperServer {
  readonly connectString: string;
  version = 'unknown';
  startupMs = 0;
  /** What a (re)start waits for; an ensemble sets it (a member without a quorum never serves). */
  readyWhen: () => 'serving' | 'answering' = () => 'serving';
  private proc!: ManagedProcess;
  private stopped = false;

  constructor(private readonly spec: ServerSpec) {
    this.connectString = `${spec.host}:${spec.port}`;
  }

  get id(): number {
    return this.spec.id;
  }
  get host(): string {
    return this.spec.host;
  }
  get port(): number {
    return this.spec.port;
  }
  get dir(): string {
    return this.spec.dir;
  }
  get dataDir(): string {
    return this.spec.dataDir;
  }

  get pid(): number {
    return this.proc.pid;
  }

  get process(): ManagedProcess {
    return this.proc;
  }

  logTail(lines = 20): string {
    return readTail(join(this.dir, 'zookeeper.log'), lines);
  }

  async launch(readyWhen = this.readyWhen()): Promise<void> {
    const { install, host, port } = this.spec;
    const started = Date.now();
    mkdirSync(this.dataDir, { recursive: true });
    if (this.spec.member) writeFileSync(join(this.dataDir, 'myid'), `${this.id}\n`);
    this.proc = new ManagedProcess({
      name: this.spec.member ? `zookeeper-${this.id}` : 'zookeeper',
      command: install.java,
      args: javaArgs(install, this.dir, this.spec.cfgPath, this.spec.heapMb),
      cwd: this.dir,
      port,
    });
    const proc = this.proc;
    const abort = proc.exited.then(
      (info) =>
        `ZooKeeper exited during startup (${describeExit(info)}); ${install.java} ${install.source}\n` +
        `  output:\n    ${proc.output.slice(-10).join('\n    ') || '(none)'}\n  zookeeper.log:\n${this.logTail(15)}`,
    );
    try {
      const answer = await waitForZooKeeper(host, port, { timeoutMs: this.spec.startTimeoutMs, abort, serving: readyWhen === 'serving' });
      this.version = parseSrvrVersion(answer) ?? install.versionHint ?? 'unknown';
    } catch (err) {
      await proc.kill();
      const msg = (err as Error).message;
      throw new Error(msg.includes('zookeeper.log') ? msg : `${msg}\n  zookeeper.log:\n${this.logTail(15)}`, { cause: err });
    }
    this.startupMs = Date.now() - started;
  }

  async stopProcess(): Promise<void> {
    if (this.proc?.running) await this.proc.stop(5000);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true });
    untrackDir(this.dir);
  }

  async kill(): Promise<void> {
    await this.proc.kill();
  }

  signal(sig: NodeJS.Signals): boolean {
    return this.proc.signal(sig);
  }

  get serving(): boolean {
    return !this.stopped && this.proc.running;
  }

  async halt(): Promise<void> {
    await this.stopProcess();
  }

  async resume(): Promise<void> {
    if (this.stopped) throw new Error('ZooKeeper was stopped; start a new one with startZooKeeper()');
    if (!this.proc.running) await this.launch();
  }

  async restart(options: { wipe?: boolean; readyWhen?: 'serving' | 'answering' } = {}): Promise<void> {
    if (this.stopped) throw new Error('ZooKeeper was stopped; start a new one with startZooKeeper()');
    await this.stopProcess();
    if (options.wipe) {
      rmSync(this.dataDir, { recursive: true, force: true });
      mkdirSync(this.dataDir, { recursive: true });
    }
    await this.launch(options.readyWhen);
  }
}

/** A temp dir with zoo.cfg and the log configs of one server; the server is not started. */
function prepareServer(
  install: ZooKeeperInstall,
  options: StartZooKeeperOptions,
  server: { id: number; host: string; port: number; peers?: readonly EnsemblePeer[]; heapMb: number },
): LocalZooKeeper {
  const member = (server.peers?.length ?? 0) > 1;
  const dir = mkdtempSync(join(tmpdir(), member ? `zkviz-zk${server.id}-` : 'zkviz-zk-'));
  trackDir(dir);
  const dataDir = options.dataDir ?? join(dir, 'data');
  const cfgPath = join(dir, 'zoo.cfg');
  writeFileSync(
    cfgPath,
    renderZooCfg({
      port: server.port,
      host: server.host,
      dataDir,
      tickTime: options.tickTime ?? 200,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 60_000,
      fsync: options.fsync ?? false,
      fourLetterWords: options.fourLetterWords,
      peers: server.peers,
    }),
  );
  writeFileSync(join(dir, 'log4j.properties'), renderLog4jProperties(dir));
  writeFileSync(join(dir, 'logback.xml'), renderLogbackXml(dir));
  return new LocalZooKeeper({
    install,
    id: server.id,
    host: server.host,
    port: server.port,
    dir,
    dataDir,
    member,
    cfgPath,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    heapMb: server.heapMb,
  });
}

/** Starts a standalone ZooKeeper and resolves once it serves requests. */
export async function startZooKeeper(options: StartZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  const install = options.install ?? findZooKeeper();
  const host = options.host ?? '127.0.0.1';
  let port: number;
  if (options.port !== undefined) {
    port = options.port;
    await assertPortFree(port, 'ZooKeeper client port', 'stop whatever listens there or pick another port', host);
  } else {
    port = await freePort(host);
  }
  const server = prepareServer(install, options, { id: 1, host, port, heapMb: options.heapMb ?? 256 });
  try {
    await server.launch();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Ensemble
// ---------------------------------------------------------------------------------------------

/** Largest ensemble `startEnsemble` runs on one machine (each member is a JVM). */
export const MAX_ENSEMBLE_SIZE = 7;
/**
 * -Xmx of each ensemble member. zkviz's tree is a few dozen znodes; the JVM's own overhead (code,
 * metaspace, threads) dominates the resident size (README: resource use).
 */
export const ENSEMBLE_HEAP_MB = 64;

export interface StartEnsembleOptions extends Omit<StartZooKeeperOptions, 'dataDir'> {
  /** Voting servers; 1 (the default) is a standalone server, exactly as `startZooKeeper`. */
  size?: number;
  /** Size 1 only: its client port (an ensemble's ports are all free ones). */
  port?: number;
}

/** The ZooKeeper servers local mode and the tests run: one standalone, or an ensemble on loopback. */
export interface ZooKeeperEnsemble {
  readonly size: number;
  /** By id: `servers[i].id === i + 1`. */
  readonly servers: readonly ZooKeeperServer[];
  /** Every server, in id order (so the gateway's server ids are the myids). */
  readonly connectString: string;
  /** The server with this id (`1`…), or undefined. */
  server(id: number | string): ZooKeeperServer | undefined;
  /** Version of the first server. */
  readonly version: string;
  /** Milliseconds until every server served. */
  readonly startupMs: number;
  /** Stops every server, optionally wipes their data, starts them all again; resolves once they serve. */
  restart(options?: { wipe?: boolean }): Promise<void>;
  /** Stops every server and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
}

class LocalEnsemble implements ZooKeeperEnsemble {
  constructor(
    readonly servers: readonly LocalZooKeeper[],
    readonly startupMs: number,
  ) {
    // A member started while too few others run can only answer "not serving" until more come.
    for (const s of servers) s.readyWhen = () => ((servers.filter((o) => o !== s && o.serving).length + 1) * 2 > servers.length ? 'serving' : 'answering');
  }

  get size(): number {
    return this.servers.length;
  }

  get connectString(): string {
    return this.servers.map((s) => s.connectString).join(',');
  }

  get version(): string {
    return this.servers[0]!.version;
  }

  server(id: number | string): ZooKeeperServer | undefined {
    const n = typeof id === 'number' ? id : /^[1-9]\d{0,2}$/.test(id) ? Number(id) : NaN;
    return this.servers.find((s) => s.id === n);
  }

  async restart(options: { wipe?: boolean } = {}): Promise<void> {
    await Promise.all(this.servers.map((s) => s.halt()));
    // Together, each waiting until it serves: they form a quorum between them.
    await Promise.all(this.servers.map((s) => s.restart({ ...options, readyWhen: 'serving' })));
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/**
 * Starts `size` ZooKeeper servers: one standalone (size 1), or an ensemble on loopback — distinct
 * client, quorum and election ports and data dirs, `server.N=` lines, a myid each — and resolves
 * once every server serves (a quorum formed and elected a leader).
 */
export async function startEnsemble(options: StartEnsembleOptions = {}): Promise<ZooKeeperEnsemble> {
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ENSEMBLE_SIZE) throw new Error(`ensemble size must be 1 to ${MAX_ENSEMBLE_SIZE}, got ${size}`);
  const started = Date.now();
  if (options.port !== undefined && size > 1) throw new Error('an ensemble runs on free ports: give no port');
  if (size === 1) {
    const standalone = (await startZooKeeper(options)) as LocalZooKeeper;
    return new LocalEnsemble([standalone], Date.now() - started);
  }
  const install = options.install ?? findZooKeeper();
  const host = options.host ?? '127.0.0.1';
  const ports = await freePorts(3 * size, host);
  const peers: EnsemblePeer[] = Array.from({ length: size }, (_, i) => ({ id: i + 1, host, quorumPort: ports[3 * i + 1]!, electionPort: ports[3 * i + 2]! }));
  const servers = peers.map((peer, i) =>
    prepareServer(install, options, { id: peer.id, host, port: ports[3 * i]!, peers, heapMb: options.heapMb ?? ENSEMBLE_HEAP_MB }),
  );
  try {
    // All at once: none of them serves before a quorum of them runs.
    await Promise.all(servers.map((s) => s.launch()));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return new LocalEnsemble(servers, Date.now() - started);
}
