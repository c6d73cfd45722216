/**
 * Many plain WebSocket viewers in one process (forked by viewers.ts, talks over IPC), so the
 * bench's own process and the gateway do not share an event loop with them.
 *
 * Parent → child: {cmd:'connect', url, count} | {cmd:'slow', url} | {cmd:'resume-slow'} | {cmd:'close'}
 * Child → parent: {type:'connected', count, ms} | {type:'complete', seq, updatedAt, lat, bytes}
 *                 | {type:'slow-connected'} | {type:'slow-report', ...}
 * A view counts as delivered to a viewer when a snapshot with that `seq` (or a newer one) arrives.
 */
import { GATEWAY_ROUTES } from '@zkviz/shared';
import WebSocket from 'ws';

type Msg = { cmd: 'connect'; url: string; count: number } | { cmd: 'slow'; url: string } | { cmd: 'resume-slow' } | { cmd: 'close' };

const send = (m: unknown) => process.send!(m);
const viewers: WebSocket[] = [];
/** seq → per-viewer latency (receipt − view.updatedAt), in arrival order. */
const bySeq = new Map<number, { updatedAt: number; lat: number[]; bytes: number }>();
let slow: WebSocket | null = null;
let slowReceived = 0;
let slowLastSeq = -1;
let slowClosed: string | null = null;

function viewOf(text: string): { seq?: number; updatedAt?: number } | undefined {
  try {
    return (JSON.parse(text) as { view?: { seq?: number; updatedAt?: number } }).view;
  } catch {
    return undefined;
  }
}

function onSnapshot(text: string, at: number): void {
  // Parsed, not matched at the end: the view's seq and updatedAt are not its last keys (slots follow).
  const view = viewOf(text);
  const seq = Number(view?.seq ?? NaN);
  if (!Number.isFinite(seq)) return;
  let entry = bySeq.get(seq);
  if (!entry) {
    entry = { updatedAt: Number(view?.updatedAt ?? NaN), lat: [], bytes: Buffer.byteLength(text) };
    bySeq.set(seq, entry);
  }
  entry.lat.push(at - entry.updatedAt);
  if (entry.lat.length === viewers.length) {
    send({ type: 'complete', seq, updatedAt: entry.updatedAt, lat: entry.lat, bytes: entry.bytes });
    bySeq.delete(seq);
  }
}

function open(url: string, onText: (text: string, at: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${GATEWAY_ROUTES.ws}`, { perMessageDeflate: false });
    let first = true;
    ws.on('message', (data) => {
      const at = Date.now();
      const text = data.toString();
      if (!text.startsWith('{"type":"snapshot"')) return;
      if (first) {
        // The snapshot every client gets on connect is not an update.
        first = false;
        resolve(ws);
        return;
      }
      onText(text, at);
    });
    ws.once('error', reject);
  });
}

async function connect(url: string, count: number): Promise<void> {
  const t = Date.now();
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(url, onSnapshot)));
    viewers.push(...batch);
  }
  bySeq.clear();
  send({ type: 'connected', count: viewers.length, ms: Date.now() - t });
}

process.on('message', (m: Msg) => {
  switch (m.cmd) {
    case 'connect':
      void connect(m.url, m.count).catch((err: unknown) => send({ type: 'error', message: String(err) }));
      return;
    case 'slow':
      void open(m.url, (text) => {
        slowReceived++;
        slowLastSeq = Number(viewOf(text)?.seq ?? slowLastSeq);
      }).then((ws) => {
        slow = ws;
        // Stop reading: the kernel buffers fill, then the gateway's ws buffers; never drained.
        (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
        ws.on('close', (code) => (slowClosed = `closed by the gateway (code ${code})`));
        send({ type: 'slow-connected' });
      });
      return;
    case 'resume-slow': {
      if (!slow) return;
      (slow as unknown as { _socket: import('node:net').Socket })._socket.resume();
      let quiet: NodeJS.Timeout;
      const report = () => send({ type: 'slow-report', received: slowReceived, lastSeq: slowLastSeq, closed: slowClosed });
      const arm = () => {
        clearTimeout(quiet);
        quiet = setTimeout(report, 500);
      };
      slow.on('message', arm);
      arm();
      return;
    }
    case 'close':
      for (const v of viewers) v.terminate();
      slow?.terminate();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
