import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterViewProblem, zookeeperViewProblem, type ClusterView, type ServerMessage } from '@zkviz/shared';
import { isSettled } from './common.js';
import { ClusterFeed, type FeedStep } from './page-feed.js';

const views = (steps: FeedStep[]) => steps.flatMap((s) => (s.message.type === 'snapshot' ? [s.message.view] : []));
const last = (steps: FeedStep[]): ClusterView => views(steps).pop()!;

function assertValid(steps: FeedStep[]): void {
  for (const { message } of steps) {
    const m = message as Extract<ServerMessage, { type: 'snapshot' | 'zookeeper' }>;
    if (m.type === 'snapshot') assert.equal(clusterViewProblem(m.view), null);
    if (m.type === 'zookeeper') assert.equal(zookeeperViewProblem(m.view), null);
  }
}

test('a settled feed of 100 nodes is a settled chain the recording validators accept', () => {
  const feed = new ClusterFeed(100, 1_000);
  const steps = feed.settled(1_000);
  assertValid(steps);
  const view = last(steps);
  assert.equal(view.nodes.length, 100);
  assert.ok(isSettled(view, 100));
  assert.equal(view.slots.length, 100);
});

test('a graceful failover shows the successor leading in the marked step, and the restart brings the chain back to its size', () => {
  const feed = new ClusterFeed(12, 1_000);
  const old = feed.leader;
  feed.settled(1_000);
  const failover = feed.gracefulFailover(5_000);
  assertValid(failover);
  const marked = failover.filter((s) => s.newLeader);
  assert.equal(marked.length, 1);
  const shown = (marked[0]!.message as Extract<ServerMessage, { type: 'snapshot' }>).view;
  assert.notEqual(shown.leader, old);
  assert.equal(shown.nodes.find((n) => n.role === 'leader')?.id, shown.leader);
  // Before the marked step, no snapshot shows a leader other than the old one.
  const before = views(failover.slice(0, failover.indexOf(marked[0]!)));
  assert.ok(before.every((v) => v.leader === null || v.leader === old));
  assert.equal(shown.lastFailover?.from, old);
  assert.equal(shown.slots.filter((s) => s.state === 'stopped').length, 1);

  const restart = feed.restart(7_000);
  assertValid(restart);
  const back = last(restart);
  assert.ok(isSettled(back, 12));
  assert.ok(back.slots.every((s) => s.state === 'running'));
  const seqs = [...views(failover), ...views(restart)].map((v) => v.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
});
