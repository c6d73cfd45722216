/**
 * A misbehaving client in its own process (so its flood competes for the CPU like a real one,
 * instead of sharing the test's event loop). Forked by flooder.ts; talks over IPC.
 *
 * ws:   opens /ws and sends `{"type":"ping"}` as fast as its socket takes them (a batch, then the
 *       next batch once the last frame reached the kernel). With `reconnect`, opens a new socket
 *       each time it is closed and floods again. Reports each close; on stop, a connection still
 *       open is counted with code 0.
 * http: `concurrency` keep-alive loops of GET `path`, each sending the next request as soon as
 *       the answer is in. Reports its first 429.
 * Both bind to `localAddress` (127.0.0.x), which is how a server on loopback tells clients apart.
 */
import http from 'node:http';
import WebSocket from 'ws';

export type FlooderCommand =
  | { cmd: 'ws'; url: string; localAddress: string; reconnect: boolean }
  | { cmd: 'http'; url: string; path: string; localAddress: string; concurrency: number }
  | { cmd: 'stop' };

export interface WsClose {
  code: number;
  sent: number;
  pongs: number;
  errors: string[];
}

export type FlooderReport =
  | { type: 'ws-closed'; close: WsClose }
  | { type: 'ws-refused'; status: number }
  | { type: 'http-limited'; status: number; retryAfter: string | null; body: string }
  | { type: 'stopped'; ws: WsClose[]; wsRefused: number; http: { ok: number; limited: number; other: number; failed: number } }
  | { type: 'error'; message: string };

const send = (m: FlooderReport) => process.send?.(m);
const PING = '{"type":"ping"}';
const BATCH = 200;

let stopping = false;
const wsCloses: WsClose[] = [];
let wsRefused = 0;
const httpStats = { ok: 0, limited: 0, other: 0, failed: 0 };
let current: { ws: WebSocket; stats: WsClose } | null = null;
let agent: http.Agent | null = null;

function floodWs(url: string, localAddress: string, reconnect: boolean): void {
  const ws = new WebSocket(url, { localAddress });
  const stats: WsClose = { code: 0, sent: 0, pongs: 0, errors: [] };
  current = { ws, stats };
  const pump = () => {
    if (ws.readyState !== WebSocket.OPEN || stopping) return;
    for (let i = 1; i < BATCH; i++) ws.send(PING);
    stats.sent += BATCH;
    ws.send(PING, () => setImmediate(pump));
  };
  ws.on('open', pump);
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { type: string; error?: string };
    if (msg.type === 'pong') stats.pongs++;
    else if (msg.type === 'error') stats.errors.push(msg.error ?? '?');
  });
  ws.on('unexpected-response', (_req, res) => {
    wsRefused++;
    send({ type: 'ws-refused', status: res.statusCode ?? 0 });
    res.resume();
    ws.terminate();
  });
  ws.on('error', () => {}); // a reset after the close frame is expected; the close code is what counts
  ws.on('close', (code) => {
    if (stats.sent === 0 && code === 1006) {
      if (!stopping && reconnect) setImmediate(() => floodWs(url, localAddress, reconnect));
      return; // refused or failed before it opened
    }
    if (stopping) return;
    stats.code = code;
    wsCloses.push(stats);
    send({ type: 'ws-closed', close: stats });
    if (reconnect) floodWs(url, localAddress, reconnect);
  });
}

function floodHttp(url: string, path: string, localAddress: string, concurrency: number): void {
  const u = new URL(url);
  agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let reportedLimit = false;
  const loop = () => {
    if (stopping) return;
    const req = http.get({ host: u.hostname, port: Number(u.port), path, agent: agent!, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 200) httpStats.ok++;
        else if (status === 429) {
          httpStats.limited++;
          if (!reportedLimit) {
            reportedLimit = true;
            const retryAfter = res.headers['retry-after'];
            send({ type: 'http-limited', status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, body: Buffer.concat(chunks).toString() });
          }
        } else httpStats.other++;
        loop();
      });
    });
    req.on('error', () => {
      httpStats.failed++;
      setImmediate(loop);
    });
  };
  for (let i = 0; i < concurrency; i++) loop();
}

process.on('message', (m: FlooderCommand) => {
  try {
    if (m.cmd === 'ws') floodWs(m.url, m.localAddress, m.reconnect);
    else if (m.cmd === 'http') floodHttp(m.url, m.path, m.localAddress, m.concurrency);
    else if (m.cmd === 'stop') {
      stopping = true;
      // The connection still open (never cut off) is reported with code 0.
      if (current && current.ws.readyState !== WebSocket.CLOSED && current.stats.sent > 0) wsCloses.push(current.stats);
      current?.ws.terminate();
      agent?.destroy();
      send({ type: 'stopped', ws: wsCloses, wsRefused, http: httpStats });
      process.disconnect();
      setImmediate(() => process.exit(0));
    }
  } catch (err) {
    send({ type: 'error', message: String(err) });
  }
});
process.on('disconnect', () => process.exit(0)); // the parent went away
