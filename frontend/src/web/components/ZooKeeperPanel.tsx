/**
 * What ZooKeeper itself sees, beside what the nodes claim: a card per server, the znodes of the
 * three paths with their stat (a registry entry's data on expand), and the sessions, with a
 * countdown for those ZooKeeper is about to expire. Everything here comes from the gateway's
 * ZooKeeperView (four-letter words and its own znode reads), nothing from the nodes.
 */
import type { ClusterView, ZooKeeperProblem, ZooKeeperServerView, ZooKeeperSessionView, ZooKeeperView, ZooKeeperZnodeView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { formatClock } from '../format.js';
import { Countdown } from './Countdown.js';

const PARENTS = ['/election', '/coordinators_service_registry', '/workers_service_registry'];

function Problems({ problems }: { problems: ZooKeeperProblem[] }) {
  if (problems.length === 0) return null;
  // One line per (source, kind, fix): the same refusal on three servers is one thing to change.
  const seen = new Map<string, { p: ZooKeeperProblem; servers: string[] }>();
  for (const p of problems) {
    const key = `${p.source}|${p.kind}|${p.fix ?? ''}`;
    const entry = seen.get(key) ?? { p, servers: [] };
    entry.servers.push(p.server);
    seen.set(key, entry);
  }
  return (
    <ul className="zk-problems" data-testid="zk-problems">
      {[...seen.values()].map(({ p, servers }) => (
        <li key={`${p.source}|${p.kind}|${servers.join()}`} data-kind={p.kind} data-source={p.source}>
          <strong>{p.source}</strong> {p.kind === 'refused' ? 'refused' : p.kind} on {servers.join(', ')}: <span className="muted">{p.message}</span>
          {p.fix && (
            <div className="fix" data-testid="zk-fix">
              To fix: {p.fix}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function ServerCard({ server }: { server: ZooKeeperServerView }) {
  return (
    <div className={`zk-server state-${server.state}`} data-testid="zk-server" data-state={server.state} data-mode={server.mode ?? ''}>
      <div className="zk-server-head">
        <span className="mono">{server.address}</span>
        <span className={`badge state-${server.state}`}>{server.state}</span>
      </div>
      <div className="zk-mode" data-testid="zk-mode">
        {server.mode ?? 'mode unknown'}
      </div>
      <dl>
        <dt>zxid</dt>
        <dd className="mono" title={server.zxid ?? ''}>
          {server.epoch !== null ? `epoch ${server.epoch} / counter ${server.counter}` : '—'}
        </dd>
        <dt>latency</dt>
        <dd>{server.latency ? `${server.latency.min}/${server.latency.avg}/${server.latency.max} ms` : '—'}</dd>
        <dt>connections</dt>
        <dd>{server.connections ?? '—'}</dd>
        <dt>watches</dt>
        <dd>{server.watchCount ?? '—'}</dd>
        <dt>znodes</dt>
        <dd>{server.znodeCount ?? '—'}</dd>
        <dt>version</dt>
        <dd>{server.version ?? '—'}</dd>
      </dl>
    </div>
  );
}

function prettyData(data: string | null): string {
  if (data === null) return '(empty)';
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

function OwnerLinks({ owner, sessions, rows }: { owner: string; sessions: Map<string, ZooKeeperSessionView>; rows: Set<string> }) {
  if (owner === '0x0') return <span className="muted">persistent</span>;
  const session = sessions.get(owner);
  const node = session?.owner && rows.has(session.owner) ? session.owner : null;
  return (
    <>
      <a href={`#session-${owner}`} className="mono" data-testid="owner-session">
        {owner}
      </a>
      {node && (
        <>
          {' · '}
          <a href={`#node-${node}`} data-testid="owner-row">
            row {shortId(node)}
          </a>
        </>
      )}
    </>
  );
}

function Znode({ znode, sessions, rows }: { znode: ZooKeeperZnodeView; sessions: Map<string, ZooKeeperSessionView>; rows: Set<string> }) {
  const name = znode.path.slice(znode.path.lastIndexOf('/') + 1);
  const s = znode.stat;
  return (
    <details className="znode" data-testid="znode" data-path={znode.path}>
      <summary>
        <span className="mono">{shortId(name)}</span> <span className="muted">v{s.version}</span>{' '}
        {s.ephemeralOwner !== '0x0' && <span className="muted">owner {s.ephemeralOwner}</span>}
      </summary>
      <table className="stat">
        <tbody>
          <tr>
            <th>czxid / mzxid</th>
            <td className="mono">
              {s.czxid} / {s.mzxid}
            </td>
          </tr>
          <tr>
            <th>ctime / mtime</th>
            <td className="mono">
              {formatClock(s.ctime)} / {formatClock(s.mtime)}
            </td>
          </tr>
          <tr>
            <th>version</th>
            <td>{s.version}</td>
          </tr>
          <tr>
            <th>ephemeralOwner</th>
            <td>
              <OwnerLinks owner={s.ephemeralOwner} sessions={sessions} rows={rows} />
            </td>
          </tr>
          <tr>
            <th>dataLength</th>
            <td>{s.dataLength}</td>
          </tr>
        </tbody>
      </table>
      <pre className="znode-data" data-testid="znode-data">
        {prettyData(znode.data)}
      </pre>
    </details>
  );
}

function ZnodeTree({ zk, sessions, rows }: { zk: ZooKeeperView; sessions: Map<string, ZooKeeperSessionView>; rows: Set<string> }) {
  return (
    <div className="zk-tree" data-testid="zk-tree">
      {PARENTS.map((parent) => {
        const node = zk.znodes.find((z) => z.path === parent);
        const children = zk.znodes.filter((z) => z.path.startsWith(`${parent}/`));
        return (
          <div key={parent} className="zk-parent">
            <div className="mono">
              {parent}{' '}
              {node ? (
                <span className="muted">
                  ({node.stat.numChildren} children, cversion {node.stat.cversion})
                </span>
              ) : (
                <span className="muted">(absent)</span>
              )}
            </div>
            {children.map((child) => (
              <Znode key={child.path} znode={child} sessions={sessions} rows={rows} />
            ))}
          </div>
        );
      })}
    </div>
  );
}

function Sessions({ zk, rows }: { zk: ZooKeeperView; rows: Set<string> }) {
  if (zk.sessions.length === 0) return <p className="muted">No sessions reported.</p>;
  return (
    <table className="zk-sessions" data-testid="zk-sessions">
      <thead>
        <tr>
          <th>Session</th>
          <th>Owner</th>
          <th>Connection</th>
          <th>Watches</th>
          <th>Expiry</th>
        </tr>
      </thead>
      <tbody>
        {zk.sessions.map((s) => (
          <tr key={s.id} id={`session-${s.id}`} data-testid="zk-session" data-session={s.id} data-owner={s.owner ?? ''} data-connected={String(s.connected)}>
            <td className="mono">{s.id}</td>
            <td>
              {s.owner === null ? <span className="muted">—</span> : rows.has(s.owner) ? <a href={`#node-${s.owner}`}>{shortId(s.owner)}</a> : shortId(s.owner)}
            </td>
            <td>
              {s.connected === true ? (
                `on ${s.server}`
              ) : s.connected === false ? (
                <strong className="warn">no connection</strong>
              ) : (
                <span className="muted">unknown</span>
              )}
              {s.timeoutMs !== null && <span className="muted"> · timeout {s.timeoutMs} ms</span>}
            </td>
            <td className="mono">{s.watches.length === 0 ? <span className="muted">—</span> : s.watches.map((w) => <div key={w}>{w}</div>)}</td>
            <td>
              {s.connected === false && s.expiresAt !== null ? (
                <Countdown until={s.expiresAt} totalMs={s.timeoutMs} />
              ) : (
                <span className="muted">renewed by pings</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ZooKeeperPanel({ zk, view }: { zk: ZooKeeperView | null; view: ClusterView | null }) {
  const rows = new Set(view?.nodes.map((n) => n.id) ?? []);
  return (
    <section className="card zk-panel" data-testid="zk-panel">
      <h2>
        What ZooKeeper sees{' '}
        {zk && (
          <span className="muted small">
            read {formatClock(zk.updatedAt)} · {zk.source.join(', ') || 'nothing answered'}
          </span>
        )}
      </h2>
      {!zk ? (
        <p className="muted">Waiting for the gateway&apos;s first ZooKeeper read…</p>
      ) : (
        <>
          <Problems problems={zk.problems} />
          <div className="zk-servers">
            {zk.servers.map((s) => (
              <ServerCard key={s.id} server={s} />
            ))}
          </div>
          <div className="columns">
            <div>
              <h3>Znodes</h3>
              <ZnodeTree zk={zk} sessions={new Map(zk.sessions.map((s) => [s.id, s]))} rows={rows} />
            </div>
            <div>
              <h3>Sessions</h3>
              <Sessions zk={zk} rows={rows} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
