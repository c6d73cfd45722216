import { createContext, useContext } from 'react';

/**
 * True while the page shows the past (scrubbing the live history or replaying a recording). You
 * cannot kill the past: every action control reads this and disables itself, so a control added
 * later needs one line, not a prop threaded through the tree.
 */
export const ShowingPastContext = createContext(false);
export const useShowingPast = (): boolean => useContext(ShowingPastContext);

/**
 * The moment shown while showing the past (epoch ms, the recording's clock), null while live. Timers
 * that count down to a time (a ghost's expiry, a freeze's end) count from it, so a replayed ghost
 * shows the time it had left then, not "expired" because it is over by now.
 */
export const PastClockContext = createContext<number | null>(null);
