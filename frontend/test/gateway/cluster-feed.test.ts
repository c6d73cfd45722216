import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent, ClusterView } from '@zkviz/shared';
import { ClusterFeed } from '../../src/gateway/feed/cluster-feed.js';
import type { FeedLog, FeedNotice } from '../../src/gateway/feed/types.js';
import { FakeDiscovery, FakeStreams, heartbeatMsg, nodeId, registered, snapshotMsg } from './fixtures.js';

function setup() {
  const discovery = new FakeDiscovery();
  const streams = new FakeStreams();
  const notices: FeedNotice[] = [];
  const log: FeedLog = {
    info: (obj) => notices.push(obj as FeedNotice),
    warn: () => {},
    error: () => {},
    debug: () => {},
  };
  let now = 0;
  const feed = new ClusterFeed(discovery, streams.connector, log, () => now);
  const views: ClusterView[] = [];
  const events: ClusterEvent[] = [];
  feed.on('view', (v) => views.push(v));
  feed.on('event', (e) => events.push(e));
  feed.start();
  return { discovery, streams, feed, notices, views, events, at: (t: number) => void (now = t) };
}

/** A feed that also opens standby streams (main.ts does), on its own fake connector. */
function setupWithStandby() {
  const discovery = new FakeDiscovery();
  const streams = new FakeStreams();
  const standbys = new FakeStreams();
  const notices: FeedNotice[] = [];
  const log: FeedLog = { info: (obj) => notices.push(obj as FeedNotice), warn: () => {}, error: () => {}, debug: () => {} };
  const feed = new ClusterFeed(discovery, streams.connector, log, () => 0, standbys.connector);
  feed.start();
  return { discovery, streams, standbys, feed, notices };
}

describe('cluster feed: the standby stream to the node next in line', () => {
  it('opens one to the row behind the leader, holds what it sends until the registry names it, then adopts it without a new connection', () => {
    const t = setupWithStandby();
    t.discovery.announce(registered(1));
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2, 3]));
    assert.equal(t.standbys.opened.length, 1);
    const standby = t.standbys.latest;
    assert.equal(standby.leader.id, nodeId(2));
    assert.equal(standby.standby, true);

    // The leader goes: leaderless, the standby is kept.
    t.discovery.announce(null);
    assert.equal(t.feed.view.status, 'leaderless');
    assert.equal(standby.stopped, false, 'kept between leaders');
    // Node 2 acts and its first snapshot comes before the registry read names it: held, not applied.
    standby.handlers.onMessage(snapshotMsg(2, [2, 3]));
    assert.equal(t.feed.view.status, 'leaderless', 'nothing counts before the registry names it');

    t.discovery.announce(registered(2));
    assert.equal(t.streams.opened.length, 1, 'no new connection to node 2');
    assert.equal(standby.adopted, true);
    assert.equal(t.feed.view.status, 'ok');
    assert.equal(t.feed.view.leader, nodeId(2));
    assert.ok(t.notices.some((n) => n.ev === 'leader-switched' && n.leader === nodeId(2)));
    // From now on it is the leader stream: its messages count, and a standby to node 3 opens.
    standby.handlers.onMessage(snapshotMsg(2, [2, 3, 4], 2));
    assert.equal(t.feed.view.nodes.length, 3);
    assert.equal(t.standbys.latest.leader.id, nodeId(3));
  });

  it('a standby whose node the registry does not name sends nothing that counts, and is replaced', () => {
    const t = setupWithStandby();
    t.discovery.announce(registered(1));
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2, 3]));
    const standby = t.standbys.latest;
    t.discovery.announce(null);
    standby.handlers.onMessage(snapshotMsg(2, [2, 3])); // a node that claims to lead, unregistered
    t.discovery.announce(registered(3));
    assert.equal(t.streams.latest.leader.id, nodeId(3), 'a new stream to the node the registry names');
    assert.equal(t.feed.view.status, 'leaderless', "node 2's held snapshot is never applied");
    t.streams.latest.handlers.onMessage(snapshotMsg(3, [3]));
    assert.equal(t.feed.view.leader, nodeId(3));
    assert.equal(standby.stopped, true, 'the standby to node 2 is stopped once node 3 leads without it behind');
  });

  it('a refused standby is not reopened while the same leader leads', () => {
    const t = setupWithStandby();
    t.discovery.announce(registered(1));
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2]));
    t.standbys.latest.handlers.onDown('leader answered 503');
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2, 3], 2));
    assert.equal(t.standbys.opened.length, 1, 'no retry storm against a node that says it is not next in line');
  });
});

describe('cluster feed', () => {
  it('opens one stream to the registered leader and aborts it the moment the registry moves', () => {
    const t = setup();
    assert.equal(t.discovery.started, true);
    t.discovery.announce(registered(1));
    t.discovery.announce(registered(1)); // same leader again: keep the stream
    assert.equal(t.streams.opened.length, 1);
    const first = t.streams.latest;
    first.handlers.onMessage(snapshotMsg(1, [1, 2]));
    t.discovery.announce(registered(2));
    assert.equal(first.stopped, true);
    assert.equal(t.streams.opened.length, 2);
    assert.equal(t.streams.latest.leader.id, nodeId(2));
    // The old stream's late words change nothing.
    const viewsBefore = t.views.length;
    first.handlers.onMessage(snapshotMsg(1, [1, 2, 3], 2));
    first.handlers.onDown('late');
    assert.equal(t.views.length, viewsBefore);
    assert.equal(t.feed.view.status, 'leaderless');
  });

  it('reopens the stream when the same leader re-registers at a new address', () => {
    const t = setup();
    t.discovery.announce(registered(1, 7001));
    t.discovery.announce(registered(1, 7999));
    assert.equal(t.streams.opened.length, 2);
    assert.equal(t.streams.opened[0]?.stopped, true);
  });

  it('closes the stream when the registry empties, and logs leader-lost then leader-switched', () => {
    const t = setup();
    t.discovery.announce(registered(1));
    t.at(10);
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2]));
    t.at(20);
    t.discovery.announce(null);
    assert.equal(t.streams.latest.stopped, true);
    t.at(25);
    t.discovery.announce(registered(2));
    t.at(40);
    t.streams.latest.handlers.onMessage(snapshotMsg(2, [2]));
    t.streams.latest.handlers.onMessage(heartbeatMsg(2));
    assert.deepEqual(t.notices, [
      { ev: 'leader-switched', leader: nodeId(1), fencingToken: 1, at: 10 },
      { ev: 'leader-lost', leader: nodeId(1), at: 20 },
      { ev: 'leader-switched', leader: nodeId(2), fencingToken: 2, at: 40 },
    ]);
    assert.deepEqual(t.feed.view.lastFailover, {
      from: nodeId(1),
      to: nodeId(2),
      durationMs: 20,
      at: 40,
      mode: null,
      phases: [{ name: 'gateway-switched', at: 40, by: 'gateway', how: 'first snapshot of the new leader accepted' }],
    });
    assert.deepEqual(
      t.views.map((v) => v.status),
      ['ok', 'leaderless', 'ok'],
    );
  });

  it("stamps a crashed leader's session-expired from ZooKeeper's expiry time in the ZooKeeper view", () => {
    const t = setup();
    t.discovery.announce(registered(1));
    t.at(10);
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2]));
    t.at(15);
    t.feed.recordKill(nodeId(1), 'crash');
    t.at(20);
    t.discovery.announce(null);
    // The ghost's session as the ZooKeeper view reports it (the other session is the successor's).
    const ghost = { id: '0x1001', timeoutMs: 1000, owner: nodeId(1), server: null, connected: false, expiresAt: 1_020, ephemerals: [], watches: [] };
    const alive = { ...ghost, id: '0x1002', owner: nodeId(2), server: 'zk:2181', connected: true, expiresAt: 5_000 };
    t.feed.setZooKeeperView({
      servers: [],
      quorum: { size: 1, up: 1, holds: true },
      sessions: [ghost, alive],
      znodes: [],
      updatedAt: 21,
      source: ['cons', 'dump'],
      problems: [],
    });
    t.at(1_030);
    t.discovery.announce(registered(2));
    t.streams.latest.handlers.onMessage(snapshotMsg(2, [2]));
    const phases = t.feed.view.lastFailover?.phases.map((p) => [p.name, p.at, p.by]);
    assert.deepEqual(
      phases?.filter(([name]) => name === 'session-expired' || name === 'kill-requested'),
      [
        ['kill-requested', 15, 'gateway'],
        ['session-expired', 1_020, 'zookeeper'],
      ],
    );
  });

  it('pushes every view with a higher seq: tracker changes, slot-only changes and late failover phases alike', () => {
    const t = setup();
    t.discovery.announce(registered(1));
    t.streams.latest.handlers.onMessage(snapshotMsg(1, [1, 2]));
    t.at(20);
    t.discovery.announce(registered(2));
    t.at(40);
    t.streams.latest.handlers.onMessage(snapshotMsg(2, [2]));
    const slot = {
      slot: 'node-2',
      state: 'running',
      znode: nodeId(2),
      pid: 2,
      since: 1,
      until: null,
      supervisor: '127.0.0.1:7001',
      lastExit: null,
      updatedAt: 1,
    } as const;
    t.feed.setSlots([slot]);
    t.feed.setSlots([{ ...slot, state: 'frozen', since: 50, until: 150 }]);
    const before = t.views.length;
    // ZooKeeper's deletion notification for the old leader's znode arrives after the switch.
    t.discovery.znodeWatches.get(nodeId(1))!(30);
    assert.equal(t.views.length, before + 1, 'the late phase is pushed');
    assert.ok(t.views.at(-1)!.lastFailover!.phases.some((p) => p.name === 'znode-deleted'));
    assert.ok(t.discovery.registryWatches.has(nodeId(2)), 'the new leader’s registry entry is watched too (a graceful stop’s session-closed)');
    const seqs = t.views.map((v) => v.seq);
    assert.ok(
      seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
      `seq must increase with every pushed view: ${seqs.join(', ')}`,
    );
    assert.equal(t.feed.view, t.views.at(-1), 'GET /api/cluster answers the view last pushed');
  });

  it('stops discovery and the stream on stop', () => {
    const t = setup();
    t.discovery.announce(registered(1));
    t.feed.stop();
    assert.equal(t.discovery.stopped, true);
    assert.equal(t.streams.latest.stopped, true);
  });

  it('keeps the last 50 events', () => {
    const t = setup();
    for (let i = 0; i < 60; i++) t.feed.recordKill(nodeId(i), 'crash');
    assert.equal(t.feed.recentEvents.length, 50);
    assert.equal(t.feed.recentEvents[0]?.nodeId, nodeId(10));
  });
});
