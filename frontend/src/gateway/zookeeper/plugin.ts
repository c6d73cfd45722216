/**
 * The ZooKeeper view as one fastify plugin: `GET /api/zookeeper`, the wiring between the view
 * source and the cluster feed (the view, and the timeline entries of ZooKeeper's own changes), and
 * the source's lifecycle. Everything flows one way into the feed
 * (facts for the table's rows); the feed only ever asks the source to read again.
 */
import type { FastifyPluginAsync } from 'fastify';
import { GATEWAY_ROUTES, type ClusterView, type KillMode, type ZooKeeperView } from '@zkviz/shared';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import { errorBodySchema } from '@zkviz/shared/fastify';
import { INITIAL_ZOOKEEPER_MEMORY, zookeeperEvents } from './events.js';
import type { ZooKeeperViewSource } from './view-source.js';

export const ZOOKEEPER_ROUTE = GATEWAY_ROUTES.zookeeper;
/**
 * How long into a leaderless period the ZooKeeper view's full reads wait for the new leader. A
 * graceful failover switches well within it; a crash's stays leaderless for a session timeout,
 * and its view (the ghost session and its expiry) is read again after this.
 */
export const FAILOVER_HOLD_MS = 300;

export interface ZooKeeperPluginOptions {
  feed: ClusterFeed;
  /** null: the view is off (`ZOOKEEPER_VIEW=off`); the route then answers an empty view saying so. */
  source: ZooKeeperViewSource | null;
}

/** What `GET /api/zookeeper` answers before the first read, or with the view off. */
export function emptyZooKeeperView(now: number, off: boolean): ZooKeeperView {
  return {
    servers: [],
    quorum: { size: 0, up: 0, holds: false },
    sessions: [],
    znodes: [],
    updatedAt: now,
    source: [],
    problems: off
      ? [
          {
            server: 'gateway',
            source: 'gateway',
            kind: 'down',
            message: 'the ZooKeeper view is switched off on this gateway',
            fix: 'unset ZOOKEEPER_VIEW (or set it to on)',
          },
        ]
      : [],
  };
}

/** A key of what the rows claim: the source reads again when it changes, not on every fact update. */
function claimsKey(view: ClusterView): string {
  return `${view.status}|${view.nodes.map((n) => `${n.id}:${n.role}:${n.watching ?? ''}`).join(',')}`;
}

export const zookeeperRoutes: FastifyPluginAsync<ZooKeeperPluginOptions> = async (app, { feed, source }) => {
  // Additive fields in protocol.ts must reach clients unstripped: no response schema for 200.
  // Rate-limited with every other GET /api/* route (limits/read-limit.ts: one budget per client).
  const schema = { response: { '4xx': errorBodySchema, '5xx': errorBodySchema } } as const;
  app.get(ZOOKEEPER_ROUTE, { schema }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return source?.view ?? emptyZooKeeperView(Date.now(), source === null);
  });
  if (!source) return;

  let lastClaims = claimsKey(feed.view);
  const onView = (view: ClusterView) => {
    // Between leaders, ZooKeeper's view waits (at most FAILOVER_HOLD_MS): the switch goes first.
    source.holdUntil(view.status === 'leaderless' && view.leaderlessSince !== null ? view.leaderlessSince + FAILOVER_HOLD_MS : 0);
    const key = claimsKey(view);
    if (key === lastClaims) return;
    lastClaims = key;
    source.requestRefresh();
  };
  const onKill = (target: string, mode: KillMode) => source.expectExit(target, mode);
  let memory = INITIAL_ZOOKEEPER_MEMORY;
  const onZooKeeper = (view: ZooKeeperView) => {
    feed.setZooKeeperView(view);
    const next = zookeeperEvents(memory, view, Date.now());
    memory = next.memory;
    for (const event of next.events) feed.recordEvent(event);
  };
  feed.on('view', onView);
  feed.on('kill', onKill);
  source.on('view', onZooKeeper);

  app.addHook('onReady', async () => source.start());
  app.addHook('onClose', async () => {
    source.stop();
    feed.off('view', onView);
    feed.off('kill', onKill);
    source.off('view', onZooKeeper);
  });
};
