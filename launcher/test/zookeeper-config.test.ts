import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaArgs, parseSrvrVersion, renderLog4jProperties, renderLogbackXml, renderZooCfg, type ZooKeeperInstall } from '../src/zookeeper.js';

function cfgMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `malformed line ${line}`);
    assert.ok(!map.has(line.slice(0, eq)), `duplicate key ${line}`);
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return map;
}

describe('renderZooCfg', () => {
  const base = { port: 21810, host: '127.0.0.1', dataDir: '/tmp/x/data', tickTime: 200, maxSessionTimeoutMs: 60_000, fsync: false };

  it('renders a standalone config with small ticks, no admin server and all 4lw', () => {
    const cfg = cfgMap(renderZooCfg(base));
    assert.equal(cfg.get('tickTime'), '200');
    assert.equal(cfg.get('clientPort'), '21810');
    assert.equal(cfg.get('clientPortAddress'), '127.0.0.1');
    assert.equal(cfg.get('dataDir'), '/tmp/x/data');
    assert.equal(cfg.get('minSessionTimeout'), '400');
    assert.equal(cfg.get('maxSessionTimeout'), '60000');
    assert.equal(cfg.get('admin.enableServer'), 'false');
    assert.equal(cfg.get('4lw.commands.whitelist'), '*');
    assert.equal(cfg.get('maxClientCnxns'), '0');
    assert.equal(cfg.get('forceSync'), 'no');
    assert.ok(!cfg.has('server.1'), 'standalone: no quorum servers');
  });

  it('renders an ensemble member: a server.N line per voter, limits of at least 1 s / 2 s with a small tick', () => {
    const peers = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', quorumPort: 3000 + id, electionPort: 4000 + id }));
    const cfg = cfgMap(renderZooCfg({ ...base, tickTime: 100, peers }));
    assert.equal(cfg.get('server.1'), '127.0.0.1:3001:4001');
    assert.equal(cfg.get('server.3'), '127.0.0.1:3003:4003');
    assert.ok(!cfg.has('server.4'));
    assert.equal(cfg.get('syncLimit'), '10', '10 ticks of 100 ms');
    assert.equal(cfg.get('initLimit'), '20');
    assert.equal(cfg.get('4lw.commands.whitelist'), '*');
    const single = cfgMap(renderZooCfg({ ...base, peers: peers.slice(0, 1) }));
    assert.ok(!single.has('server.1'), 'one peer is a standalone server');
    assert.equal(single.get('syncLimit'), '5');
  });

  it('follows tickTime and fsync', () => {
    const cfg = cfgMap(renderZooCfg({ ...base, tickTime: 2000, maxSessionTimeoutMs: 10_000, fsync: true }));
    assert.equal(cfg.get('minSessionTimeout'), '4000');
    assert.equal(cfg.get('maxSessionTimeout'), '40000', 'never below 20 ticks');
    assert.equal(cfg.get('forceSync'), 'yes');
  });
});

describe('logging config', () => {
  it('log4j and logback both write zookeeper.log in the given dir, nothing to the console', () => {
    const log4j = renderLog4jProperties('/tmp/zk1');
    assert.match(log4j, /^log4j\.rootLogger=INFO, FILE$/m);
    assert.match(log4j, /File=\/tmp\/zk1\/zookeeper\.log$/m);
    assert.doesNotMatch(log4j, /ConsoleAppender/);
    const logback = renderLogbackXml('/tmp/zk1');
    assert.match(logback, /<file>\/tmp\/zk1\/zookeeper\.log<\/file>/);
    assert.doesNotMatch(logback, /ConsoleAppender/);
  });
});

describe('javaArgs', () => {
  it('puts the conf dir first on the classpath and ends with the main class and cfg', () => {
    const install: ZooKeeperInstall = {
      java: '/usr/bin/java',
      home: '/usr/share/zookeeper',
      layout: 'debian',
      classpath: ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-log4j12.jar'],
      versionHint: '3.8.0',
      source: 'test',
    };
    const args = javaArgs(install, '/tmp/zk1', '/tmp/zk1/zoo.cfg');
    const cp = args[args.indexOf('-cp') + 1];
    assert.equal(cp, '/tmp/zk1:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar');
    assert.deepEqual(args.slice(-2), ['org.apache.zookeeper.server.quorum.QuorumPeerMain', '/tmp/zk1/zoo.cfg']);
    assert.ok(args.includes('-Dlog4j.configuration=file:/tmp/zk1/log4j.properties'));
  });
});

describe('parseSrvrVersion', () => {
  it("reads the version and drops Debian's unexpanded build suffix", () => {
    assert.equal(parseSrvrVersion('Zookeeper version: 3.9.3-c26634f, built on 2024-10-17 23:21 UTC\nMode: standalone\n'), '3.9.3-c26634f');
    assert.equal(parseSrvrVersion('Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-06-16\n'), '3.8.0');
    assert.equal(parseSrvrVersion('This ZooKeeper instance is not currently serving requests'), null);
  });
});
