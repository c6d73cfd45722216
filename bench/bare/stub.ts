/**
 * The bare limit's stub gateway: one HTTP server with a WebSocket for candidates (/candidate) and
 * one for pages (/page), and a page of a few lines. A candidate says "hello" when it joins and
 * "leading" the moment it leads; the stub pushes the rows to every page at once. A page's kill
 * button asks the stub to tell that candidate to die. No zkviz code.
 *
 *   node --import tsx bench/bare/stub.ts      → prints {"ev":"listening","port":N}
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body>
<table><tbody id="rows"></tbody></table>
<script>
const rows = document.getElementById('rows');
const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/page');
ws.onmessage = (e) => {
  const { view } = JSON.parse(e.data);
  rows.replaceChildren(...view.nodes.map((id) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'node-row';
    tr.dataset.nodeId = id;
    tr.dataset.role = id === view.leader ? 'leader' : 'worker';
    const td = document.createElement('td');
    td.textContent = id + (id === view.leader ? ' (leader)' : '');
    const kill = document.createElement('button');
    kill.dataset.testid = 'kill-graceful';
    kill.textContent = 'kill';
    kill.onclick = () => ws.send(JSON.stringify({ type: 'kill', id }));
    tr.append(td, kill);
    return tr;
  }));
};
</script></body></html>`;

const candidates = new Map<string, WebSocket>();
const pages = new Set<WebSocket>();
let leader: string | null = null;
let seq = 0;

const say = (ev: string, fields: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ ev, at: Date.now(), ...fields }) + '\n');

function push(): void {
  const text = JSON.stringify({ type: 'snapshot', view: { leader, nodes: [...candidates.keys()].sort(), seq: ++seq } });
  for (const p of pages) p.send(text);
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, req) => {
  if (req.url === '/page') {
    pages.add(socket);
    socket.on('close', () => pages.delete(socket));
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id: string };
      if (msg.type !== 'kill') return;
      say('kill-requested', { id: msg.id });
      candidates.get(msg.id)?.send(JSON.stringify({ type: 'die' }));
    });
    push();
    return;
  }
  let id: string | null = null;
  socket.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { type: string; id: string };
    if (msg.type === 'hello') {
      id = msg.id;
      candidates.set(id, socket);
    } else if (msg.type === 'leading') {
      leader = msg.id;
      say('leader-switched', { id: leader });
    }
    push();
  });
  socket.on('close', () => {
    if (id === null) return;
    candidates.delete(id);
    if (leader === id) leader = null;
    push();
  });
});
server.listen(0, '127.0.0.1', () => say('listening', { port: (server.address() as { port: number }).port }));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
