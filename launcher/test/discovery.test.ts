import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findJava, findZooKeeper, JAVA_MISSING, ZOOKEEPER_MISSING, ZooKeeperNotFoundError, type DiscoveryHost } from '../src/zookeeper.js';

/** A fake file system: a set of files; directories are implied by their contents. */
function fakeHost(files: string[], env: NodeJS.ProcessEnv, links: Record<string, string> = {}): DiscoveryHost {
  const set = new Set(files);
  const isDirectory = (p: string) => files.some((f) => f.startsWith(p.replace(/\/$/, '') + '/'));
  return {
    env,
    exists: (p) => set.has(p) || isDirectory(p),
    isDirectory,
    readdir: (p) => {
      const prefix = p.replace(/\/$/, '') + '/';
      return [...new Set(files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]!))];
    },
    realpath: (p) => links[p] ?? p,
  };
}

const DEBIAN = [
  '/usr/share/java/zookeeper.jar',
  '/usr/share/java/zookeeper-3.8.0.jar',
  '/usr/share/java/slf4j-log4j12.jar',
  '/usr/share/java/log4j-1.2.jar',
  '/usr/share/java/slf4j-api.jar',
  '/usr/share/zookeeper/bin/zkServer.sh',
];
const JAVA = ['/usr/bin/java'];
const PATH = { PATH: '/usr/local/bin:/usr/bin:/bin' };

const oneLine = (expected: string) => (err: unknown) => err instanceof ZooKeeperNotFoundError && err.message === expected && !err.message.includes('\n');

describe('findZooKeeper', () => {
  it('finds the Debian package with a log4j binding on the classpath', () => {
    const zk = findZooKeeper(fakeHost([...DEBIAN, ...JAVA], PATH));
    assert.equal(zk.layout, 'debian');
    assert.equal(zk.java, '/usr/bin/java');
    assert.equal(zk.home, '/usr/share/zookeeper');
    assert.equal(zk.versionHint, '3.8.0');
    assert.deepEqual(zk.classpath, ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar']);
  });

  it('prefers ZOOKEEPER_HOME (Apache tarball layout)', () => {
    const home = '/opt/apache-zookeeper-3.9.3-bin';
    const files = [
      ...DEBIAN,
      ...JAVA,
      `${home}/lib/zookeeper-3.9.3.jar`,
      `${home}/lib/zookeeper-jute-3.9.3.jar`,
      `${home}/lib/logback-classic-1.2.13.jar`,
      `${home}/bin/zkServer.sh`,
    ];
    const zk = findZooKeeper(fakeHost(files, { ...PATH, ZOOKEEPER_HOME: home }));
    assert.equal(zk.layout, 'tarball');
    assert.equal(zk.source, 'ZOOKEEPER_HOME');
    assert.equal(zk.versionHint, '3.9.3');
    assert.ok(zk.classpath.includes(`${home}/lib/zookeeper-3.9.3.jar`));
    assert.ok(zk.classpath.includes(`${home}/lib/logback-classic-1.2.13.jar`));
  });

  it('reports a ZOOKEEPER_HOME that is not an installation', () => {
    assert.throws(
      () => findZooKeeper(fakeHost([...DEBIAN, ...JAVA, '/opt/zk/README'], { ...PATH, ZOOKEEPER_HOME: '/opt/zk' })),
      (err: unknown) => err instanceof ZooKeeperNotFoundError && /ZOOKEEPER_HOME=\/opt\/zk does not look like/.test(err.message),
    );
  });

  it('falls back to zkServer.sh on PATH (following symlinks to the install)', () => {
    const home = '/opt/zookeeper-3.9.3';
    const files = [...JAVA, '/usr/local/bin/zkServer.sh', `${home}/bin/zkServer.sh`, `${home}/lib/zookeeper-3.9.3.jar`];
    const zk = findZooKeeper(fakeHost(files, PATH, { '/usr/local/bin/zkServer.sh': `${home}/bin/zkServer.sh` }));
    assert.equal(zk.layout, 'tarball');
    assert.equal(zk.home, home);
    assert.match(zk.source, /zkServer\.sh on PATH/);
  });

  it('says what is missing and how to fix it, in one line', () => {
    assert.throws(() => findZooKeeper(fakeHost(JAVA, PATH)), oneLine(ZOOKEEPER_MISSING));
    assert.throws(() => findZooKeeper(fakeHost(DEBIAN, PATH)), oneLine(JAVA_MISSING));
    assert.match(ZOOKEEPER_MISSING, /apt-get install zookeeper/);
    assert.match(ZOOKEEPER_MISSING, /ZOOKEEPER_HOME/);
    assert.match(ZOOKEEPER_MISSING, /--zk host:port/);
  });
});

describe('findJava', () => {
  it('prefers JAVA_HOME, then PATH', () => {
    const files = ['/usr/bin/java', '/opt/jdk/bin/java'];
    assert.equal(findJava(fakeHost(files, { ...PATH, JAVA_HOME: '/opt/jdk' })), '/opt/jdk/bin/java');
    assert.equal(findJava(fakeHost(files, PATH)), '/usr/bin/java');
    assert.equal(findJava(fakeHost(files, { ...PATH, JAVA_HOME: '/nope' })), '/usr/bin/java');
  });
});
