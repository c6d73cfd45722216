/**
 * The node's way to ZooKeeper: one TCP proxy per server of the connect string, inside the
 * supervisor. A partition is this relay dropping or resetting the node's traffic; the node's HTTP
 * server is untouched, so it keeps answering while it is cut off from ZooKeeper.
 */
import { TcpProxy, type ProxyMode } from '@zkviz/shared/net';

export class ZooKeeperRelay {
  private constructor(
    private readonly proxies: TcpProxy[],
    private readonly chroot: string,
  ) {}

  /** `host:port[,host:port][/chroot]` → one local proxy per server. */
  static async start(upstream: string, slot: string): Promise<ZooKeeperRelay> {
    const at = upstream.indexOf('/');
    const servers = (at >= 0 ? upstream.slice(0, at) : upstream).split(',').filter(Boolean);
    const chroot = at >= 0 ? upstream.slice(at) : '';
    const proxies = await Promise.all(servers.map((server) => TcpProxy.start(server, { name: `relay-${slot}-${server}` })));
    return new ZooKeeperRelay(proxies, chroot);
  }

  /** What the node gets as ZK_CONNECT. */
  get connectString(): string {
    return this.proxies.map((p) => p.connectString).join(',') + this.chroot;
  }

  get mode(): ProxyMode {
    return this.proxies[0]?.mode ?? 'pass';
  }

  setMode(mode: ProxyMode): void {
    for (const p of this.proxies) p.setMode(mode);
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
  }
}
