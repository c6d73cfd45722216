/**
 * The election state machine, event by event, without ZooKeeper. Each test feeds the events a
 * real session would produce and checks the commands that come out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZCONNECTIONLOSS, ZNODEEXISTS, ZNONODE, ZOK } from '@zkviz/shared/zk';
import { electionPhase, step, type ElectionEvent } from '../src/election/machine.js';

import { ME, MINE5, OTHER1, OTHER2, SESSION, connected, created, listed, name, run, types } from './machine-fixtures.js';

/** A node that has joined and is following OTHER2 (epoch 1). */
function following() {
  return run([connected, created(), listed(1, [OTHER1, OTHER2, MINE5]), { type: 'watchSet', sessionId: SESSION, epoch: 1, znode: OTHER2, rc: ZOK }]);
}

/** A node that leads and acts (epoch 1). */
function leading() {
  return run([
    connected,
    created(),
    listed(1, [MINE5]),
    { type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: SESSION },
    { type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZOK },
  ]);
}

test('a new session creates a protected election znode under its own candidate prefix', () => {
  const { state, commands } = run([connected]);
  assert.deepEqual(commands, [{ type: 'create', sessionId: SESSION, candidateId: ME }]);
  assert.equal(electionPhase(state), 'joining');
});

test('the only node checks it owns its znode, then registers as coordinator and only then acts', () => {
  const listedOnlyMe = run([connected, created(), listed(1, [MINE5])]);
  assert.deepEqual(types(listedOnlyMe.commands), ['create', 'list', 'checkOwner']);
  assert.equal(listedOnlyMe.state.acting, false, 'no leadership from the list alone');

  const owned = run([{ type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: SESSION }], listedOnlyMe.state);
  assert.deepEqual(types(owned.commands), ['unregister', 'register', 'publishStatus']);
  assert.deepEqual(owned.commands[0], { type: 'unregister', sessionId: SESSION, registry: 'workers', znode: MINE5 });
  assert.deepEqual(owned.commands[1], {
    type: 'register',
    sessionId: SESSION,
    registry: 'coordinators',
    znode: MINE5,
    status: { role: 'leader', watching: null, sessionId: SESSION },
  });
  assert.equal(owned.state.acting, false, 'not acting before the coordinators entry exists');

  const registered = run([{ type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZOK }], owned.state);
  assert.deepEqual(registered.commands, [{ type: 'startActing', znode: MINE5 }]);
  assert.equal(registered.state.acting, true);
});

test('a znode owned by another session is never used to lead: the session is restarted', () => {
  const { state, commands } = run([
    connected,
    created(),
    listed(1, [MINE5]),
    { type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: 'ffff' },
  ]);
  assert.equal(commands.at(-1)?.type, 'restartSession');
  assert.equal(state.role, 'candidate');
  assert.equal(state.acting, false);
});

test('a worker watches only its immediate predecessor, sorted by sequence not by name', () => {
  // Names sort differently from sequences: 'f…-n_3' > 'c…-n_5' by name, but 3 < 5.
  const prev = name('f'.repeat(32), 3);
  const { state, commands } = run([connected, created(), listed(1, [name('0'.repeat(32), 9), MINE5, prev, OTHER1])]);
  const watch = commands.find((c) => c.type === 'watch');
  assert.deepEqual(watch, { type: 'watch', sessionId: SESSION, epoch: 1, znode: prev });
  assert.ok(commands.some((c) => c.type === 'register' && c.registry === 'workers'));
  assert.equal(state.role, 'worker');
  assert.equal(state.watching, null, 'watching is what is really watched: nothing until the watch is set');
});

test('garbage children under /election are skipped', () => {
  const { commands } = run([connected, created(), listed(1, ['zookeeper', 'lock-0000000000', '../x', MINE5])]);
  assert.equal(commands.at(-1)?.type, 'checkOwner');
});

test('predecessor already gone when the watch is set: list again, do not delete or recreate our znode', () => {
  const { state: before } = run([connected, created(), listed(1, [OTHER2, MINE5])]);
  const { state, commands } = run([{ type: 'watchSet', sessionId: SESSION, epoch: 1, znode: OTHER2, rc: ZNONODE }], before);
  assert.deepEqual(commands, [{ type: 'list', sessionId: SESSION, epoch: 2 }]);
  assert.equal(state.electionZnode, MINE5);
  assert.ok(!commands.some((c) => c.type === 'create' || c.type === 'delete'));
});

test('predecessor deleted: re-read the children before deciding, keep showing the stale watch meanwhile', () => {
  const { state: before } = following();
  assert.equal(before.watching, OTHER2);
  const { state, commands } = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER2 }], before);
  assert.deepEqual(commands, [{ type: 'list', sessionId: SESSION, epoch: 2 }]);
  assert.equal(state.acting, false, 'never leader from the event alone');
  assert.equal(state.watching, OTHER2, 'the table shows the stale moment');

  // OTHER1 is still there: re-link to it rather than lead.
  const relinked = run([listed(2, [OTHER1, MINE5])], state);
  assert.deepEqual(
    relinked.commands.find((c) => c.type === 'watch'),
    { type: 'watch', sessionId: SESSION, epoch: 2, znode: OTHER1 },
  );
});

test('a deleted event for a node we no longer watch is ignored', () => {
  const { state: before } = following();
  assert.deepEqual(step(before, { type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 }).commands, []);
});

test('a data change on the predecessor re-arms the watch (a data watch fires once)', () => {
  const { state: before } = following();
  const { commands } = step(before, { type: 'predecessorChanged', sessionId: SESSION, znode: OTHER2 });
  assert.deepEqual(commands, [{ type: 'watch', sessionId: SESSION, epoch: 1, znode: OTHER2 }]);
});

test('answers from an older decision or an older session are ignored', () => {
  const { state: before } = following();
  const stale = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER2 }], before).state; // epoch 2
  assert.deepEqual(step(stale, listed(1, [MINE5])).commands, [], 'epoch 1 answer after epoch 2 started');
  assert.deepEqual(step(stale, { type: 'listed', sessionId: 'old', epoch: 2, rc: ZOK, children: [MINE5] }).commands, []);
});

test('promoted worker: leaves the workers registry before it registers as coordinator', () => {
  const { state: before } = following();
  const afterDelete = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER2 }, listed(2, [MINE5])], before);
  const { commands } = run([{ type: 'ownerChecked', sessionId: SESSION, epoch: 2, rc: ZOK, ephemeralOwner: SESSION }], afterDelete.state);
  const unregister = commands.findIndex((c) => c.type === 'unregister' && c.registry === 'workers');
  const register = commands.findIndex((c) => c.type === 'register' && c.registry === 'coordinators');
  assert.ok(unregister >= 0 && register > unregister);
});

test('own znode missing (e.g. after data loss): join again, and stop acting meanwhile', () => {
  const { state: leader } = leading();
  const reconnected = run([{ type: 'suspended' }, { type: 'connected', sessionId: SESSION, reconnected: true, candidateId: 'ignored' }], leader);
  assert.deepEqual(reconnected.commands, [
    { type: 'stopActing', znode: MINE5, reason: 'connection suspended' },
    { type: 'list', sessionId: SESSION, epoch: 2 },
  ]);
  const { state, commands } = run([listed(2, [OTHER1])], reconnected.state);
  assert.ok(commands.some((c) => c.type === 'unregister' && c.registry === 'coordinators'));
  assert.equal(commands.at(-1)?.type, 'create');
  assert.equal(state.acting, false);
  assert.equal(state.role, 'candidate');
});

test('/election itself missing: re-create parents, then join', () => {
  const { state: leader } = leading();
  const { state, commands } = run(
    [{ type: 'suspended' }, { type: 'connected', sessionId: SESSION, reconnected: true, candidateId: 'x' }, listed(2, [], ZNONODE)],
    leader,
  );
  assert.deepEqual(commands.at(-1), { type: 'ensureParents', sessionId: SESSION, then: 'create' });
  const joined = step(state, { type: 'parentsEnsured', sessionId: SESSION, rc: ZOK, then: 'create' });
  assert.deepEqual(joined.commands, [{ type: 'create', sessionId: SESSION, candidateId: ME }]);
});

test('a suspended leader stops acting at once and decides again on reconnect before acting again', () => {
  const { state: leader } = leading();
  const suspended = step(leader, { type: 'suspended' });
  assert.deepEqual(suspended.commands, [{ type: 'stopActing', znode: MINE5, reason: 'connection suspended' }]);
  assert.equal(suspended.state.acting, false);
  const back = run(
    [
      { type: 'connected', sessionId: SESSION, reconnected: true, candidateId: 'x' },
      listed(2, [MINE5]),
      { type: 'ownerChecked', sessionId: SESSION, epoch: 2, rc: ZOK, ephemeralOwner: SESSION },
      { type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZNODEEXISTS },
    ],
    suspended.state,
  );
  assert.equal(back.state.acting, true);
  assert.equal(back.state.electionZnode, MINE5, 'same znode, no new election');
});

test('session lost: stop acting, forget the old znode; the next session joins under a new prefix', () => {
  const { state: leader } = leading();
  const lost = step(leader, { type: 'lost' });
  assert.deepEqual(lost.commands, [{ type: 'stopActing', znode: MINE5, reason: 'session lost' }]);
  assert.equal(lost.state.electionZnode, null);
  const NEXT = 'd'.repeat(32);
  const again = run([{ type: 'connected', sessionId: 'new', reconnected: false, candidateId: NEXT }], lost.state);
  assert.deepEqual(again.commands, [{ type: 'create', sessionId: 'new', candidateId: NEXT }]);
  // The old session's znode may still be listed for a moment; it is not ours.
  const decided = run(
    [
      { type: 'created', sessionId: 'new', rc: ZOK, znode: `/election/${name(NEXT, 7)}` },
      { type: 'listed', sessionId: 'new', epoch: 2, rc: ZOK, children: [MINE5, name(NEXT, 7)] },
    ],
    again.state,
  );
  assert.deepEqual(
    decided.commands.find((c) => c.type === 'watch'),
    { type: 'watch', sessionId: 'new', epoch: 2, znode: MINE5 },
  );
});

test('create reply lost: the list finds our znode by its prefix and adopts it instead of creating another', () => {
  const { state, commands } = run([
    connected,
    { type: 'created', sessionId: SESSION, rc: ZCONNECTIONLOSS },
    { type: 'suspended' },
    { type: 'connected', sessionId: SESSION, reconnected: true, candidateId: 'x' },
    listed(1, [OTHER1, MINE5]),
  ]);
  assert.equal(commands.filter((c) => c.type === 'create').length, 1, 'only the original create');
  assert.equal(state.electionZnode, MINE5);
  assert.equal(electionPhase(state), 'following', 'adopted and decided: nothing left uncertain');
});

test('create reply lost and the create did not happen: create again after the list', () => {
  const { commands } = run([
    connected,
    { type: 'created', sessionId: SESSION, rc: ZCONNECTIONLOSS },
    { type: 'connected', sessionId: SESSION, reconnected: true, candidateId: 'x' },
    listed(1, [OTHER1]),
  ]);
  assert.equal(commands.filter((c) => c.type === 'create').length, 2);
});

test('missing /election on create: parents are created, then the create is retried', () => {
  const { commands } = run([
    connected,
    { type: 'created', sessionId: SESSION, rc: ZNONODE },
    { type: 'parentsEnsured', sessionId: SESSION, rc: ZOK, then: 'create' },
  ]);
  assert.deepEqual(types(commands), ['create', 'ensureParents', 'create']);
});

test('missing registry on register: parents are created, then the entry is registered', () => {
  const { state: before } = following();
  const { commands } = run(
    [
      { type: 'registered', sessionId: SESSION, registry: 'workers', rc: ZNONODE },
      { type: 'parentsEnsured', sessionId: SESSION, rc: ZOK, then: 'workers' },
    ],
    before,
  );
  assert.deepEqual(commands, [
    { type: 'ensureParents', sessionId: SESSION, then: 'workers' },
    { type: 'register', sessionId: SESSION, registry: 'workers', znode: MINE5, status: { role: 'worker', watching: OTHER2, sessionId: SESSION } },
  ]);
});

test('stop during an in-flight create deletes the znode once the create completes', () => {
  const stopping = run([connected, { type: 'stop' }]);
  assert.deepEqual(types(stopping.commands), ['create'], 'waits for the create');
  const { state, commands } = run([created()], stopping.state);
  assert.deepEqual(commands, [{ type: 'delete', sessionId: SESSION, znode: MINE5 }, { type: 'closeSession' }]);
  assert.equal(state.lifecycle, 'stopped');
});

test('graceful stop of a leader: stop acting, delete the znode, close the session', () => {
  const { state: leader } = leading();
  const { commands } = step(leader, { type: 'stop' });
  assert.deepEqual(commands, [
    { type: 'stopActing', znode: MINE5, reason: 'stopping' },
    { type: 'delete', sessionId: SESSION, znode: MINE5 },
    { type: 'closeSession' },
  ]);
});

test('a registration answer after losing leadership does not start acting', () => {
  const { state: owned } = run([connected, created(), listed(1, [MINE5]), { type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: SESSION }]);
  const suspended = step(owned, { type: 'suspended' }).state;
  const { commands, state } = step(suspended, { type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZOK });
  assert.deepEqual(commands, []);
  assert.equal(state.acting, false);
});

test('recheck (after a freeze): stop acting at once, ask for a round trip; act again only after it confirms and a new decision', () => {
  const { state: leader } = leading();
  const rechecked = step(leader, { type: 'recheck', reason: 'frozen for 900 ms' });
  assert.deepEqual(rechecked.commands, [
    { type: 'stopActing', znode: MINE5, reason: 'recheck: frozen for 900 ms' },
    { type: 'confirmSession', sessionId: SESSION, reason: 'frozen for 900 ms' },
  ]);
  assert.equal(rechecked.state.acting, false);
  const confirmed = step(rechecked.state, { type: 'sessionConfirmed', sessionId: SESSION, rc: ZOK });
  assert.deepEqual(confirmed.commands, [{ type: 'list', sessionId: SESSION, epoch: 2 }]);
  assert.equal(confirmed.state.acting, false, 'the confirmation alone does not make us act');
});

test('a recheck answer after a real suspension is ignored: the reconnect decides instead', () => {
  const { state: leader } = leading();
  const rechecked = step(leader, { type: 'recheck', reason: 'frozen' }).state;
  const suspended = step(rechecked, { type: 'suspended' }).state;
  assert.deepEqual(step(suspended, { type: 'sessionConfirmed', sessionId: SESSION, rc: ZOK }).commands, []);
  assert.deepEqual(step(rechecked, { type: 'sessionConfirmed', sessionId: 'old', rc: ZOK }).commands, [], 'another session');
  assert.deepEqual(step(leader, { type: 'recheck', reason: 'x' }).commands.length, 2);
  assert.deepEqual(step(suspended, { type: 'recheck', reason: 'x' }).commands, [], 'not connected: nothing to recheck');
});

test('status commands carry their whole payload: what the registry entry says is decided here', () => {
  const { commands } = following();
  assert.deepEqual(commands.at(-1), {
    type: 'publishStatus',
    sessionId: SESSION,
    registry: 'workers',
    znode: MINE5,
    status: { role: 'worker', watching: OTHER2, sessionId: SESSION },
  });
});

test('one guard for every result: another session, an older decision, a predecessor we do not watch', () => {
  const { state } = following();
  const results: ElectionEvent[] = [
    { type: 'created', sessionId: 'old', rc: ZOK, znode: `/election/${MINE5}` },
    { type: 'parentsEnsured', sessionId: 'old', rc: ZOK, then: 'create' },
    { type: 'listed', sessionId: SESSION, epoch: 0, rc: ZOK, children: [MINE5] },
    { type: 'ownerChecked', sessionId: SESSION, epoch: 0, rc: ZOK, ephemeralOwner: SESSION },
    { type: 'watchSet', sessionId: SESSION, epoch: 0, znode: OTHER2, rc: ZNONODE },
    { type: 'predecessorChanged', sessionId: SESSION, znode: OTHER1 },
    { type: 'registered', sessionId: 'old', registry: 'workers', rc: ZNONODE },
    { type: 'sessionConfirmed', sessionId: 'old', rc: ZOK },
  ];
  for (const event of results) {
    const next = step(state, event);
    assert.deepEqual(next.commands, [], event.type);
    assert.equal(next.state, state, `${event.type} changes nothing`);
  }
});

test('a safeguard switched off (fault tests only) changes exactly its rule', () => {
  const { state: owned } = run([connected, created(), listed(1, [MINE5])]);
  const foreign: ElectionEvent = { type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: 'ffff' };
  assert.equal(step(owned, foreign).commands.at(-1)?.type, 'restartSession');
  assert.deepEqual(types(step(owned, foreign, new Set(['ownership-check'])).commands), ['unregister', 'register', 'publishStatus']);

  const { state: leader } = leading();
  assert.deepEqual(step(leader, { type: 'suspended' }, new Set(['stop-acting-on-suspended'])).commands, []);
  assert.deepEqual(types(step(leader, { type: 'suspended' }, new Set(['ownership-check'])).commands), ['stopActing']);
});

test('next in line: only the node right behind the lowest, and no longer once it leads', () => {
  const second = run([connected, created(), listed(1, [OTHER1, MINE5])]);
  assert.equal(second.state.nextInLine, true, 'right behind the lowest');
  const third = run([connected, created(), listed(1, [OTHER1, OTHER2, MINE5])]);
  assert.equal(third.state.nextInLine, false, 'two ahead of it');
  const promoted = run(
    [
      { type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 },
      listed(2, [MINE5]),
      { type: 'ownerChecked', sessionId: SESSION, epoch: 2, rc: ZOK, ephemeralOwner: SESSION },
    ],
    { ...second.state, watching: OTHER1 },
  );
  assert.equal(promoted.state.role, 'leader');
  assert.equal(promoted.state.nextInLine, false);
  const lost = run([{ type: 'lost' }], second.state);
  assert.equal(lost.state.nextInLine, false, 'a new session starts over');
});

/** Next in line behind OTHER1 (epoch 1), watching it. */
function nextInLine() {
  return run([connected, created(), listed(1, [OTHER1, MINE5]), { type: 'watchSet', sessionId: SESSION, epoch: 1, znode: OTHER1, rc: ZOK }]);
}
const ownerOk = (epoch: number): ElectionEvent => ({ type: 'ownerChecked', sessionId: SESSION, epoch, rc: ZOK, ephemeralOwner: SESSION });
const coordinatorsRegistered = (rc = ZOK): ElectionEvent => ({ type: 'registered', sessionId: SESSION, registry: 'coordinators', rc });

test('next in line when the lowest goes: the coordinators entry goes out with the listing; acting waits for the owner check', () => {
  const { state: before } = nextInLine();
  const woken = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 }], before);
  assert.deepEqual(types(woken.commands), ['list', 'unregister', 'register']);
  assert.deepEqual(
    woken.commands.slice(1).map((c) => ('registry' in c ? [c.registry, 'early' in c && c.early] : null)),
    [
      ['workers', true],
      ['coordinators', true],
    ],
    'the worker entry leaves before the coordinators entry appears, both sent ahead',
  );
  // ZooKeeper answers in the order sent: listing, owner read, then the entry.
  const listedFirst = run([listed(2, [MINE5])], woken.state);
  assert.deepEqual(types(listedFirst.commands), ['checkOwner']);
  assert.equal(listedFirst.state.acting, false);
  const written = run([coordinatorsRegistered()], listedFirst.state);
  assert.equal(written.state.acting, false, 'an entry alone never makes a leader');
  const checked = run([ownerOk(2)], written.state);
  assert.ok(types(checked.commands).includes('startActing'));
  assert.ok(!checked.commands.some((c) => c.type === 'register'), 'not registered a second time');
  assert.equal(checked.state.earlyEntry, 'none');
});

test('early entry confirmed after the owner check: acting starts on its answer', () => {
  const { state: before } = nextInLine();
  const checked = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 }, listed(2, [MINE5]), ownerOk(2)], before);
  assert.equal(checked.state.acting, false);
  assert.equal(checked.state.role, 'leader');
  assert.ok(types(run([coordinatorsRegistered()], checked.state).commands).includes('startActing'));
});

test('early entry whose create failed: the owner check registers as usual', () => {
  const { state: before } = nextInLine();
  const { state, commands } = run(
    [{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 }, listed(2, [MINE5]), coordinatorsRegistered(ZCONNECTIONLOSS), ownerOk(2)],
    before,
  );
  assert.equal(state.acting, false);
  assert.ok(commands.filter((c) => c.type === 'register' && c.registry === 'coordinators').length === 2, 'the early one and the usual one');
  assert.ok(types(run([coordinatorsRegistered(ZNODEEXISTS)], state).commands).includes('startActing'));
});

test('early entry, but the decision says someone else is lowest: the entry is deleted and nobody acts', () => {
  const { state: before } = nextInLine();
  const lower = name('0'.repeat(32), 0);
  const { state, commands } = run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 }, coordinatorsRegistered(), listed(2, [lower, MINE5])], before);
  assert.equal(state.acting, false);
  assert.equal(state.role, 'worker');
  assert.equal(state.earlyEntry, 'none');
  const last = commands.filter((c) => c.type === 'unregister' && c.registry === 'coordinators');
  assert.equal(last.length, 1, 'the early coordinators entry is removed');
  assert.ok(!types(commands).includes('startActing'));
});

test('early entry, but our own znode is gone: it is cleaned up and a new znode never inherits it', () => {
  const { state: before } = nextInLine();
  const gone = run(
    [
      { type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER1 },
      coordinatorsRegistered(),
      { type: 'ownerChecked', sessionId: SESSION, epoch: 2, rc: ZNONODE },
      listed(3, []),
    ],
    before,
  );
  assert.equal(gone.state.earlyEntry, 'none');
  assert.ok(gone.commands.some((c) => c.type === 'unregister' && c.registry === 'coordinators'));
  // The new znode leads only after its own coordinators entry.
  const rejoined = run([created(7), listed(4, [name(ME, 7)]), { type: 'ownerChecked', sessionId: SESSION, epoch: 4, rc: ZOK, ephemeralOwner: SESSION }], gone.state);
  assert.equal(rejoined.state.acting, false);
  assert.ok(rejoined.commands.some((c) => c.type === 'register' && c.registry === 'coordinators' && c.znode === name(ME, 7)));
});

test('the predecessor left the workers registry: next in line only if it has a coordinators entry', () => {
  const { state: before } = following(); // watching OTHER2, two behind the lowest
  assert.equal(before.nextInLine, false);
  const left = run([{ type: 'predecessorLeftWorkers', sessionId: SESSION, znode: OTHER2 }], before);
  assert.deepEqual(left.commands, [{ type: 'checkPredecessorLeads', sessionId: SESSION, epoch: 1, znode: OTHER2 }]);
  const leads = run([{ type: 'predecessorLeads', sessionId: SESSION, epoch: 1, znode: OTHER2, rc: ZOK }], left.state);
  assert.equal(leads.state.nextInLine, true, 'promoted: we are right behind the lowest now');
  const expired = run([{ type: 'predecessorLeads', sessionId: SESSION, epoch: 1, znode: OTHER2, rc: ZNONODE }], left.state);
  assert.equal(expired.state.nextInLine, false, 'gone (a crash expiry takes every entry): not promoted');
  const other = run([{ type: 'predecessorLeftWorkers', sessionId: SESSION, znode: OTHER1 }], before);
  assert.deepEqual(other.commands, [], 'not the node we follow');
  const deciding = run(
    [
      { type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER2 },
      { type: 'predecessorLeftWorkers', sessionId: SESSION, znode: OTHER2 },
    ],
    before,
  );
  assert.ok(!types(deciding.commands).includes('checkPredecessorLeads'), 'a decision in flight finds out itself');
});
