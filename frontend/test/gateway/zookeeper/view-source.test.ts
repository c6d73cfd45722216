/** The view source over a fake four-letter-word sender that replays answers recorded from ZooKeeper 3.8. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import type { ZooKeeperView } from '@zkviz/shared';
import type { FourLetterAnswer, FourLetterWord } from '@zkviz/shared/zk/four-letter';
import { ZooKeeperViewSource } from '../../../src/gateway/zookeeper/view-source.js';

const fixture = (name: string) => readFileSync(new URL(`../../../../shared/test/fixtures/zookeeper-3.8/${name}.txt`, import.meta.url), 'utf8');
const log = { info() {}, warn() {}, error() {}, debug() {} };
const CRASHED = '0x100000d896e0000';

function nextView(source: ZooKeeperViewSource, until: (v: ZooKeeperView) => boolean): Promise<ZooKeeperView> {
  return new Promise((resolve) => {
    const on = (v: ZooKeeperView) => {
      if (!until(v)) return;
      source.off('view', on);
      resolve(v);
    };
    source.on('view', on);
  });
}

/**
 * A started source, its first read done, whose fake server counts `srvr` words (one per full
 * read), on `clock`. With `laterReadsChange`, reads after the first answer as after a crash (a
 * session has lost its connection), so the next read makes a new view that a test can await.
 */
async function startedCountingSource(clock: { now: number }, laterReadsChange = false) {
  const reads = { count: 0 };
  const send = async (_h: string, _p: number, word: FourLetterWord): Promise<FourLetterAnswer> => {
    if (word === 'srvr') reads.count++;
    const crashed = laterReadsChange && reads.count > 1 && ['cons', 'dump', 'wchc'].includes(word);
    return { ok: true, word, text: fixture(crashed ? `${word}-after-crash` : word), ms: 0 };
  };
  const source = new ZooKeeperViewSource({ connectString: '127.0.0.1:2181', zk: null, log, send, intervalMs: 3_600_000, now: () => clock.now });
  const readsDone = () => source.idle();
  const first = nextView(source, () => true);
  source.start();
  await first;
  await readsDone();
  return { source, reads, readsDone };
}

describe('ZooKeeperViewSource', () => {
  // The source's timers are unref'd (a gateway's server keeps the process alive); here nothing else does.
  let keepAlive: NodeJS.Timeout;
  before(() => {
    keepAlive = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(keepAlive));

  it('a pending crash kill: cons polled quickly, the ghost published from it', async () => {
    let crashed = false;
    const asked: FourLetterWord[] = [];
    const send = async (_h: string, _p: number, word: FourLetterWord): Promise<FourLetterAnswer> => {
      asked.push(word);
      const name = crashed && ['cons', 'dump', 'wchc'].includes(word) ? `${word}-after-crash` : word;
      return { ok: true, word, text: fixture(name), ms: 0 };
    };
    const source = new ZooKeeperViewSource({ connectString: '127.0.0.1:2181', zk: null, log, send, intervalMs: 3_600_000 });
    const firstView = nextView(source, () => true);
    source.start();
    const first = await firstView;
    assert.ok(first.sessions.find((s) => s.id === CRASHED)?.connected);
    const fullReads = asked.filter((w) => w === 'dump').length;
    source.expectExit('ce46ca11240e130023c670c7c45986ab-n_0000000001', 'crash');
    crashed = true;
    const ghost = await nextView(source, (v) => v.sessions.some((s) => s.id === CRASHED && s.connected === false));
    assert.ok(asked.filter((w) => w === 'cons').length > fullReads, 'cons was polled on its own');
    assert.ok(ghost.sessions.find((s) => s.id === CRASHED)!.expiresAt !== null);
    source.stop();
  });

  it('refusing, hanging and garbage servers: a view with problems, never a throw', async () => {
    const send = async (host: string, port: number, word: FourLetterWord): Promise<FourLetterAnswer> => {
      if (port === 1) return { ok: false, word, failure: 'refused', message: `${word} is not executed because it is not in the whitelist.`, ms: 0 };
      if (port === 2) return { ok: false, word, failure: 'timeout', message: `no answer from ${host}`, ms: 1000 };
      return { ok: true, word, text: '\u0000\u0001 not zookeeper', ms: 0 };
    };
    const source = new ZooKeeperViewSource({ connectString: 'a:1,b:2,c:3', zk: null, log, send, intervalMs: 3_600_000 });
    const firstView = nextView(source, () => true);
    source.start();
    const view = await firstView;
    source.stop();
    assert.deepEqual(
      view.servers.map((s) => s.state),
      ['refusing', 'down', 'up'],
    );
    assert.deepEqual(view.source, []);
    assert.ok(view.problems.some((p) => p.server === 'a:1' && p.kind === 'refused' && p.fix?.includes('4lw.commands.whitelist')));
    assert.ok(view.problems.some((p) => p.server === 'b:2' && p.kind === 'timeout'));
    assert.ok(view.problems.some((p) => p.server === 'c:3' && p.kind === 'garbage'));
  });

  it('requests during a read are coalesced into one more read', async () => {
    let release!: () => void;
    const firstReadHeld = new Promise<void>((r) => (release = r));
    let firstReadAsked!: () => void;
    const firstReadOut = new Promise<void>((r) => (firstReadAsked = r));
    let reads = 0;
    const send = async (_h: string, _p: number, word: FourLetterWord): Promise<FourLetterAnswer> => {
      if (word === 'srvr' && ++reads === 1) {
        firstReadAsked();
        await firstReadHeld;
      }
      return { ok: true, word, text: fixture(word), ms: 0 };
    };
    const source = new ZooKeeperViewSource({ connectString: '127.0.0.1:2181', zk: null, log, send, intervalMs: 3_600_000 });
    const readsDone = () => source.idle();
    source.start();
    await firstReadOut;
    for (let i = 0; i < 10; i++) source.requestRefresh();
    release();
    await readsDone();
    source.stop();
    assert.equal(reads, 2, 'ten requests during the first read made exactly one more');
  });
  it('held (between leaders): requests wait for the hold to end, then make one read; the hold ending early reads at once', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = { now: 1_000 };
    const { source, reads, readsDone } = await startedCountingSource(clock);
    assert.equal(reads.count, 1);
    source.holdUntil(clock.now + 300);
    for (let i = 0; i < 5; i++) source.requestRefresh();
    // Up to just before the hold's end: any timer that would read early has fired.
    clock.now += 250;
    t.mock.timers.tick(250);
    await readsDone();
    assert.equal(reads.count, 1, 'nothing read while held');
    // The new leader arrived before the hold's end: the hold ends, the one read asked for happens.
    source.holdUntil(0);
    await readsDone();
    assert.equal(reads.count, 2, 'five requests while held made exactly one read');
    source.holdUntil(0);
    // Past the first hold's end: its timer, had it been left armed, has fired.
    clock.now += 100;
    t.mock.timers.tick(100);
    await readsDone();
    source.stop();
    assert.equal(reads.count, 2, 'ending a hold with nothing asked reads nothing');
  });
  it('held: the same hold said again (by every view between leaders) keeps the read asked for; it happens when the hold ends', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = { now: 1_000 };
    const { source, reads, readsDone } = await startedCountingSource(clock, true);
    const until = clock.now + 300;
    source.holdUntil(until);
    source.requestRefresh();
    source.holdUntil(until); // the next view, still between leaders
    // Up to just before the hold's end: any timer that would read early has fired.
    clock.now = until - 1;
    t.mock.timers.tick(299);
    await readsDone();
    assert.equal(reads.count, 1, 'nothing read while held');
    const readAfterHold = nextView(source, () => true);
    clock.now = until;
    t.mock.timers.tick(1);
    await readAfterHold;
    source.stop();
    assert.equal(reads.count, 2, "the hold's end made the read asked for while held");
  });
});
