/**
 * The herd recipe in the pure election machine, and the live switch between recipes: what a
 * decision watches changes; the session, the znode and everything else stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZOK } from '@zkviz/shared/zk';
import { initialElectionState, type ElectionState } from '../src/election/machine.js';
import { MINE5, OTHER1, OTHER2, SESSION, connected, created as createdAt, listed, run, types } from './machine-fixtures.js';

const created = createdAt(5);
const herd: ElectionState = { ...initialElectionState, recipe: 'herd' };

test('herd: every list arms the child watch; a worker names no predecessor and sets no data watch', () => {
  const joined = run([connected, created], herd);
  assert.deepEqual(joined.commands.at(-1), { type: 'list', sessionId: SESSION, epoch: 1, watchChildren: true });
  const worker = run([listed(1, [OTHER1, OTHER2, MINE5])], joined.state);
  assert.equal(worker.state.role, 'worker');
  assert.equal(worker.state.watching, null);
  assert.ok(!types(worker.commands).includes('watch'), 'no data watch on the predecessor');
  assert.deepEqual(types(worker.commands), ['register', 'publishStatus']);
});

test('herd: any change of /election wakes the node, which re-reads the whole list; the lowest leads', () => {
  const worker = run([connected, created, listed(1, [OTHER1, OTHER2, MINE5])], herd);
  const woken = run([{ type: 'childrenChanged', sessionId: SESSION }], worker.state);
  assert.deepEqual(woken.commands, [{ type: 'list', sessionId: SESSION, epoch: 2, watchChildren: true }]);
  // Not the lowest yet (OTHER1 still there): stays a worker, nothing acts.
  const still = run([listed(2, [OTHER1, MINE5])], woken.state);
  assert.equal(still.state.role, 'worker');
  assert.equal(still.state.acting, false);
  const lowest = run([{ type: 'childrenChanged', sessionId: SESSION }, listed(3, [MINE5])], still.state);
  assert.deepEqual(types(lowest.commands), ['list', 'checkOwner'], 'lowest: the ownership check first, as under predecessor');
  const leads = run(
    [
      { type: 'ownerChecked', sessionId: SESSION, epoch: 3, rc: ZOK, ephemeralOwner: SESSION },
      { type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZOK },
    ],
    lowest.state,
  );
  assert.equal(leads.state.acting, true);
});

test('predecessor: the list arms no child watch, and a stale child watch is dropped', () => {
  const joined = run([connected, created]);
  assert.deepEqual(joined.commands.at(-1), { type: 'list', sessionId: SESSION, epoch: 1 });
  const worker = run([listed(1, [OTHER1, OTHER2, MINE5])], joined.state);
  assert.deepEqual(run([{ type: 'childrenChanged', sessionId: SESSION }], worker.state).commands, []);
});

test('a live switch keeps the session and the znode and only changes the watch, both ways', () => {
  const pred = run([connected, created, listed(1, [OTHER1, OTHER2, MINE5]), { type: 'watchSet', sessionId: SESSION, epoch: 1, znode: OTHER2, rc: ZOK }]);
  assert.equal(pred.state.watching, OTHER2);

  const toHerd = run([{ type: 'recipeChanged', recipe: 'herd' }], pred.state);
  assert.deepEqual(toHerd.commands, [{ type: 'list', sessionId: SESSION, epoch: 2, watchChildren: true }]);
  assert.ok(!types(toHerd.commands).some((t) => t === 'create' || t === 'delete' || t === 'closeSession' || t === 'restartSession'));
  const herded = run([listed(2, [OTHER1, OTHER2, MINE5])], toHerd.state);
  assert.equal(herded.state.sessionId, SESSION);
  assert.equal(herded.state.electionZnode, MINE5);
  assert.equal(herded.state.watching, null);
  // The old data watch on OTHER2 still fires once: under herd it is not ours any more.
  assert.deepEqual(run([{ type: 'predecessorDeleted', sessionId: SESSION, znode: OTHER2 }], herded.state).commands, []);

  const back = run([{ type: 'recipeChanged', recipe: 'predecessor' }, listed(3, [OTHER1, OTHER2, MINE5])], herded.state);
  assert.deepEqual(types(back.commands), ['list', 'watch', 'register']);
  assert.equal(back.state.electionZnode, MINE5);
  assert.equal(back.state.sessionId, SESSION);
});

test('a switch to the recipe already run, or while joining, decides nothing', () => {
  const pred = run([connected, created, listed(1, [OTHER1, MINE5])]);
  assert.deepEqual(run([{ type: 'recipeChanged', recipe: 'predecessor' }], pred.state).commands, []);
  const joining = run([connected]);
  const switched = run([{ type: 'recipeChanged', recipe: 'herd' }], joining.state);
  assert.deepEqual(switched.commands, []);
  assert.equal(switched.state.recipe, 'herd', 'remembered: the create answer decides under it');
  assert.deepEqual(run([created], switched.state).commands, [{ type: 'list', sessionId: SESSION, epoch: 1, watchChildren: true }]);
});

test('a leader under herd that loses its lowest place steps down like under predecessor', () => {
  const leader = run(
    [
      connected,
      created,
      listed(1, [MINE5]),
      { type: 'ownerChecked', sessionId: SESSION, epoch: 1, rc: ZOK, ephemeralOwner: SESSION },
      { type: 'registered', sessionId: SESSION, registry: 'coordinators', rc: ZOK },
    ],
    herd,
  );
  const demoted = run([{ type: 'childrenChanged', sessionId: SESSION }, listed(2, [OTHER1, MINE5])], leader.state);
  assert.equal(demoted.state.acting, false);
  assert.deepEqual(types(demoted.commands), ['list', 'stopActing', 'unregister', 'register', 'publishStatus']);
});
