import { useContext, useEffect, useState } from 'react';
import { PastClockContext } from '../replay/past.js';

/** The current time, re-rendered every `intervalMs` while `active` (for live timers); the moment shown while showing the past. */
export function useNow(active: boolean, intervalMs = 100): number {
  const past = useContext(PastClockContext);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active || past !== null) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs, past]);
  return past ?? now;
}
