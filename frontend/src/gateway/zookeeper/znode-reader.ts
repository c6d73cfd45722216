/**
 * Reads /election and both registries with their children (stat and data) through the gateway's
 * own session. A child watch on each of the three parents (re-armed on every read after it fired)
 * tells the source when to read again; the children's data is read without a watch, so the
 * gateway never shows up in `wchc` on a node's znode.
 */
import { COORDINATORS_REGISTRY_PATH, ELECTION_PATH, WORKERS_REGISTRY_PATH, type ZooKeeperZnodeStat, type ZooKeeperZnodeView } from '@zkviz/shared';
import { ZNONODE, ZOK, rcName, type ZkConnection, type ZkStat } from '@zkviz/shared/zk';
import type { ZnodeReading } from './build-view.js';

export const VIEW_PATHS = [ELECTION_PATH, COORDINATORS_REGISTRY_PATH, WORKERS_REGISTRY_PATH] as const;
const MAX_DATA_CHARS = 4096;

/** The addon's stat carries more than ZkStat declares: times as Date, owner as bare hex. */
type RawStat = ZkStat & { ctime?: Date | number | string; mtime?: Date | number | string };

const hex = (n: number | string) => `0x${BigInt(typeof n === 'string' ? `0x${n.replace(/^0x/i, '') || '0'}` : n).toString(16)}`;
const ms = (t: Date | number | string | undefined) => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : t ? Date.parse(t) : 0);

export function toZnodeStat(stat: ZkStat): ZooKeeperZnodeStat {
  const raw = stat as RawStat;
  return {
    czxid: hex(raw.czxid),
    mzxid: hex(raw.mzxid),
    ctime: ms(raw.ctime),
    mtime: ms(raw.mtime),
    version: raw.version,
    cversion: raw.cversion,
    ephemeralOwner: hex(String(raw.ephemeralOwner)),
    dataLength: raw.dataLength,
    numChildren: raw.numChildren,
  };
}

function dataText(data: Buffer | undefined): string | null {
  if (!data || data.length === 0) return null;
  const text = data.toString('utf8');
  return text.length > MAX_DATA_CHARS ? text.slice(0, MAX_DATA_CHARS) : text;
}

export class ZnodeReader {
  private readonly armed = new Set<string>();
  private session: string | null = null;

  constructor(
    private readonly zk: ZkConnection,
    /** Called when a child watch fires. */
    private readonly onChange: () => void,
  ) {}

  async read(): Promise<ZnodeReading> {
    const session = this.zk.currentSession?.id ?? null;
    // A new session carries none of the old session's watches.
    if (session !== this.session) {
      this.armed.clear();
      this.session = session;
    }
    if (!this.zk.isConnected) return { ok: false, message: 'the gateway has no ZooKeeper connection' };
    const znodes: ZooKeeperZnodeView[] = [];
    for (const path of VIEW_PATHS) {
      const parent = await this.zk.getData(path);
      if (parent.rc === ZNONODE) continue; // not created yet: nothing to show
      if (parent.rc !== ZOK || !parent.stat) return { ok: false, message: `reading ${path}: ${rcName(parent.rc)}` };
      znodes.push({ path, stat: toZnodeStat(parent.stat), data: dataText(parent.data) });
      const arm = !this.armed.has(path);
      if (arm) this.armed.add(path);
      const listed = await this.zk.getChildren(path, arm ? () => this.fired(path) : undefined);
      if (listed.rc !== ZOK || !listed.children) {
        if (arm) this.armed.delete(path);
        if (listed.rc === ZNONODE) continue;
        return { ok: false, message: `listing ${path}: ${rcName(listed.rc)}` };
      }
      const children = await Promise.all([...listed.children].sort().map(async (name) => ({ name, got: await this.zk.getData(`${path}/${name}`) })));
      for (const { name, got } of children) {
        if (got.rc === ZNONODE) continue; // deleted between the list and the read; the watch fires
        if (got.rc !== ZOK || !got.stat) return { ok: false, message: `reading ${path}/${name}: ${rcName(got.rc)}` };
        znodes.push({ path: `${path}/${name}`, stat: toZnodeStat(got.stat), data: dataText(got.data) });
      }
    }
    return { ok: true, znodes };
  }

  private fired(path: string): void {
    this.armed.delete(path);
    this.onChange();
  }
}
