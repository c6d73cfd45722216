import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { COORDINATORS_REGISTRY_PATH, ELECTION_PATH, WORKERS_REGISTRY_PATH, type ClusterSnapshot } from '@zkviz/shared';
import { ZOK, type Watcher, type ZkConnection } from '@zkviz/shared/zk';
import { ClusterObserver } from '../src/leadership/observer.js';

const LEADER = `${'a'.repeat(32)}-n_0000000001`;
const ENTRY = `${COORDINATORS_REGISTRY_PATH}/${LEADER}`;

/**
 * A ZooKeeper that lists one leader and answers every read at once, except the reads of the
 * leader's coordinators entry: those wait until the test answers them, so a refresh can land while
 * the listing's own read is still out. The answers are the promises the observer awaits: a test
 * that awaits one after the observer did resumes after the observer's own continuation (a
 * promise's reactions run in the order they were registered); `answersTakenIn` awaits every
 * answer given so far that way, so what the observer read next because of them has been asked.
 */
function fakeZk(coordinators: string[] = [LEADER]) {
  const entryReads: { watcher?: Watcher; answer: () => void }[] = [];
  const answered: Promise<unknown>[] = [];
  const answers = <T>(promise: Promise<T>): Promise<T> => {
    answered.push(promise);
    return promise;
  };
  let coordinatorsWatcher: Watcher | undefined;
  const zk = {
    getChildren(path: string, watcher?: Watcher) {
      if (path === COORDINATORS_REGISTRY_PATH) coordinatorsWatcher = watcher;
      const children = path === ELECTION_PATH ? [LEADER] : path === COORDINATORS_REGISTRY_PATH ? [...coordinators] : path === WORKERS_REGISTRY_PATH ? [] : [];
      return answers(Promise.resolve({ rc: ZOK, children }));
    },
    getData(path: string, watcher?: Watcher) {
      if (path !== ENTRY) return answers(Promise.resolve({ rc: ZOK, data: Buffer.from(JSON.stringify({ id: LEADER, address: '127.0.0.1:1' })) }));
      let answer = (): void => {};
      const read = new Promise<{ rc: number; data?: Buffer }>((resolve) => {
        answer = () => {
          resolve({ rc: ZOK, data: Buffer.from(JSON.stringify({ id: LEADER, address: '127.0.0.1:1', role: 'leader' })) });
          answered.push(read);
        };
      });
      entryReads.push({ watcher, answer });
      return read;
    },
    ensurePath: () => Promise.resolve({ rc: ZOK }),
  };
  /** A registry entry created: the coordinators child watch fires; `relisted`: it fires with nothing changed. */
  const registry = {
    created(name: string) {
      coordinators.push(name);
      coordinatorsWatcher?.('child', COORDINATORS_REGISTRY_PATH);
    },
    relisted() {
      coordinatorsWatcher?.('child', COORDINATORS_REGISTRY_PATH);
    },
  };
  const answersTakenIn = () => Promise.all(answered);
  return { zk: zk as unknown as ZkConnection, entryReads, answersTakenIn, registry };
}

describe('cluster observer', () => {
  it("a refresh while its own entry's read is out awaits that read: one read, one data watch", async () => {
    const { zk, entryReads, answersTakenIn } = fakeZk();
    const observer = new ClusterObserver(zk, LEADER, () => undefined);
    observer.start();
    await answersTakenIn();
    assert.equal(entryReads.length, 1, 'the listing reads the entry once');

    observer.refresh();
    await answersTakenIn();
    assert.equal(entryReads.length, 1, 'the refresh sent no second read (its watch would double every change callback)');

    const snapshot = once(observer, 'snapshot') as Promise<[ClusterSnapshot]>;
    entryReads[0]!.answer();
    const [first] = await snapshot;
    assert.equal(first.nodes.find((n) => n.id === LEADER)?.role, 'leader', 'the snapshot waited for the entry and marks its leader');
    observer.stop();
  });

  it('a refresh with the data we wrote sends the first snapshot at once, before the read answers, and no second read', async () => {
    // A warm standby: its first reads are long done (no entry of ours then); our create fires its
    // child watch, and that listing's read of our entry is still out when we act.
    const { zk, entryReads, answersTakenIn, registry } = fakeZk([]);
    const observer = new ClusterObserver(zk, LEADER, () => undefined);
    const loaded = once(observer, 'snapshot') as Promise<[ClusterSnapshot]>;
    observer.start();
    const [standby] = await loaded;
    assert.equal(standby.nodes.find((n) => n.id === LEADER)?.role, 'candidate', 'loaded, with no entry of ours yet');
    registry.created(LEADER);
    await answersTakenIn();
    assert.equal(entryReads.length, 1, "the child watch's listing reads our entry");
    const snapshot = once(observer, 'snapshot') as Promise<[ClusterSnapshot]>;
    observer.refresh(JSON.stringify({ id: LEADER, address: '127.0.0.1:1', role: 'leader' }));
    const [first] = await snapshot;
    assert.equal(first.nodes.find((n) => n.id === LEADER)?.role, 'leader', 'marked leader before the read answers');
    assert.equal(entryReads.length, 1, 'the read in flight arms the data watch; no second one');
    observer.stop();
  });

  it('a listing with nothing new and a re-read of the same bytes make no new snapshot (each would be a view on every page)', async (t) => {
    const { zk, entryReads, answersTakenIn, registry } = fakeZk();
    const observer = new ClusterObserver(zk, LEADER, () => undefined);
    let snapshots = 0;
    observer.on('snapshot', () => snapshots++);
    const loaded = once(observer, 'snapshot');
    observer.start();
    await answersTakenIn();
    entryReads[0]!.answer();
    await loaded;
    // From here a snapshot the observer schedules waits on the mocked setImmediate, until tick(0).
    t.mock.timers.enable({ apis: ['setImmediate'] });
    registry.relisted();
    entryReads[0]!.watcher?.('changed', ENTRY); // the data watch fires; the entry reads the same
    assert.equal(entryReads.length, 2, 'the data watch re-read the entry');
    entryReads[1]!.answer();
    await answersTakenIn(); // the observer has taken in the relisting and the re-read's answer
    t.mock.timers.tick(0); // lets out any snapshot those two scheduled
    assert.equal(snapshots, 1, 'only the first snapshot');
    observer.stop();
  });

  it('a refresh with the entry not listed yet reads it, and the snapshot waits for it', async () => {
    const { zk, entryReads, answersTakenIn } = fakeZk();
    const observer = new ClusterObserver(zk, LEADER, () => undefined);
    observer.refresh();
    await answersTakenIn();
    assert.equal(entryReads.length, 1);
    const snapshot = once(observer, 'snapshot') as Promise<[ClusterSnapshot]>;
    observer.start();
    await answersTakenIn();
    assert.equal(entryReads.length, 1, "the listing found the refresh's read in flight");
    entryReads[0]!.answer();
    const [first] = await snapshot;
    assert.equal(first.nodes.find((n) => n.id === LEADER)?.role, 'leader');
    observer.stop();
  });
});
