import { useEffect, type Dispatch } from 'react';
import type { ReplayAction } from '../state/replay.js';

/** While playing, one `tick` per animation frame with the real time elapsed; the reducer applies the speed. */
export function usePlayback(playing: boolean, dispatch: Dispatch<ReplayAction>): void {
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      dispatch({ type: 'tick', elapsedMs: now - last });
      last = now;
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, dispatch]);
}
