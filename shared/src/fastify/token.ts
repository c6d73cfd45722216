/** Comparing a secret someone sent (cluster token, control token) with the one we hold. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant time in the secret's content and length: both sides are hashed to 32 bytes before
 * comparing, so neither a wrong byte's position nor a wrong length shows in the timing.
 * An empty expected secret matches nothing.
 */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || expected.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
