/** The servers of a ZooKeeper connect string (`h1:2181,h2:2181/chroot`), in order. */
export interface ZooKeeperServerAddress {
  id: number;
  host: string;
  port: number;
  /** host:port as written. */
  address: string;
}

export function serversOf(connect: string): ZooKeeperServerAddress[] {
  const hosts = connect.split('/')[0] ?? '';
  const servers: ZooKeeperServerAddress[] = [];
  for (const part of hosts.split(',')) {
    const address = part.trim();
    if (!address) continue;
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(address);
    if (!m) continue;
    const port = m[3] ? Number(m[3]) : 2181;
    if (port < 1 || port > 65_535) continue;
    servers.push({ id: servers.length + 1, host: m[1] ?? m[2]!, port, address });
  }
  return servers;
}
