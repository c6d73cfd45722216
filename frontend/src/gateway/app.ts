/**
 * Builds the gateway: one fastify instance, one plugin per concern. Everything that talks to the
 * outside world (ZooKeeper discovery, the leader's stream, the leader's kill route) comes in as a
 * dependency, so tests build the same gateway over fakes.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { DEFAULT_ZK_CONNECT, defaultScenariosDir, type GatewayConfig } from './config.js';
import type { LeaderDiscovery } from './discovery/types.js';
import { failoverRoutes } from './failovers/routes.js';
import { ClusterFeed } from './feed/cluster-feed.js';
import type { FeedLog } from './feed/types.js';
import type { LeaderClient } from './leader-client/kill-client.js';
import type { StreamConnector } from './leader-client/stream-client.js';
import { DEFAULT_LIMITS, type GatewayLimits } from './limits/config.js';
import { readLimit } from './limits/read-limit.js';
import { clusterRoutes } from './routes/cluster.js';
import { GATEWAY_ROUTES } from '@zkviz/shared';
import { errorBodySchema, jsonErrors, serverOptions } from '@zkviz/shared/fastify';
import { healthRoutes } from './routes/health.js';
import { recipeRoutes } from './recipe/routes.js';
import type { RecipeStore } from './recipe/store.js';
import type { FailoverCounter } from './failovers/counter.js';
import { killRoutes } from './routes/kill.js';
import { registerStaticPage } from './routes/static.js';
import { installWsHub } from './ws/hub.js';
import { DEFAULT_RECORDING_BOUNDS } from './recording/config.js';
import { recordingRoutes } from './recording/plugin.js';
import { Recorder, type RecorderBounds } from './recording/recorder.js';
import { capabilitiesOf, slotRoutes } from './slots/routes.js';
import type { HostClient, SlotDirectory, SupervisorClient } from './slots/types.js';
import type { ZooKeeperViewSource } from './zookeeper/view-source.js';
import { zookeeperRoutes } from './zookeeper/plugin.js';
import { loadScenarios } from './scenarios/loader.js';
import { ScenarioRunner } from './scenarios/runner.js';
import { actAsPresenter, scenarioRoutes } from './scenarios/routes.js';

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'staticDir' | 'allowedOrigins' | 'killRateLimitPerMinute' | 'logLevel'> &
    Partial<Pick<GatewayConfig, 'controlToken' | 'recording' | 'recordingOn' | 'zkConnect' | 'zkSessionTimeoutMs' | 'scenariosDir'>> & {
      limits?: Partial<GatewayLimits>;
    };
  /** Built with the gateway's logger, which only exists once the fastify instance does. */
  createDiscovery(log: FeedLog): LeaderDiscovery;
  createStreamConnector(log: FeedLog): StreamConnector;
  /** Standby streams to the node next in line (see ClusterFeed.followSuccessor); absent: none. */
  createStandbyConnector?(log: FeedLog): StreamConnector;
  /** What ZooKeeper itself sees (four-letter words + znode reads); absent or null: the view is off. */
  createZooKeeperView?(log: FeedLog): ZooKeeperViewSource | null;
  leaderClient: LeaderClient;
  /** Where the slot supervisors are (ZooKeeper); absent: no slot actions in this gateway. */
  createSlotDirectory?(log: FeedLog): SlotDirectory;
  /** Required with a slot directory. */
  supervisorClient?: SupervisorClient;
  /** Counts each failover's woken nodes, reads and watches (ZooKeeper + the nodes); absent: not counted. */
  createFailoverCounter?(log: FeedLog): FailoverCounter | null;
  /** The cluster's recipe znode (ZooKeeper); absent: `POST /api/recipe` answers 409 not_supported. */
  createRecipeStore?(log: FeedLog): RecipeStore;
  /** The local-mode host (adds slots, controls ZooKeeper); absent in compose. */
  hostClient?: HostClient | null;
  /** fastify logger option; tests pass false. */
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
}

export interface Gateway {
  app: FastifyInstance;
  feed: ClusterFeed;
  recorder: Recorder;
  scenarios: ScenarioRunner;
}

/** Conservative headers for a page that loads nothing from elsewhere. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export async function buildGateway(deps: GatewayDeps): Promise<Gateway> {
  const app = Fastify(
    serverOptions({
      logger: deps.logger ?? { level: deps.config.logLevel },
    }),
  );
  const controlToken = deps.config.controlToken ?? null;
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...deps.config.limits };
  const log = app.log as FeedLog;
  const feed = new ClusterFeed(deps.createDiscovery(log), deps.createStreamConnector(log), log, deps.now, deps.createStandbyConnector?.(log) ?? null);
  const recordingBounds: RecorderBounds = deps.config.recording ?? DEFAULT_RECORDING_BOUNDS;
  const recorder = new Recorder(feed.view, recordingBounds, deps.now);
  const recordingOn = deps.config.recordingOn !== false;
  const directory = deps.createSlotDirectory?.(log) ?? null;
  directory?.on('slots', (records) => feed.setSlots(records));
  const recipes = deps.createRecipeStore?.(log) ?? null;
  recipes?.on('recipe', (recipe) => feed.setRecipe(recipe));
  const counter = deps.createFailoverCounter?.(log) ?? null;
  feed.on('failover', (record) => {
    if (!counter) return;
    const addresses = feed.view.nodes.flatMap((n) => (n.address ? [n.address] : []));
    counter.count(record, addresses).then(
      (counts) => {
        log.info({ ev: 'failover-counted', to: record.to, recipe: record.recipe ?? null, ...counts }, 'failover counted');
        feed.recordFailoverCounts(record, counts);
      },
      (err: unknown) => log.warn({ ev: 'failover-count-failed', err: String(err) }, 'failover count failed'),
    );
  });
  const host = deps.hostClient ?? null;
  const capabilities = capabilitiesOf({ directory, host });
  const loaded = await loadScenarios(deps.config.scenariosDir ?? defaultScenariosDir());
  for (const broken of loaded) if (!broken.ok) log.error({ ev: 'scenario-unloadable', file: broken.file, problem: broken.problem }, 'scenario file does not load');
  const scenarios = new ScenarioRunner(
    loaded.flatMap((l) => (l.ok ? [l.scenario] : [])),
    {
      feed,
      act: actAsPresenter(app, controlToken),
      world: { capabilities, recipeWritable: recipes !== null, defaultSessionTimeoutMs: deps.config.zkSessionTimeoutMs ?? 4000 },
      broken: loaded.flatMap((l) => (l.ok ? [] : [{ id: l.id, problem: l.problem }])),
      now: deps.now,
    },
  );

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  await app.register(rateLimit, { global: false });
  await app.register(readLimit, { perMinute: limits.readsPerMinute });
  const pageFallback = await registerStaticPage(app, deps.config.staticDir);
  await app.register(jsonErrors, pageFallback ? { notFoundFallback: pageFallback } : {});
  await app.register(healthRoutes, { controlProtected: controlToken !== null, capabilities });
  await app.register(clusterRoutes, { feed });
  await app.register(failoverRoutes, { feed });
  await app.register(zookeeperRoutes, { feed, source: deps.createZooKeeperView?.(log) ?? null });
  await app.register(recordingRoutes, { recorder, now: deps.now });
  const supervisors: SupervisorClient = deps.supervisorClient ?? { act: () => Promise.reject(new Error('no supervisor client')) };
  await app.register(killRoutes, {
    feed,
    leaderClient: deps.leaderClient,
    rateLimitPerMinute: deps.config.killRateLimitPerMinute,
    controlToken,
    slots: { directory, supervisors },
  });
  await app.register(recipeRoutes, { feed, store: recipes, rateLimitPerMinute: deps.config.killRateLimitPerMinute, controlToken });
  await app.register(scenarioRoutes, { runner: scenarios, rateLimitPerMinute: deps.config.killRateLimitPerMinute, controlToken });
  app.get(GATEWAY_ROUTES.ws, { schema: { response: { 426: errorBodySchema } } }, async (_req, reply) =>
    reply.code(426).send({ error: 'upgrade_required', message: 'connect with a WebSocket' }),
  );
  await app.register(slotRoutes, {
    feed,
    directory,
    supervisors,
    host,
    rateLimitPerMinute: deps.config.killRateLimitPerMinute,
    controlToken,
    zkConnect: deps.config.zkConnect ?? DEFAULT_ZK_CONNECT,
  });
  installWsHub(app, {
    feed,
    scenarios,
    allowedOrigins: deps.config.allowedOrigins,
    limits,
    onBroadcast: (sent, kind) => {
      if (recordingOn) recorder.record(sent, kind);
    },
  });

  app.addHook('onReady', async () => {
    directory?.start();
    recipes?.start();
    counter?.start();
    feed.start();
    scenarios.start();
  });
  app.addHook('onClose', async () => {
    directory?.stop();
    recipes?.stop();
    counter?.stop();
    scenarios.stop();
    feed.stop();
  });
  return { app, feed, recorder, scenarios };
}
