/**
 * The page's clock against the gateway's, from ping/pong on /ws: the gateway stamps each pong with
 * its clock, so offset ≈ pong.at − (sent + received) / 2, good to ± half the round trip. The
 * sample with the shortest round trip wins. Phases the page stamps are shifted onto the gateway's clock.
 */
let sentAt: number | null = null;
let best: { offsetMs: number; rttMs: number } | null = null;

export function notePingSent(at: number): void {
  sentAt = at;
}

export function notePong(gatewayAt: number, receivedAt: number): void {
  if (sentAt === null) return;
  const rttMs = receivedAt - sentAt;
  const midpoint = sentAt + rttMs / 2;
  sentAt = null;
  if (rttMs < 0) return;
  if (!best || rttMs <= best.rttMs) best = { offsetMs: gatewayAt - midpoint, rttMs };
}

/**
 * Offset to add to the page's Date.now() to get the gateway's clock, and the round trip it was
 * measured with; null before the first pong. An offset within ± half the round trip is no offset
 * we can tell from zero (same machine, usually), so it is 0 then rather than noise.
 */
export function gatewayClock(): GatewayClock | null {
  if (!best) return null;
  // The same object while the best sample stands, so a component given it can be memoised.
  if (answer?.of !== best)
    answer = { of: best, clock: { offsetMs: Math.abs(best.offsetMs) > best.rttMs / 2 ? best.offsetMs : 0, measuredMs: best.offsetMs, rttMs: best.rttMs } };
  return answer.clock;
}

export interface GatewayClock {
  offsetMs: number;
  measuredMs: number;
  rttMs: number;
}

let answer: { of: { offsetMs: number; rttMs: number }; clock: GatewayClock } | null = null;
