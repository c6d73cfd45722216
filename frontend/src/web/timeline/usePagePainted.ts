/**
 * page-painted, measured by the page itself: the first animation frame after React committed a
 * view whose leader is the failover's new leader, i.e. once the browser has painted it. Stamped
 * on the page's clock, shifted onto the gateway's (clock.ts). Only for failovers this page saw
 * happen: one already in the first view it received was painted by nobody here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterView, FailoverPhase } from '@zkviz/shared';
import { gatewayClock } from './clock.js';

export function usePagePainted(view: ClusterView | null): FailoverPhase[] {
  const last = view?.lastFailover ?? null;
  const key = last ? `${last.at}:${last.to}` : null;
  const firstKey = useRef<string | null | undefined>(undefined);
  const [painted, setPainted] = useState<{ key: string; phase: FailoverPhase } | null>(null);
  const showsNewLeader = view?.leader != null && view.leader === last?.to;

  useEffect(() => {
    if (view === null) return;
    if (firstKey.current === undefined) {
      firstKey.current = key;
      return;
    }
    if (!key || key === firstKey.current || !showsNewLeader || painted?.key === key) return;
    const frame = requestAnimationFrame(() => {
      const clock = gatewayClock();
      const at = Date.now() + (clock?.offsetMs ?? 0);
      setPainted({ key, phase: { name: 'page-painted', at, by: 'page', how: 'first animation frame after rendering the new leader' } });
    });
    return () => cancelAnimationFrame(frame);
  }, [view, key, showsNewLeader, painted]);

  // The same array until it changes, so the memoised timeline is not re-rendered by every snapshot.
  return useMemo(() => (painted && painted.key === key ? [painted.phase] : NO_PHASES), [painted, key]);
}

const NO_PHASES: FailoverPhase[] = [];
