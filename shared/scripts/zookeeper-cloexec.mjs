#!/usr/bin/env node
/**
 * Rebuilds the `zookeeper` addon's C client with SOCK_CLOEXEC, the C client's own
 * `--with-sock-cloexec` option, which the addon's build does not turn on. Runs as the root
 * package's postinstall (after npm has built the addon the usual way); Linux only.
 *
 * Why it matters: without the flag, the client's socket is inherited by every child process
 * spawned while it is open. In a process that holds a ZooKeeper session and also spawns children
 * (the test harness and the chaos run restart ZooKeeper and start nodes while their inspector is
 * connected) a copy of the socket stays alive in the child. When the client later closes its fd,
 * the kernel keeps the socket's epoll registration (the socket is still open elsewhere), and it
 * goes on reporting events under the old fd number. The next client's socket reuses that number:
 * it is told "readable" with nothing to read, the addon counts ten empty polls and closes it,
 * and the next fresh client gets the same fd and the same ghost events, forever. Seen in the
 * chaos soak as a harness that could not get a session after a ZooKeeper restart.
 *
 * Idempotent: a marker in the addon's build dir records a CLOEXEC build (a rebuild that wipes
 * the dir wipes the marker). If the rebuild fails, the original build is put back and a warning
 * is printed: the addon still works, only spawning processes are exposed (and the integration
 * test `zookeeper client sockets are not inherited` fails).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FLAG = '-DSOCK_CLOEXEC_ENABLED=1';
const say = (msg) => console.log(`zookeeper-cloexec: ${msg}`);

if (process.platform !== 'linux') {
  say(`skipped on ${process.platform} (SOCK_CLOEXEC is a Linux flag)`);
  process.exit(0);
}

let addonDir;
try {
  // Resolved from @zkviz/shared (this script's package), whatever the working directory.
  addonDir = dirname(createRequire(import.meta.url).resolve('zookeeper/package.json'));
} catch {
  say('the zookeeper package is not installed here; nothing to do');
  process.exit(0);
}
const buildDir = join(addonDir, 'build');
const marker = join(buildDir, 'zkviz-cloexec');
if (existsSync(marker)) {
  say('already built with SOCK_CLOEXEC');
  process.exit(0);
}
if ((process.env.CPPFLAGS ?? '').includes(FLAG) && existsSync(join(buildDir, 'Release', 'zookeeper.node'))) {
  // npm built it with the flag in the environment (the Dockerfiles do this): no rebuild needed.
  writeFileSync(marker, `${FLAG}\n`);
  say('built with SOCK_CLOEXEC by npm (CPPFLAGS)');
  process.exit(0);
}

// node-gyp-build skips the build while build/ holds an addon: move it aside, rebuild, and put it
// back if the rebuild fails.
const backup = `${buildDir}.before-cloexec`;
rmSync(backup, { recursive: true, force: true });
if (existsSync(buildDir)) renameSync(buildDir, backup);
const started = Date.now();
const npm = process.env.npm_execpath;
const result = spawnSync(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'rebuild', 'zookeeper', '--foreground-scripts'], {
  cwd: fileURLToPath(new URL('../..', import.meta.url)), // the workspace root, where npm installed it
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, CPPFLAGS: `${process.env.CPPFLAGS ?? ''} ${FLAG}`.trim() },
  encoding: 'utf8',
});
const built = result.status === 0 && existsSync(join(buildDir, 'Release', 'zookeeper.node'));
if (!built) {
  rmSync(buildDir, { recursive: true, force: true });
  if (existsSync(backup)) renameSync(backup, buildDir);
  console.warn(`zookeeper-cloexec: WARNING: rebuild failed (exit ${result.status}); keeping the original addon build`);
  console.warn((result.stderr || result.stdout || '').split('\n').slice(-15).join('\n'));
  process.exit(0);
}
rmSync(backup, { recursive: true, force: true });
writeFileSync(marker, `${FLAG}\n`);
say(`rebuilt with SOCK_CLOEXEC in ${((Date.now() - started) / 1000).toFixed(1)} s`);
