/**
 * Finding and running a throwaway standalone ZooKeeper server for local runs and tests.
 *
 * The server runs in the foreground as our child (`java ... QuorumPeerMain zoo.cfg`), in its own
 * temp dir (config, data, log), on a free port unless told otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { trackDir, untrackDir } from './cleanup.js';
import { assertPortFree, freePort } from './ports.js';
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
}

/** zoo.cfg for a standalone throwaway server. */
export function renderZooCfg(o: ZooCfgOptions): string {
  return [
    '# generated by @zkviz/launcher',
    `tickTime=${o.tickTime}`,
    `dataDir=${o.dataDir}`,
    `clientPort=${o.port}`,
    `clientPortAddress=${o.host}`,
    // a session timeout may be as small as 2 ticks (400 ms with the default 200 ms tick)
    `minSessionTimeout=${2 * o.tickTime}`,
    `maxSessionTimeout=${Math.max(o.maxSessionTimeoutMs, 20 * o.tickTime)}`,
    'initLimit=10',
    'syncLimit=5',
    // every node, the gateway, tests and benchmarks connect from 127.0.0.1: no per-IP cap
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    'standaloneEnabled=true',
    'reconfigEnabled=false',
    `forceSync=${o.fsync ? 'yes' : 'no'}`,
    'autopurge.purgeInterval=0',
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
 * socket every `intervalMs`. Rejects after `timeoutMs`, or as soon as `abort` resolves.
 */
export async function waitForZooKeeper(
  host: string,
  port: number,
  options: { timeoutMs?: number; intervalMs?: number; abort?: Promise<string> } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let aborted: string | null = null;
  void options.abort?.then((why) => (aborted = why));
  let last: string;
  for (;;) {
    if (aborted) throw new Error(aborted);
    try {
      const answer = await fourLetterWord(host, port, 'srvr', 1000);
      if (/Mode:\s*\w+/.test(answer)) return answer;
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
  /** How long to wait for the server to serve; default 30 000 ms. */
  startTimeoutMs?: number;
  /** Use this installation instead of `findZooKeeper()`. */
  install?: ZooKeeperInstall;
  heapMb?: number;
}

export interface ZooKeeperServer {
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
  /** Starts a halted (or crashed) server again on the same port and data; resolves once it serves. */
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

class LocalZooKeeper implements ZooKeeperServer {
  readonly connectString: string;
  version = 'unknown';
  startupMs = 0;
  private proc!: ManagedProcess;
  private stopped = false;

  constructor(
    private readonly install: ZooKeeperInstall,
    readonly host: string,
    readonly port: number,
    readonly dir: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly cfgPath: string,
    private readonly startTimeoutMs: number,
    private readonly heapMb: number,
  ) {
    this.connectString = `${host}:${port}`;
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

  async launch(): Promise<void> {
    const started = Date.now();
    mkdirSync(this.dataDir, { recursive: true });
    this.proc = new ManagedProcess({
      name: 'zookeeper',
      command: this.install.java,
      args: javaArgs(this.install, this.dir, this.cfgPath, this.heapMb),
      cwd: this.dir,
      port: this.port,
    });
    const proc = this.proc;
    const abort = proc.exited.then(
      (info) =>
        `ZooKeeper exited during startup (${describeExit(info)}); ${this.install.java} ${this.install.source}\n` +
        `  output:\n    ${proc.output.slice(-10).join('\n    ') || '(none)'}\n  zookeeper.log:\n${this.logTail(15)}`,
    );
    try {
      const answer = await waitForZooKeeper(this.host, this.port, { timeoutMs: this.startTimeoutMs, abort });
      this.version = parseSrvrVersion(answer) ?? this.install.versionHint ?? 'unknown';
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

  async restart(options: { wipe?: boolean } = {}): Promise<void> {
    if (this.stopped) throw new Error('ZooKeeper was stopped; start a new one with startZooKeeper()');
    await this.stopProcess();
    if (options.wipe) {
      rmSync(this.dataDir, { recursive: true, force: true });
      mkdirSync(this.dataDir, { recursive: true });
    }
    await this.launch();
  }

  get ownsData(): boolean {
    return this.ownsDataDir;
  }
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
  const tickTime = options.tickTime ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'zkviz-zk-'));
  trackDir(dir);
  const dataDir = options.dataDir ?? join(dir, 'data');
  const cfgPath = join(dir, 'zoo.cfg');
  writeFileSync(cfgPath, renderZooCfg({ port, host, dataDir, tickTime, maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 60_000, fsync: options.fsync ?? false }));
  writeFileSync(join(dir, 'log4j.properties'), renderLog4jProperties(dir));
  writeFileSync(join(dir, 'logback.xml'), renderLogbackXml(dir));

  const server = new LocalZooKeeper(
    install,
    host,
    port,
    dir,
    dataDir,
    options.dataDir === undefined,
    cfgPath,
    options.startTimeoutMs ?? 30_000,
    options.heapMb ?? 256,
  );
  try {
    await server.launch();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
