/**
 * Reads the scenario files (one YAML file each, `<id>.yaml`) and checks them before any runs: the
 * JSON schema (shared/src/scenarios.ts), then what a schema cannot say — every node a step names
 * is a built-in selector or bound by an earlier step, every `{{…}}` reads a name the run will know.
 * A broken file does not stop the gateway: it is listed as unavailable with the problem as its
 * reason, so the teacher who wrote it sees what to fix on the page.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { SCENARIO_FILE_SCHEMA, type ScenarioDefinition } from '@zkviz/shared';
import { placeholdersOf } from './template.js';
import { NODE_SELECTORS, SERVER_SELECTORS } from './world.js';

/** Names every text can read (refreshed when each step comes up; see runner.ts). */
export const BUILT_IN_VALUES = ['leader', 'successor', 'last', 'worker', 'fencingToken', 'nodes', 'sessionTimeoutMs', 'recipe', 'quorumSize', 'zkLeader'] as const;
const RESERVED = new Set<string>([...BUILT_IN_VALUES, 'action', 'started', 'acted', 'ms']);

export type LoadedScenario = { ok: true; scenario: ScenarioDefinition; file: string } | { ok: false; id: string; file: string; problem: string };

const MAX_FILE_BYTES = 64 * 1024;
const validate = new Ajv({ allErrors: false }).compile<ScenarioDefinition>(SCENARIO_FILE_SCHEMA);
/** Compiled only when a file fails: every error of every branch, so the one the author meant can be told. */
let explain: ValidateFunction | null = null;

function schemaProblem(data: unknown): string {
  explain ??= new Ajv({ allErrors: true }).compile(SCENARIO_FILE_SCHEMA);
  explain(data);
  const list = explain.errors ?? [];
  const deepest = (of: ErrorObject[]) => [...of].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  // oneOf over kinds (`for: ghost`, `action: kill`…) reports every branch: the other kinds fail on
  // their discriminator (a const), the author's kind on what it lacks or gets wrong; say that one.
  // Else the deepest path is the one the author meant.
  const branches = new Map<string, ErrorObject[]>();
  for (const e of list) {
    const branch = /^(.*\/oneOf\/\d+)\//.exec(e.schemaPath)?.[1];
    if (branch) branches.set(branch, [...(branches.get(branch) ?? []), e]);
  }
  const matched = [...branches.values()].filter((errs) => errs.every((e) => e.keyword !== 'const'));
  const kinds = list.filter((e) => e.keyword === 'const');
  if (matched.length === 0 && kinds.length > 1 && kinds.every((e) => e.instancePath === kinds[0]!.instancePath)) {
    // No kind matched: name the kinds there are.
    const allowed = kinds.map((e) => String((e.params as { allowedValue: unknown }).allowedValue));
    return `${kinds[0]!.instancePath.replace(/^\//, '').replaceAll('/', '.')} must be one of: ${allowed.join(', ')}`;
  }
  const best = matched.length === 1 ? deepest(matched[0]!) : deepest(list);
  if (!best) return 'does not match the scenario format';
  const where = best.instancePath ? best.instancePath.replace(/^\//, '').replaceAll('/', '.') : 'the file';
  const extra = best.keyword === 'additionalProperties' ? ` (${(best.params as { additionalProperty: string }).additionalProperty})` : '';
  return `${where} ${best.message ?? 'is invalid'}${extra}`;
}

/** What a schema cannot check; the first problem, or null. */
export function crossCheck(scenario: ScenarioDefinition): string | null {
  const values = new Set<string>(BUILT_IN_VALUES);
  const moments = new Set<string>(['started', 'acted']);
  const nodes = new Set<string>(NODE_SELECTORS);
  const servers = new Set<string>(SERVER_SELECTORS);
  const texts = (where: string, text: string | undefined, known: Set<string>, knownMoments: Set<string>): string | null => {
    if (text === undefined) return null;
    const found = placeholdersOf(text);
    if (typeof found === 'string') return `${where}: ${found}`;
    for (const p of found) {
      if (p.kind === 'value' && !known.has(p.name) && p.name !== 'action')
        return `${where}: {{${p.name}}} is not known here (built in: ${BUILT_IN_VALUES.join(', ')}; or a name an earlier step bound with "as")`;
      if (p.kind === 'ms') {
        for (const m of [p.from, p.to]) {
          if (!knownMoments.has(m) && !knownMoments.has(m.split('.')[0]!)) return `${where}: moment ${m} is not recorded by this step or an earlier one`;
        }
      }
    }
    return null;
  };
  for (const [i, step] of scenario.steps.entries()) {
    const at = `step ${i + 1} (“${step.title}”)`;
    if (step.do && step.ask) return `${at}: a step either does (do) or asks (ask), not both`;
    if (step.ask && !step.wait) return `${at}: a step that asks the user needs a wait for what the user does`;
    if (step.forbid && !step.wait) return `${at}: forbid needs a wait (it is checked until the wait is met)`;
    const problem = texts(`${at} expect`, step.expect, values, moments) ?? texts(`${at} ask`, step.ask, values, moments);
    if (problem) return problem;
    const action = step.do;
    if (action && 'node' in action && !nodes.has(action.node))
      return `${at}: node ${action.node} is not bound by an earlier step (use leader, successor, last, worker or a name bound with "as")`;
    if (action?.action === 'zookeeper' && !servers.has(action.server) && !/^\d+$/.test(action.server))
      return `${at}: server ${action.server} is not a server id, zk-leader, zk-follower or a bound name`;
    if (action && 'as' in action && action.as) {
      if (RESERVED.has(action.as)) return `${at}: "${action.as}" is a built-in name; bind another`;
      values.add(action.as);
      moments.add(`${action.as}.acted`);
      (action.action === 'zookeeper' ? servers : nodes).add(action.as);
    }
    const wait = step.wait;
    for (const ref of [wait && 'node' in wait ? wait.node : undefined, wait && 'from' in wait ? wait.from : undefined, step.forbid?.node]) {
      if (ref !== undefined && !nodes.has(ref)) return `${at}: node ${ref} is not bound by an earlier step`;
    }
    if (wait) {
      const name = wait.as ?? wait.for;
      if (wait.as && RESERVED.has(wait.as)) return `${at}: "${wait.as}" is a built-in name; call the wait something else`;
      values.add(name);
      moments.add(name);
      if (wait.for === 'rejoined') nodes.add(name);
    }
    const explained = texts(`${at} explain`, step.explain, values, moments);
    if (explained) return explained;
  }
  return null;
}

/** One file's text: the scenario, or its problem. */
export function parseScenario(file: string, text: string): LoadedScenario {
  const id = basename(file, extname(file));
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) return { ok: false, id, file, problem: `${file} is over ${MAX_FILE_BYTES / 1024} KiB` };
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 0 });
  } catch (err) {
    return { ok: false, id, file, problem: `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!validate(data)) return { ok: false, id, file, problem: `${file}: ${schemaProblem(data)}` };
  if (data.id !== id) return { ok: false, id, file, problem: `${file}: its id is ${data.id}; name the file ${data.id}.yaml` };
  const problem = crossCheck(data);
  return problem ? { ok: false, id, file, problem: `${file}: ${problem}` } : { ok: true, scenario: data, file };
}

/** Every `.yaml`/`.yml` file of the directory, sorted by name (a missing directory has none). */
export async function loadScenarios(dir: string): Promise<LoadedScenario[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const loaded: LoadedScenario[] = [];
  for (const name of names) loaded.push(parseScenario(name, await readFile(join(dir, name), 'utf8')));
  return loaded;
}
