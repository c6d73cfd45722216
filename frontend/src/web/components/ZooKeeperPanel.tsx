/**
 * What ZooKeeper itself sees, beside what the nodes claim: the lower layer of the election (the
 * quorum and a card per server, ZooKeeperServers.tsx), the znodes of the three paths with their
 * stat (a registry entry's data on expand), and the sessions, with a countdown for those ZooKeeper
 * is about to expire. Everything here comes from the gateway's ZooKeeperView (four-letter words
 * and its own znode reads), nothing from the nodes.
 */
import { memo, useMemo } from 'react';
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

/** `node`: the table row of the session's owner, when it has one. */
function OwnerLinks({ owner, node }: { owner: string; node: string | null }) {
  if (owner === '0x0') return <span className="muted">persistent</span>;
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

/**
 * Memoised: a view shares unchanged znodes with the one before (state/share.ts), and the owner's
 * row comes as a string, so a znode re-renders only when it or its owner's row changed.
 */
const Znode = memo(function Znode({ znode, ownerRow }: { znode: ZooKeeperZnodeView; ownerRow: string | null }) {
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
              <OwnerLinks owner={s.ephemeralOwner} node={ownerRow} />
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
});

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
            {children.map((child) => {
              const owner = sessions.get(child.stat.ephemeralOwner)?.owner;
              return <Znode key={child.path} znode={child} ownerRow={owner && rows.has(owner) ? owner : null} />;
            })}
          </div>
        );
      })}
    </div>
  );
}

/**
 * One session; memoised on what it shows. Every read renews a live session's expiry, so
 * `expiresAt` is passed only where it is shown (no connection): the rows of live sessions stay put.
 */
const SessionRow = memo(function SessionRow({
  id,
  owner,
  ownerIsRow,
  server,
  connected,
  timeoutMs,
  watches,
  expiresAt,
}: Pick<ZooKeeperSessionView, 'id' | 'owner' | 'server' | 'connected' | 'timeoutMs' | 'watches' | 'expiresAt'> & { ownerIsRow: boolean }) {
  return (
    <tr id={`session-${id}`} data-testid="zk-session" data-session={id} data-owner={owner ?? ''} data-connected={String(connected)}>
      <td className="mono">{id}</td>
      <td>{owner === null ? <span className="muted">—</span> : ownerIsRow ? <a href={`#node-${owner}`}>{shortId(owner)}</a> : shortId(owner)}</td>
      <td>
        {connected === true ? `on ${server}` : connected === false ? <strong className="warn">no connection</strong> : <span className="muted">unknown</span>}
        {timeoutMs !== null && <span className="muted"> · timeout {timeoutMs} ms</span>}
      </td>
      <td className="mono">{watches.length === 0 ? <span className="muted">—</span> : watches.map((w) => <div key={w}>{w}</div>)}</td>
      <td>{connected === false && expiresAt !== null ? <Countdown until={expiresAt} totalMs={timeoutMs} /> : <span className="muted">renewed by pings</span>}</td>
    </tr>
  );
});

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
          <SessionRow
            key={s.id}
            id={s.id}
            owner={s.owner}
            ownerIsRow={s.owner !== null && rows.has(s.owner)}
            server={s.server}
            connected={s.connected}
            timeoutMs={s.timeoutMs}
            watches={s.watches}
            expiresAt={s.connected === false ? s.expiresAt : null}
          />
        ))}
      </tbody>
    </table>
  );
}

/** Memoised: it re-renders with the ZooKeeper view or the snapshot it is given (App defers both). */
export const ZooKeeperPanel = memo(function ZooKeeperPanel({
  zk,
  view,
  controlsDisabled,
}: {
  zk: ZooKeeperView | null;
  view: ClusterView | null;
  controlsDisabled: boolean;
}) {
  // The rows only link here: the set changes when a node comes or goes, not with every snapshot.
  const ids = view?.nodes.map((n) => n.id).join('\n') ?? '';
  const rows = useMemo(() => new Set(ids ? ids.split('\n') : []), [ids]);
  return <ZooKeeperPanelOf zk={zk} rows={rows} controlsDisabled={controlsDisabled} />;
});

/** Memoised: a snapshot that changes no row leaves the panel alone; a ZooKeeper view re-renders only the parts it changed. */
const ZooKeeperPanelOf = memo(function ZooKeeperPanelOf({ zk, rows, controlsDisabled }: { zk: ZooKeeperView | null; rows: Set<string>; controlsDisabled: boolean }) {
  const sessions = useMemo(() => new Map((zk?.sessions ?? []).map((s) => [s.id, s])), [zk?.sessions]);
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
              <ZnodeTree zk={zk} sessions={sessions} rows={rows} />
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
});
