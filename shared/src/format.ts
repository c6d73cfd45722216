/**
 * A span of time as people read it, on the page and in the gateway's scenario narration alike:
 * 56 → "56 ms", 1234 → "1.2 s", 125000 → "2 min 5 s". A negative span (stamps from two clocks a
 * little apart) reads as "0 ms".
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
}
