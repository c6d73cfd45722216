/**
 * Which browser pages may open /ws. Browsers always send Origin on a WebSocket handshake, and a
 * WebSocket is not covered by CORS, so this check is what stops another site from reading the
 * stream through a visitor's browser. Clients without Origin are not browsers and are allowed.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (host !== undefined && parsed.host.toLowerCase() === host.toLowerCase()) return true;
  return allowedOrigins.includes(parsed.origin);
}
