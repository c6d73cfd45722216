/** The lower layer in words, on views recorded from a real 3-server ensemble (the compose sandbox, fixtures/ensemble-views.json). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ZooKeeperView } from '@zkviz/shared';
import { NO_QUORUM, quorumSentence, roleOf, sessionsOn } from '../../src/web/zookeeper/ensemble.js';

type Recorded = Record<'full' | 'leaderJustDown' | 'electing' | 'newLeader' | 'noQuorum', ZooKeeperView>;
const views = JSON.parse(readFileSync(new URL('./fixtures/ensemble-views.json', import.meta.url), 'utf8')) as Recorded;
const sentence = (v: ZooKeeperView) => quorumSentence(v.quorum, v.servers);

describe('the quorum in words', () => {
  it('all three up: just the count', () => {
    assert.deepEqual(sentence(views.full), { tone: 'full', count: '3 of 3 up', meaning: null });
  });

  it('the leader stopped, the others still serving: the quorum holds', () => {
    assert.deepEqual(sentence(views.leaderJustDown), { tone: 'holds', count: '2 of 3 up', meaning: 'quorum holds' });
    assert.deepEqual(sentence(views.newLeader), { tone: 'holds', count: '2 of 3 up', meaning: 'quorum holds' });
  });

  it('two up but not serving yet: electing, not lost', () => {
    const s = sentence(views.electing)!;
    assert.equal(s.tone, 'electing');
    assert.equal(s.count, '2 of 3 up');
    assert.match(s.meaning!, /electing a ZooKeeper leader/);
  });

  it('one of three: no quorum, and what that does to the nodes', () => {
    assert.deepEqual(sentence(views.noQuorum), { tone: 'lost', count: '1 of 3 up', meaning: NO_QUORUM });
    assert.equal(
      `${sentence(views.noQuorum)!.count}: ${NO_QUORUM}`,
      '1 of 3 up: no quorum — ZooKeeper refuses every request; every node is suspended; nobody leads',
    );
  });

  it('a standalone server says there is no ZAB election beneath', () => {
    const one = { ...views.full.servers[0]!, mode: 'standalone' as const };
    assert.match(quorumSentence({ size: 1, up: 1, holds: true }, [one])!.meaning!, /standalone/);
    assert.equal(quorumSentence({ size: 0, up: 0, holds: false }, []), null, 'no servers, no sentence');
  });
});

describe('which nodes are on which server', () => {
  for (const name of ['full', 'newLeader'] as const) {
    it(`${name}: every connected session is on exactly one card, nothing on a down server`, () => {
      const v = views[name];
      const connected = v.sessions.filter((s) => s.connected === true);
      const placed = v.servers.flatMap((server) => sessionsOn(server, v.sessions).map((c) => c.session));
      assert.deepEqual(placed.sort(), connected.map((s) => s.id).sort());
      for (const server of v.servers.filter((s) => s.state === 'down')) assert.deepEqual(sessionsOn(server, v.sessions), []);
      const nodes = connected.filter((s) => s.owner !== null && s.owner !== 'gateway').map((s) => s.owner);
      assert.equal(new Set(nodes).size, nodes.length, 'no node on two cards');
      // Right after the ZAB election one node had not reconnected yet (recorded so).
      assert.equal(nodes.length, name === 'full' ? 4 : 3);
    });
  }
});

describe('the role on a card', () => {
  it('names the ZAB role, down, or not serving while electing', () => {
    assert.deepEqual(views.full.servers.map(roleOf).sort(), ['follower', 'follower', 'leader']);
    assert.deepEqual(views.electing.servers.map(roleOf), ['not serving', 'not serving', 'down']);
  });
});
