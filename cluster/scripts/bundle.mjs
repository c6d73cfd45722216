#!/usr/bin/env node
/**
 * Bundles the compiled node and slot supervisor (cluster/dist, tsc's output) into one file each,
 * cluster/dist/bundle/main.js and cluster/dist/bundle/supervisor/main.js: what local mode, the
 * tests, the bench and the node image run. Measured on this machine (see README "Performance"):
 * resolving and compiling the ~300 files of fastify, pino, ajv and the app one by one was about
 * a third of a node's CPU from exec to listening and ~8 MB of its heap; 100 nodes pay it 100 times.
 *
 * The same relative layout as dist, so the supervisor's `../main.js` is the node's bundle. The
 * `zookeeper` addon stays external (native; resolved from node_modules at run time). Whitespace
 * and syntax are minified, names are kept: stack traces stay readable.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

await build({
  entryPoints: { main: `${dist}main.js`, 'supervisor/main': `${dist}supervisor/main.js` },
  outdir: `${dist}bundle`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['zookeeper'],
  // CommonJS dependencies (fastify, pino) call require() on Node built-ins; an ES module has none.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
