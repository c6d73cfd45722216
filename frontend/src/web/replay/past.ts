import { createContext, useContext } from 'react';

/**
 * True while the page shows the past (scrubbing the live history or replaying a recording). You
 * cannot kill the past: every action control reads this and disables itself, so a control added
 * later needs one line, not a prop threaded through the tree.
 */
export const ShowingPastContext = createContext(false);
export const useShowingPast = (): boolean => useContext(ShowingPastContext);
