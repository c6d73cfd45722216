#!/usr/bin/env node
/**
 * `node --test` with glob patterns that works on Node 20 (whose --test does not expand globs;
 * Node 21+ does). Usage:
 *
 *   node test/helpers/run-tests.mjs [node --test flags...] -- 'pattern' 'pattern' ...
 *
 * Supports `*`, `**` and `?` in patterns relative to the current directory. Runs
 * `node --import tsx --test <flags> <files>` and exits with its status. No files: says so, exit 0.
 * The whole run is killed (and fails) after ZKVIZ_TEST_RUN_TIMEOUT_MS (default 30 min).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Converts a glob to a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** Files under the cwd matching any pattern, sorted, without duplicates. */
export function expand(patterns, cwd = process.cwd()) {
  const files = new Set();
  for (const pattern of patterns) {
    const parts = pattern.split('/');
    const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
    if (firstGlob === -1) {
      files.add(pattern);
      continue;
    }
    const base = parts.slice(0, firstGlob).join('/') || '.';
    const re = globToRegExp(pattern.replace(/^\.\//, ''));
    const found = [];
    walk(join(cwd, base), found);
    for (const f of found) {
      const rel = relative(cwd, f).split(sep).join('/');
      if (re.test(rel)) files.add(rel);
    }
  }
  return [...files].sort();
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const flags = dash === -1 ? [] : argv.slice(0, dash);
  const patterns = dash === -1 ? argv : argv.slice(dash + 1);
  const files = expand(patterns);
  if (files.length === 0) {
    console.log(`no test files match ${patterns.join(' ')}`);
    process.exit(0);
  }
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', ...flags, ...files], { stdio: 'inherit' });
  // A test file whose process never exits (a leaked handle) would hang the run forever: give the
  // whole run a ceiling (ZKVIZ_TEST_RUN_TIMEOUT_MS, default 30 min) and fail loudly instead.
  const ceiling = Number(process.env.ZKVIZ_TEST_RUN_TIMEOUT_MS ?? 30 * 60_000);
  const hang = setTimeout(() => {
    console.error(`run-tests: still running after ${ceiling} ms (${patterns.join(' ')}); killing it`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    process.exitCode = 1;
  }, ceiling);
  hang.unref();
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(process.exitCode || (code ?? 1));
  });
}
