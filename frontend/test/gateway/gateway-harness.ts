/** A gateway over fakes: fake discovery, fake leader streams, fake leader kill route. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LeaderKillRequest } from '@zkviz/shared';
import { buildGateway, type Gateway } from '../../src/gateway/app.js';
import type { JsonReply } from '@zkviz/shared/net';
import { FakeDiscovery, FakeLeaderClient, FakeStreams, registered, snapshotMsg } from './fixtures.js';

export interface Harness extends Gateway {
  discovery: FakeDiscovery;
  streams: FakeStreams;
  leaderClient: FakeLeaderClient;
  /** Registry names leader `seq` and its stream delivers a snapshot over `nodes`. */
  leadWith(seq: number, nodes: number[]): void;
}

export function fakePageDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'zkviz-page-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>zkviz</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  return dir;
}

export async function buildHarness(
  options: {
    answer?: (r: LeaderKillRequest) => JsonReply | Error;
    staticDir?: string;
    allowedOrigins?: string[];
    rateLimit?: number;
    recordingOn?: boolean;
    controlToken?: string | null;
    scenariosDir?: string;
  } = {},
): Promise<Harness> {
  const discovery = new FakeDiscovery();
  const streams = new FakeStreams();
  const leaderClient = new FakeLeaderClient(options.answer ?? ((r) => ({ statusCode: 202, body: { id: r.target, mode: r.mode, routedVia: 'leader' } })));
  const gateway = await buildGateway({
    config: {
      staticDir: options.staticDir ?? '/nonexistent',
      allowedOrigins: options.allowedOrigins ?? [],
      killRateLimitPerMinute: options.rateLimit ?? 1000,
      logLevel: 'silent',
      ...(options.recordingOn === undefined ? {} : { recordingOn: options.recordingOn }),
      controlToken: options.controlToken ?? null,
      ...(options.scenariosDir === undefined ? {} : { scenariosDir: options.scenariosDir }),
    },
    createDiscovery: () => discovery,
    createStreamConnector: () => streams.connector,
    leaderClient,
    logger: false,
  });
  await gateway.app.ready();
  return {
    ...gateway,
    discovery,
    streams,
    leaderClient,
    leadWith(seq, nodes) {
      discovery.announce(registered(seq));
      streams.latest.handlers.onMessage(snapshotMsg(seq, nodes));
    },
  };
}
