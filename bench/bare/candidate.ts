/**
 * The bare limit's candidate: the textbook ZooKeeper election recipe and nothing else, on the
 * same native `zookeeper` client zkviz uses (none of zkviz's code). An ephemeral sequential znode
 * under a bench-only path; the lowest leads; everyone else watches its predecessor. The moment it
 * leads it tells the stub gateway over a WebSocket opened beforehand. Told to die, it deletes its
 * znode and exits (zkviz's graceful kill does the same).
 *
 *   node --import tsx bench/bare/candidate.ts <zkConnect> <electionPath> <stubWsUrl>
 *
 * Prints one JSON line per event on stdout: {ev, at (Date.now()), ...}.
 */
import { createRequire } from 'node:module';
import WebSocket from 'ws';

interface Native {
  connect(options: Record<string, unknown>, cb: (err: Error | null) => void): void;
  close(): void;
  a_create(path: string, data: string, flags: number, cb: (rc: number, err: string, path: string) => void): number;
  a_get_children(path: string, watch: boolean, cb: (rc: number, err: string, children: string[]) => void): number;
  aw_exists(path: string, w: (type: number) => void, cb: (rc: number, err: string, stat: unknown) => void): number;
  a_delete_(path: string, version: number, cb: (rc: number) => void): number;
}
const zookeeper = createRequire(import.meta.url)('zookeeper') as {
  ZooKeeper: new () => Native;
  constants: { ZOO_EPHEMERAL_SEQUENTIAL: number; ZOO_PERSISTENT: number; ZOO_DELETED_EVENT: number; ZOK: number; ZNONODE: number; ZOO_LOG_LEVEL_ERROR: number };
};
const { ZOO_EPHEMERAL_SEQUENTIAL, ZOO_PERSISTENT, ZOO_DELETED_EVENT, ZOK, ZOO_LOG_LEVEL_ERROR } = zookeeper.constants;

const [connect, root, stubUrl] = process.argv.slice(2) as [string, string, string];
const say = (ev: string, fields: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ ev, at: Date.now(), ...fields }) + '\n');

const zk = new zookeeper.ZooKeeper();
let me = '';
let leading = false;

const stub = new WebSocket(stubUrl);
stub.on('message', (data) => {
  const msg = JSON.parse(data.toString()) as { type: string };
  if (msg.type !== 'die') return;
  say('dying');
  zk.a_delete_(`${root}/${me}`, -1, () => {
    zk.close();
    process.exit(0);
  });
});
stub.on('close', () => process.exit(0));

/** Where am I? Lowest leads; otherwise watch the one just below. */
function check(): void {
  zk.a_get_children(root, false, (rc, _e, children) => {
    if (rc !== ZOK) throw new Error(`get_children: ${rc}`);
    const sorted = children.sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
    const i = sorted.indexOf(me);
    if (i === 0) {
      if (leading) return;
      leading = true;
      stub.send(JSON.stringify({ type: 'leading', id: me }));
      say('leading');
      return;
    }
    const predecessor = sorted[i - 1]!;
    zk.aw_exists(
      `${root}/${predecessor}`,
      (type) => {
        if (type !== ZOO_DELETED_EVENT) return;
        say('predecessor-deleted', { predecessor });
        check();
      },
      (erc) => {
        if (erc !== ZOK) check(); // already gone: look again
      },
    );
  });
}

stub.once('open', () => {
  zk.connect({ connect, timeout: 4000, debug_level: ZOO_LOG_LEVEL_ERROR, host_order_deterministic: false }, (err) => {
    if (err) throw err;
    zk.a_create(root, '', ZOO_PERSISTENT, () => {
      zk.a_create(`${root}/c_`, '', ZOO_EPHEMERAL_SEQUENTIAL, (rc, _e, path) => {
        if (rc !== ZOK) throw new Error(`create: ${rc}`);
        me = path.slice(root.length + 1);
        stub.send(JSON.stringify({ type: 'hello', id: me }));
        say('joined', { id: me });
        check();
      });
    });
  });
});
