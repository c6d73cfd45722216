import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LOCAL_SESSION_TIMEOUT_MS, DEFAULT_NODES, isValidConnectString, parseArgs, UsageError } from '../src/args.js';

describe('parseArgs', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(parseArgs([]), {
      nodes: DEFAULT_NODES,
      port: 8080,
      zk: null,
      ensemble: 1,
      sessionTimeoutMs: DEFAULT_LOCAL_SESSION_TIMEOUT_MS,
      help: false,
    });
    assert.equal(DEFAULT_NODES, 4);
    assert.equal(DEFAULT_LOCAL_SESSION_TIMEOUT_MS, 2000);
  });

  it('reads every flag, separated or with =', () => {
    assert.deepEqual(parseArgs(['--nodes', '6', '--port=9090', '--zk', 'zk1:2181,zk2:2181/chroot', '--session-timeout', '1500']), {
      nodes: 6,
      port: 9090,
      zk: 'zk1:2181,zk2:2181/chroot',
      ensemble: 1,
      sessionTimeoutMs: 1500,
      help: false,
    });
    assert.equal(parseArgs(['--ensemble', '3']).ensemble, 3);
    assert.equal(parseArgs(['--ensemble=5', '--nodes', '3']).ensemble, 5);
    assert.equal(parseArgs(['-h']).help, true);
    assert.equal(parseArgs(['--help']).help, true);
  });

  it('rejects bad input with a one-line UsageError', () => {
    const bad: string[][] = [
      ['--nodes'],
      ['--nodes', 'x'],
      ['--nodes', '0'],
      ['--nodes', '-1'],
      ['--nodes', '2.5'],
      ['--port', '70000'],
      ['--port', '--nodes'],
      ['--zk'],
      ['--zk', 'localhost'],
      ['--zk', 'a b:1'],
      ['--session-timeout', '10'],
      ['--ensemble'],
      ['--ensemble', '0'],
      ['--ensemble', '8'],
      ['--ensemble', 'three'],
      ['--ensemble', '3', '--zk', 'a:1'],
      ['--what'],
      ['extra'],
    ];
    for (const argv of bad) {
      assert.throws(
        () => parseArgs(argv),
        (err: unknown) => err instanceof UsageError && !err.message.includes('\n'),
        `expected a UsageError for ${JSON.stringify(argv)}`,
      );
    }
  });

  it('validates ZooKeeper connect strings', () => {
    for (const ok of ['127.0.0.1:2181', 'zookeeper:2181', 'a:1,b:2', 'a:1/zkviz', '[::1]:2181']) assert.ok(isValidConnectString(ok), ok);
    for (const nok of ['', 'a', ':2181', 'a:', 'a:2181,', 'a:x']) assert.ok(!isValidConnectString(nok), nok);
  });
});
