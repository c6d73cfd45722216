/**
 * Timeline entries of the layer beneath the election: what ZooKeeper's own servers did between
 * two ZooKeeperViews. Pure — the previous memory and the new view in, entries and the next memory
 * out — so it is unit-tested on views built from recorded ensemble answers.
 *
 *  - `zookeeper-leader-changed`: the ensemble's leader (ZAB) is another server, or the same one in
 *    a new epoch (a new leader always starts one: the zxid's high 32 bits). Views between the two
 *    (no leader while they elect, no quorum) keep the last leader in memory, so a stop of the
 *    leader is one entry once the new one serves.
 *  - `session-moved`: a node's session (same id) now has its connection on another server: its
 *    server went down or it was cut off from it, and it reconnected in time, its znodes kept.
 */
import { shortId, type ClusterEvent, type ZooKeeperView } from '@zkviz/shared';

export interface ZooKeeperMemory {
  /** The last leader seen, kept through views without one. */
  leader: { id: number; epoch: number } | null;
  /** Node sessions → the server id holding their connection when last connected. */
  sessions: ReadonlyMap<string, number>;
}

/** Sessions remembered at most (a cluster's own are far fewer; this bounds ended ones). */
const MAX_REMEMBERED_SESSIONS = 1024;

export const INITIAL_ZOOKEEPER_MEMORY: ZooKeeperMemory = { leader: null, sessions: new Map() };

/** The serving leader of an ensemble, the highest epoch if two claim it (an old one not yet told). */
function leaderOf(view: ZooKeeperView): { id: number; epoch: number } | null {
  let best: { id: number; epoch: number } | null = null;
  for (const s of view.servers) {
    if (s.state === 'down' || s.mode !== 'leader' || s.epoch === null) continue;
    if (!best || s.epoch > best.epoch) best = { id: s.id, epoch: s.epoch };
  }
  return best;
}

export function zookeeperEvents(memory: ZooKeeperMemory, view: ZooKeeperView, at: number): { memory: ZooKeeperMemory; events: ClusterEvent[] } {
  const events: ClusterEvent[] = [];

  const leader = leaderOf(view) ?? memory.leader;
  const was = memory.leader;
  if (leader && was && (leader.id !== was.id || leader.epoch !== was.epoch)) {
    const text =
      leader.id === was.id
        ? `ZooKeeper server ${leader.id} leads the ensemble again, in epoch ${leader.epoch} (was ${was.epoch})`
        : `ZooKeeper server ${leader.id} leads the ensemble now, epoch ${leader.epoch} (was server ${was.id}, epoch ${was.epoch})`;
    events.push({ at, kind: 'zookeeper-leader-changed', nodeId: null, text });
  }

  const serverIds = new Map(view.servers.map((s) => [s.address, s.id]));
  const sessions = new Map<string, number>();
  for (const session of view.sessions) {
    if (session.owner === 'gateway') continue;
    const before = memory.sessions.get(session.id);
    const now = session.connected && session.server !== null ? serverIds.get(session.server) : undefined;
    if (now === undefined) {
      // Not connected right now (moving, or a ghost): remember where it was until it shows up again.
      if (before !== undefined) sessions.set(session.id, before);
      continue;
    }
    sessions.set(session.id, now);
    // The owner can be unknown in one read (the gateway's own session moving: no znodes read);
    // where the session was is remembered all the same, and a move is told once the owner is known.
    const owner = session.owner;
    if (owner !== null && before !== undefined && before !== now) {
      events.push({
        at,
        kind: 'session-moved',
        nodeId: owner,
        text: `${shortId(owner)}'s session ${session.id} moved from ZooKeeper server ${before} to server ${now}`,
      });
    }
  }
  // A partial read can leave a session out altogether: keep where it was (bounded; ended sessions
  // fall out as newer ones fill the memory).
  const inView = new Set(view.sessions.map((s) => s.id));
  for (const [id, server] of memory.sessions) {
    if (sessions.size >= MAX_REMEMBERED_SESSIONS) break;
    if (!inView.has(id)) sessions.set(id, server);
  }
  return { memory: { leader, sessions }, events };
}
