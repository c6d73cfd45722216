/** A plain HTTP request that sends exactly what it is given (fetch normalises or refuses some). */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(
  target: string,
  options: { method: string; headers: Record<string, string>; body?: string | Buffer; path?: string; timeoutMs?: number; localAddress?: string },
): Promise<RawResponse> {
  const u = new URL(target);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        method: options.method,
        // The path as written, not re-encoded by URL.
        path: options.path ?? target.slice(target.indexOf('/', 'http://'.length)),
        headers: options.body !== undefined ? { ...options.headers, 'content-length': Buffer.byteLength(options.body) } : options.headers,
        agent: false,
        // A loopback source other than 127.0.0.1 is how tests are "another client" to a server.
        localAddress: options.localAddress,
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        // The state stream never ends on its own: the status line is all we need.
        if (res.headers['content-type']?.includes('ndjson')) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          req.destroy();
        }
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target} within the timeout`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
