/**
 * What ZooKeeper itself sees, beside what the nodes claim: the lower layer of the election (the
 * quorum and a card per server, ZooKeeperServers.tsx), the znodes of the three paths with their
 * stat (a registry entry's data on expand), and the sessions, with a countdown for those ZooKeeper
 * is about to expire. Everything here comes from the gateway's ZooKeeperView (four-letter words
 * and its own znode reads), nothing from the nodes.
 */
import type { ClusterView, ZooKeeperProblem, ZooKeeperSessionView, ZooKeeperView, ZooKeeperZnodeView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { formatClock } from '../format.js';
import { Countdown } from './Countdown.js';
import { ZooKeeperServers } from './ZooKeeperServers.js';

const PARENTS = ['/election', '/coordinators_service_registry', '/workers_service_registry'];

function Problems({ zk }: { zk: ZooKeeperView }) {
  // A server that does not answer at all is one fact, which its card says ("down"): not one line per word.
  const down = new Set(zk.servers.filter((s) => s.state === 'down').map((s) => s.address));
  const problems = zk.problems.filter((p) => !(p.kind === 'down' && down.has(p.server)));
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

export function ZooKeeperPanel({ zk, view, controlsDisabled }: { zk: ZooKeeperView | null; view: ClusterView | null; controlsDisabled: boolean }) {
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
          <Problems zk={zk} />
          <ZooKeeperServers zk={zk} rows={rows} controlsDisabled={controlsDisabled} />
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
