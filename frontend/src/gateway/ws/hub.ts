/**
 * /ws: pushes the cluster view to browsers. Each change is serialised once and the same string is
 * sent to every client; each client has its own keep-latest sender so one slow laptop on the
 * classroom Wi-Fi cannot slow the others down or grow our memory.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  GATEWAY_ROUTES,
  type ClusterEvent,
  type ClusterView,
  type RecordedMessage,
  type ScenarioRunView,
  type ServerMessage,
  type ZooKeeperView,
} from '@zkviz/shared';
import type { ClusterFeed } from '../feed/cluster-feed.js';
import { DEFAULT_LIMITS, type GatewayLimits } from '../limits/config.js';
import { WsLimits } from '../limits/ws-limits.js';
import { parseClientMessage } from './client-messages.js';
import { KeepLatestSender, type Frame } from './keep-latest.js';
import { isOriginAllowed } from './origin.js';
import type { ScenarioRunner } from '../scenarios/runner.js';

const MAX_PAYLOAD_BYTES = 4 * 1024;
const HEARTBEAT_MS = 15_000;

export interface WsHubOptions {
  feed: ClusterFeed;
  allowedOrigins: readonly string[];
  heartbeatMs?: number;
  limits?: Pick<GatewayLimits, 'wsConnectionsPerAddress' | 'wsMessageBurst' | 'wsMessagesPerSecond'>;
  /** The guided scenario's narration: every viewer follows the presenter's run. */
  scenarios?: ScenarioRunner | null;
  /** Sees every broadcast as the text sent (the recorder); per-client replies are not broadcasts. */
  onBroadcast?: (sent: string, kind: RecordedMessage['type']) => void;
}

interface Client {
  socket: WebSocket;
  sender: KeepLatestSender;
  /** ZooKeeper views supersede each other like snapshots: their own keep-latest slot. */
  zookeeperSender: KeepLatestSender;
  /** A scenario run's versions supersede each other too. */
  scenarioSender: KeepLatestSender;
  alive: boolean;
  /** Over its message budget: told once, closing; every further message is ignored unread. */
  cutOff: boolean;
}

const encode = (message: ServerMessage): string => JSON.stringify(message);

const UPGRADE_REFUSALS: Record<number, { error: string; statusText: string }> = {
  403: { error: 'forbidden', statusText: 'Forbidden' },
  404: { error: 'not_found', statusText: 'Not Found' },
  429: { error: 'rate_limited', statusText: 'Too Many Requests' },
};

function rejectUpgrade(socket: Duplex, status: 403 | 404 | 429, reason: string): void {
  const { error, statusText } = UPGRADE_REFUSALS[status]!;
  const body = JSON.stringify({ error, message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\n` + 'Content-Type: application/json\r\nConnection: close\r\n' + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function installWsHub(app: FastifyInstance, options: WsHubOptions): void {
  const { feed, allowedOrigins } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, clientTracking: false });
  const clients = new Set<Client>();
  const limits = new WsLimits({ ...DEFAULT_LIMITS, ...options.limits }, app.log);
  // Broadcasts are encoded to bytes once for all clients (keep-latest.ts, Frame).
  let latestSnapshot: Frame = Buffer.from(encode({ type: 'snapshot', view: feed.view }));
  let latestZooKeeper: Frame | null = feed.zookeeper ? Buffer.from(encode({ type: 'zookeeper', view: feed.zookeeper })) : null;

  const onView = (view: ClusterView) => {
    const text = encode({ type: 'snapshot', view });
    options.onBroadcast?.(text, 'snapshot');
    latestSnapshot = Buffer.from(text);
    for (const client of clients) client.sender.sendSnapshot(latestSnapshot);
  };
  const onEvent = (event: ClusterEvent) => {
    const text = encode({ type: 'event', event });
    options.onBroadcast?.(text, 'event');
    const data = Buffer.from(text);
    for (const client of clients) client.sender.sendAlways(data);
  };
  const onZooKeeper = (view: ZooKeeperView) => {
    const text = encode({ type: 'zookeeper', view });
    options.onBroadcast?.(text, 'zookeeper');
    latestZooKeeper = Buffer.from(text);
    for (const client of clients) client.zookeeperSender.sendSnapshot(latestZooKeeper);
  };
  const scenarios = options.scenarios ?? null;
  let latestScenario = scenarios?.run ? encode({ type: 'scenario', run: scenarios.run }) : null;
  const onScenario = (run: ScenarioRunView | null) => {
    latestScenario = encode({ type: 'scenario', run });
    for (const client of clients) client.scenarioSender.sendSnapshot(latestScenario);
  };
  feed.on('view', onView);
  feed.on('event', onEvent);
  feed.on('zookeeper', onZooKeeper);
  scenarios?.on('run', onScenario);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== GATEWAY_ROUTES.ws) return rejectUpgrade(socket, 404, `no WebSocket endpoint at ${path}`);
    if (!isOriginAllowed(req.headers.origin, req.headers.host, allowedOrigins)) {
      app.log.warn({ origin: req.headers.origin, host: req.headers.host }, 'rejected WebSocket from a foreign origin');
      return rejectUpgrade(socket, 403, 'origin not allowed');
    }
    // Before ws touches the request: a client at its cap costs one status line, no WebSocket.
    const address = req.socket.remoteAddress ?? 'unknown';
    if (!limits.admit(address, socket)) return rejectUpgrade(socket, 429, `too many WebSocket connections from ${address}`);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, address));
  };
  app.server.on('upgrade', onUpgrade);

  function onConnection(socket: WebSocket, address: string): void {
    const client: Client = {
      socket,
      sender: new KeepLatestSender(socket),
      zookeeperSender: new KeepLatestSender(socket),
      scenarioSender: new KeepLatestSender(socket),
      alive: true,
      cutOff: false,
    };
    const budget = limits.messageBudget();
    clients.add(client);
    client.sender.sendSnapshot(latestSnapshot);
    if (latestZooKeeper) client.zookeeperSender.sendSnapshot(latestZooKeeper);
    if (latestScenario) client.scenarioSender.sendSnapshot(latestScenario);
    for (const event of feed.recentEvents) client.sender.sendAlways(encode({ type: 'event', event }));

    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      // O(1) before anything else: no parse, no reply, no queue for a client over its budget.
      if (client.cutOff) return;
      if (!budget.take()) {
        client.cutOff = true;
        limits.cutOff(socket, address, (reply) => client.sender.sendAlways(encode(reply)));
        return;
      }
      const parsed = isBinary ? null : parseClientMessage(data.toString());
      if (parsed?.ok) {
        client.sender.sendAlways(encode({ type: 'pong', at: Date.now() }));
        return;
      }
      const reply: ServerMessage = parsed?.reply ?? { type: 'error', error: 'bad_message', message: 'binary messages are not supported' };
      client.sender.sendAlways(encode(reply));
    });
    socket.on('close', () => clients.delete(client));
    // Oversized frames (maxPayload) and protocol errors end up here; ws closes the socket itself.
    socket.on('error', (err) => app.log.debug({ err: err.message }, 'WebSocket client error'));
  }

  // A laptop that closed its lid never sends a close frame; unanswered pings find it.
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    app.server.off('upgrade', onUpgrade);
    feed.off('view', onView);
    feed.off('event', onEvent);
    feed.off('zookeeper', onZooKeeper);
    scenarios?.off('run', onScenario);
    for (const client of clients) client.socket.close(1001, 'gateway shutting down');
    clients.clear();
    wss.close();
  });
}
