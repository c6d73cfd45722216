/**
 * Exposure, checked statically: what compose publishes, what runs as root, what is mounted, and
 * that no code anywhere answers `Access-Control-Allow-Origin: *` or keeps a fixed demo token.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../launcher/src/index.js';

type Dict = Record<string, unknown>;
const composeText = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const services = (parse(composeText) as Dict).services as Record<string, Dict>;

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|mjs|js|yml|yaml|html)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('exposure', () => {
  it('compose publishes only the gateway, on ${ZKVIZ_BIND:-127.0.0.1}', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'gateway') {
        assert.deepEqual(svc.ports, ['${ZKVIZ_BIND:-127.0.0.1}:${ZKVIZ_PORT:-8080}:8080']);
      } else {
        assert.equal(svc.ports, undefined, `${name} publishes ports`);
      }
    }
  });

  it('compose has no fixed cluster token; CONTROL_TOKEN and ALLOWED_ORIGINS reach the gateway', () => {
    assert.doesNotMatch(composeText, /zkviz-demo-token/);
    for (const name of ['node', 'gateway']) {
      assert.equal((services[name]!.environment as Dict).CLUSTER_TOKEN, '${CLUSTER_TOKEN:-}', name);
    }
    const gw = services.gateway!.environment as Dict;
    assert.equal(gw.CONTROL_TOKEN, '${CONTROL_TOKEN:-}');
    assert.equal(gw.ALLOWED_ORIGINS, '${ALLOWED_ORIGINS:-}');
  });

  it('no container mounts an engine socket or runs privileged', () => {
    assert.doesNotMatch(composeText, /docker\.sock|podman\.sock|privileged:\s*true/);
  });

  for (const file of ['cluster/Dockerfile', 'frontend/Dockerfile']) {
    it(`${file}: the runtime stage runs as USER node`, () => {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const lastFrom = text.lastIndexOf('\nFROM ');
      assert.match(text.slice(lastFrom), /^USER node$/m);
      assert.doesNotMatch(text, /docker\.sock/);
    });
  }

  it('no source answers Access-Control-Allow-Origin: * (or registers @fastify/cors)', () => {
    const offenders: string[] = [];
    for (const dir of ['cluster/src', 'frontend/src', 'shared/src', 'launcher/src']) {
      for (const file of sources(join(REPO_ROOT, dir))) {
        const text = readFileSync(file, 'utf8');
        if (/access-control-allow-origin/i.test(text) || /@fastify\/cors/.test(text)) offenders.push(file);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
