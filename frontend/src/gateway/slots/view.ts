/**
 * Pure: the slots joined into the leader's view, and the timeline entries a change of the slot
 * records means. No I/O, no clock.
 */
import { shortId, type ClusterEvent, type ClusterView, type SlotRecord, type SlotView } from '@zkviz/shared';

export function slotViews(records: readonly SlotRecord[]): SlotView[] {
  return records.map(({ slot, state, znode, pid, since, until }) => ({ slot, state, znode, pid, since, until }));
}

/**
 * The view with `slots` and every node's `slot` (matched by election znode, which the supervisor
 * learns from its node).
 */
export function withSlots(view: ClusterView, records: readonly SlotRecord[]): ClusterView {
  const byZnode = new Map(records.filter((r) => r.znode).map((r) => [r.znode!, r.slot]));
  return {
    ...view,
    nodes: view.nodes.map((n) => ({ ...n, slot: byZnode.get(n.id) ?? null })),
    slots: slotViews(records),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function transition(before: SlotRecord, after: SlotRecord, at: number): ClusterEvent | null {
  const who = (r: SlotRecord) => (r.znode ? `${r.slot} (${shortId(r.znode)})` : r.slot);
  const nodeId = after.znode ?? before.znode;
  const ev = (kind: ClusterEvent['kind'], text: string): ClusterEvent => ({ at, kind, nodeId, text });
  const left = after.until !== null ? seconds(after.until - after.since) : '';
  switch (after.state) {
    case 'frozen':
      return ev('node-frozen', `${who(before)} frozen for ${left} (SIGSTOP)`);
    case 'partitioned':
      return ev('node-partitioned', `${who(before)} cut off from ZooKeeper for ${left}`);
    case 'crashed':
      return ev('node-crashed', `${who(before)} crashed (${after.lastExit ?? 'exited'})`);
    case 'stopped':
      return ev('node-stopped', `${who(before)} stopped (${after.lastExit ?? 'exited'})`);
    case 'starting':
      return before.state === 'stopped' || before.state === 'crashed' ? ev('node-restarting', `${after.slot} restarting its node`) : null;
    case 'running':
      if (before.state === 'frozen') return ev('node-resumed', `${who(after)} resumed (SIGCONT)`);
      if (before.state === 'partitioned') return ev('node-healed', `${who(after)} reconnected to ZooKeeper (partition healed)`);
      if (before.state === 'starting' && after.lastExit !== null) return ev('node-restarted', `${after.slot} runs a new node`);
      return null;
  }
}

/** Timeline entries for what changed between two reads of the slot records. */
export function slotEvents(before: readonly SlotRecord[], after: readonly SlotRecord[], at: number): ClusterEvent[] {
  const old = new Map(before.map((r) => [r.slot, r]));
  const now = new Set(after.map((r) => r.slot));
  const events: ClusterEvent[] = [];
  for (const record of after) {
    const previous = old.get(record.slot);
    if (!previous) {
      events.push({ at, kind: 'slot-added', nodeId: record.znode, text: `Slot ${record.slot} added` });
      continue;
    }
    // One read may cover several changes (a 100 ms freeze read once, after the thaw): `since` moved.
    if (previous.state === record.state && previous.since === record.since) continue;
    const e = transition(previous, record, at);
    if (e) events.push(e);
  }
  for (const record of before) {
    if (!now.has(record.slot)) events.push({ at, kind: 'slot-gone', nodeId: record.znode, text: `Slot ${record.slot} is gone (its supervisor stopped)` });
  }
  return events;
}
