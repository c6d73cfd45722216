/**
 * One JSON POST to a peer over node:http, on a fresh connection: the gateway's kill to the leader
 * and the leader's kill to its target. Written on node:http rather than fetch because a kill is
 * usually the first request to that peer: fetch (undici) paid ~30 ms there per kill on this
 * machine (a new per-origin pool, WHATWG streams) against a few ms for this.
 */
import http from 'node:http';

export interface JsonReply {
  statusCode: number;
  /** Parsed JSON body, or null when the body was not JSON. */
  body: unknown;
}

/** The peer could not be reached, or did not answer within the bound (`timedOut`). */
export class PeerUnreachableError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** `host:port` or `[v6]:port` → parts for node:http. */
export function parseAddress(address: string): { host: string; port: number } | null {
  const at = address.lastIndexOf(':');
  if (at <= 0) return null;
  let host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65_535) return null;
  return { host, port };
}

/** Resolves with the peer's answer, whatever its status; rejects (PeerUnreachableError) only when there was none. */
export function postJson(address: string, path: string, body: unknown, options: { headers?: Record<string, string>; timeoutMs: number }): Promise<JsonReply> {
  const target = parseAddress(address);
  if (!target) return Promise.reject(new PeerUnreachableError(`bad address ${address}`, false));
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  return new Promise<JsonReply>((resolve, reject) => {
    const req = http.request({ ...target, method: 'POST', path, headers, agent: false, timeout: options.timeoutMs });
    req.on('timeout', () => req.destroy(new PeerUnreachableError(`no answer within ${options.timeoutMs} ms`, true)));
    req.on('error', (err) => reject(err instanceof PeerUnreachableError ? err : new PeerUnreachableError(err.message, false)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new PeerUnreachableError(err.message, false)));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          parsed = null;
        }
        resolve({ statusCode: res.statusCode ?? 0, body: parsed });
      });
    });
    req.end(payload);
  });
}
