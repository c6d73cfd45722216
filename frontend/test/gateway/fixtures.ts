/** Builders shared by the gateway tests. */
import { EventEmitter } from 'node:events';
import type { ClusterSnapshot, LeaderKillRequest, LeaderStreamMessage, NodeClaim } from '@zkviz/shared';
import type { DiscoveryEvents, LeaderDiscovery } from '../../src/gateway/discovery/types.js';
import type { RegisteredLeader } from '@zkviz/shared';
import type { JsonReply } from '@zkviz/shared/net';
import type { LeaderClient } from '../../src/gateway/leader-client/kill-client.js';
import type { StreamConnector, StreamHandlers } from '../../src/gateway/leader-client/stream-client.js';

/** The /election incarnation the fakes announce unless a test wipes ZooKeeper. */
export const FIRST_INCARNATION = '0x2@1000';

/** A valid election znode name for sequence `seq`. */
export function nodeId(seq: number, prefix = 'a'): string {
  return `${prefix.repeat(32).slice(0, 32)}-n_${String(seq).padStart(10, '0')}`;
}

export function registered(seq: number, port = 7000 + seq): RegisteredLeader {
  return { id: nodeId(seq), fencingToken: seq, address: `127.0.0.1:${port}` };
}

export function node(seq: number, role: NodeClaim['role'], watching: number | null): NodeClaim {
  return {
    id: nodeId(seq),
    sequence: seq,
    role,
    watching: watching === null ? null : nodeId(watching),
    address: `127.0.0.1:${7000 + seq}`,
    startedAt: 1,
    pid: 100 + seq,
    inCoordinatorsRegistry: role === 'leader',
    inWorkersRegistry: role === 'worker',
  };
}

/** A snapshot led by `leaderSeq` over nodes with the given sequences (chain: each watches its predecessor). */
export function snapshot(leaderSeq: number, seqs: number[], version = 1): ClusterSnapshot {
  const sorted = [...seqs].sort((a, b) => a - b);
  return {
    leader: nodeId(leaderSeq),
    fencingToken: leaderSeq,
    version,
    generatedAt: 1000,
    nodes: sorted.map((s, i) => node(s, s === leaderSeq ? 'leader' : 'worker', i === 0 ? null : (sorted[i - 1] ?? null))),
  };
}

export function snapshotMsg(leaderSeq: number, seqs: number[], version = 1): LeaderStreamMessage {
  return { type: 'snapshot', snapshot: snapshot(leaderSeq, seqs, version) };
}

export function heartbeatMsg(leaderSeq: number, at = 1): LeaderStreamMessage {
  return { type: 'heartbeat', leader: nodeId(leaderSeq), fencingToken: leaderSeq, at };
}

export class FakeDiscovery extends EventEmitter<DiscoveryEvents> implements LeaderDiscovery {
  started = false;
  stopped = false;
  start(): void {
    this.started = true;
  }
  stop(): void {
    this.stopped = true;
  }
  /** `electionIncarnation`: the life of /election the read is in (one fixed life unless a test wipes). */
  announce(leader: RegisteredLeader | null, electionIncarnation: string | null = FIRST_INCARNATION): void {
    this.emit('registry', leader, electionIncarnation);
  }
  /** The election znodes the feed watches, and what to call when ZooKeeper deletes one. */
  readonly znodeWatches = new Map<string, (at: number) => void>();
  watchElectionZnode(znode: string, onDeleted: (at: number) => void): void {
    this.znodeWatches.set(znode, onDeleted);
  }
  /** The registry entries the feed watches (the leader's), and what to call when one goes. */
  readonly registryWatches = new Map<string, (at: number) => void>();
  watchRegistryEntry(znode: string, onDeleted: (at: number) => void): void {
    this.registryWatches.set(znode, onDeleted);
  }
}

/** Records every stream the feed opens; tests push messages into them by hand. */
export class FakeStreams {
  readonly opened: Array<{ leader: RegisteredLeader; handlers: StreamHandlers; stopped: boolean; standby: boolean; adopted: boolean }> = [];
  readonly connector: StreamConnector = (leader, handlers, options) => {
    const entry = { leader, handlers, stopped: false, standby: options?.standby === true, adopted: false };
    this.opened.push(entry);
    return { stop: () => void (entry.stopped = true), adopt: () => void (entry.adopted = true) };
  };
  get latest() {
    const last = this.opened.at(-1);
    if (!last) throw new Error('no stream opened');
    return last;
  }
}

export class FakeLeaderClient implements LeaderClient {
  readonly calls: Array<{ address: string; request: LeaderKillRequest }> = [];
  constructor(private readonly answer: (request: LeaderKillRequest) => JsonReply | Error) {}
  async kill(address: string, request: LeaderKillRequest): Promise<JsonReply> {
    this.calls.push({ address, request });
    const result = this.answer(request);
    if (result instanceof Error) throw result;
    return result;
  }
}
