/** What the election machine's tests share: names, one session's events, and a runner. */
import { ZOK } from '@zkviz/shared/zk';
import { initialElectionState, step, type Command, type ElectionEvent, type ElectionState } from '../src/election/machine.js';

export const SESSION = 'a1b2c3';
export const ME = 'c'.repeat(32);
export const name = (prefix: string, seq: number) => `${prefix}-n_${String(seq).padStart(10, '0')}`;
export const OTHER1 = name('1'.repeat(32), 1);
export const OTHER2 = name('2'.repeat(32), 2);
export const MINE5 = name(ME, 5);

/** Runs events through the machine, collecting every command. */
export function run(events: ElectionEvent[], from: ElectionState = initialElectionState) {
  let state = from;
  const commands: Command[] = [];
  for (const event of events) {
    const next = step(state, event);
    state = next.state;
    commands.push(...next.commands);
  }
  return { state, commands };
}

export const types = (commands: Command[]) => commands.map((c) => c.type);
export const connected: ElectionEvent = { type: 'connected', sessionId: SESSION, reconnected: false, candidateId: ME };
export const created = (seq = 5): ElectionEvent => ({ type: 'created', sessionId: SESSION, rc: ZOK, znode: `/election/${name(ME, seq)}` });
export const listed = (epoch: number, children: string[], rc = ZOK): ElectionEvent => ({ type: 'listed', sessionId: SESSION, epoch, rc, children });
