/**
 * `npm start` as a user runs it: banner with the URL, a working page API, and Ctrl-C leaves no
 * process and no temp dir behind. Plus the one-line errors.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GATEWAY_ROUTES, type ClusterView } from '@zkviz/shared';
import { GATEWAY_ENTRY, ManagedProcess, NODE_ENTRY, REPO_ROOT, fetchJson, freePort, waitForEvent, waitUntil } from '../helpers/index.js';

const MAIN = join(REPO_ROOT, 'launcher', 'dist', 'main.js');
const built = existsSync(MAIN) && existsSync(NODE_ENTRY) && existsSync(GATEWAY_ENTRY);

function launch(args: string[]): ManagedProcess {
  return new ManagedProcess({ name: 'npm-start', command: process.execPath, args: [MAIN, ...args], cwd: REPO_ROOT });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (launcher/dist/main.js)', { skip: built ? false : 'not built: run npm run build' }, () => {
  it('starts ZooKeeper, nodes and the gateway; SIGINT stops everything and cleans up', async () => {
    const port = await freePort();
    const proc = launch(['--nodes', '3', '--port', String(port), '--session-timeout', '1000']);
    try {
      await waitForEvent<[string]>(proc, 'line', {
        filter: (line) => line.includes(`Open:       http://127.0.0.1:${port}`),
        timeoutMs: 30_000,
        description: 'the banner with the URL',
      });
      const zkDir = /log (\/\S+)\/zookeeper\.log/.exec(proc.output.join('\n'))?.[1];
      assert.ok(zkDir && existsSync(zkDir), 'the banner names the ZooKeeper temp dir');

      const view = await waitUntil(
        async () => {
          const { body } = await fetchJson<ClusterView>(`http://127.0.0.1:${port}${GATEWAY_ROUTES.cluster}`);
          return body.status === 'ok' && body.nodes.length === 3 ? body : null;
        },
        { timeoutMs: 20_000, description: 'the gateway to show a leader and 3 nodes' },
      );
      const pids = view.nodes.map((n) => n.pid).filter((p): p is number => typeof p === 'number');
      assert.equal(pids.length, 3);

      proc.signal('SIGINT');
      const exit = await proc.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
      for (const pid of pids) assert.equal(alive(pid), false, `node pid ${pid} survived`);
      assert.equal(existsSync(zkDir), false, 'ZooKeeper temp dir removed');
      assert.ok(
        !(await fetch(`http://127.0.0.1:${port}${GATEWAY_ROUTES.health}`).then(
          () => true,
          () => false,
        )),
        'gateway gone',
      );
    } finally {
      await proc.stop();
    }
  });

  it('a taken port is a one-line error and exit code 1', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const proc = launch(['--port', String(port)]);
      const exit = await proc.exited;
      assert.equal(exit.code, 1);
      const errors = proc.output.filter((l) => l.startsWith('stderr: zkviz: Port'));
      assert.deepEqual(errors, [`stderr: zkviz: Port ${port} is already in use (gateway): stop whatever listens there or choose another with --port`]);
    } finally {
      server.close();
    }
  });

  it('bad flags: usage error, exit code 2', async () => {
    const proc = launch(['--nodes', 'many']);
    assert.equal((await proc.exited).code, 2);
    assert.ok(proc.output.includes('stderr: zkviz: --nodes must be a whole number, got "many"'));
  });
});
