/**
 * The lower layer of the election: ZooKeeper's own servers, one card each with its ZAB role, its
 * zxid as epoch and counter, and the nodes connected to it; above them the quorum in words; in
 * local mode a Stop / Start / Restart per server.
 */
import { memo, useSyncExternalStore } from 'react';
import { ZOOKEEPER_SERVER_OPS, shortId, type ZooKeeperServerOp, type ZooKeeperServerView, type ZooKeeperSessionView, type ZooKeeperView } from '@zkviz/shared';
import { capabilitiesStore, zookeeperServer } from '../faults-api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { quorumSentence, roleOf, sessionsOn, type ConnectedSession } from '../zookeeper/ensemble.js';
import { Outcome } from './Outcome.js';

const OP_LABEL: Record<ZooKeeperServerOp, string> = { stop: 'Stop', start: 'Start', restart: 'Restart' };

function QuorumBanner({ zk }: { zk: ZooKeeperView }) {
  const sentence = quorumSentence(zk.quorum, zk.servers);
  if (!sentence) return null;
  return (
    <p className={`zk-quorum tone-${sentence.tone}`} data-testid="zk-quorum" data-tone={sentence.tone} data-holds={String(zk.quorum.holds)} role="status">
      <strong>{sentence.count}</strong>
      {sentence.meaning && `: ${sentence.meaning}`}
    </p>
  );
}

/** Stop / Start / Restart of one server (local mode): one action at a time per card. */
function ServerControls({ server, disabled }: { server: ZooKeeperServerView; disabled: boolean }) {
  const past = useShowingPast();
  const { pending, outcome, run } = useAction();
  return (
    <div className="zk-server-controls">
      {ZOOKEEPER_SERVER_OPS.map((op) => (
        <button
          key={op}
          type="button"
          className="secondary"
          data-testid={`zookeeper-${op}`}
          aria-label={`${OP_LABEL[op]} ZooKeeper server ${server.id} (${server.address})`}
          disabled={disabled || past || pending !== null}
          onClick={() => void run(op, () => zookeeperServer(String(server.id), op))}
        >
          {pending === op ? 'Working…' : OP_LABEL[op]}
        </button>
      ))}
      <Outcome outcome={outcome} testId="zookeeper-outcome" />
    </div>
  );
}

const sameConnections = (a: readonly ConnectedSession[], b: readonly ConnectedSession[]) =>
  a.length === b.length && a.every((c, i) => c.session === b[i]!.session && c.owner === b[i]!.owner);

/** Memoised on who is connected: every read renews each session's expiry, which this list does not show. */
const ConnectedNodes = memo(
  function ConnectedNodes({ on, rows }: { on: ConnectedSession[]; rows: Set<string> }) {
    // Sessions no election znode names (slot supervisors, tools): counted, not listed.
    const others = on.filter((c) => c.owner === null);
    const named = on.filter((c) => c.owner !== null);
    if (on.length === 0) return <span className="muted">none</span>;
    return (
      <ul className="zk-server-nodes" data-testid="zk-server-nodes">
        {named.map(({ session, owner }) => (
          <li key={session} data-testid="zk-server-node" data-owner={owner} data-session={session}>
            {owner === 'gateway' ? (
              'gateway'
            ) : rows.has(owner!) ? (
              <a href={`#node-${owner}`} className="mono">
                {shortId(owner!)}
              </a>
            ) : (
              <span className="mono">{shortId(owner!)}</span>
            )}
          </li>
        ))}
        {others.length > 0 && (
          <li className="muted" title={others.map((c) => c.session).join(' ')}>
            +{others.length} other session{others.length === 1 ? '' : 's'}
          </li>
        )}
      </ul>
    );
  },
  (a, b) => a.rows === b.rows && sameConnections(a.on, b.on),
);

function ServerCard({
  server,
  sessions,
  rows,
  controls,
}: {
  server: ZooKeeperServerView;
  sessions: readonly ZooKeeperSessionView[];
  rows: Set<string>;
  controls: boolean | null;
}) {
  return (
    <div
      className={`zk-server state-${server.state} mode-${server.mode ?? 'none'}`}
      data-testid="zk-server"
      data-server-id={server.id}
      data-state={server.state}
      data-mode={server.mode ?? ''}
      data-epoch={server.epoch ?? ''}
    >
      <div className="zk-server-head">
        <span>
          <span className="muted">server {server.id}</span> <span className="mono">{server.address}</span>
        </span>
        <span className={`badge state-${server.state}`}>{server.state}</span>
      </div>
      <div className="zk-mode" data-testid="zk-mode">
        {roleOf(server)}
      </div>
      <dl>
        <dt>zxid</dt>
        <dd className="mono" title={server.zxid ?? ''} data-testid="zk-zxid">
          {server.epoch !== null ? `epoch ${server.epoch} · counter ${server.counter}` : '—'}
        </dd>
        <dt>nodes here</dt>
        <dd>
          <ConnectedNodes on={sessionsOn(server, sessions)} rows={rows} />
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
      {controls !== null && <ServerControls server={server} disabled={!controls} />}
    </div>
  );
}

/** `controlsDisabled`: the link is down or the page shows the past (the buttons stay, greyed). */
export function ZooKeeperServers({ zk, rows, controlsDisabled }: { zk: ZooKeeperView; rows: Set<string>; controlsDisabled: boolean }) {
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const ensemble = zk.servers.length > 1;
  return (
    <>
      <QuorumBanner zk={zk} />
      <div className="zk-servers">
        {zk.servers.map((s) => (
          <ServerCard key={s.id} server={s} sessions={zk.sessions} rows={rows} controls={capabilities.zookeeperControl ? !controlsDisabled : null} />
        ))}
      </div>
      <p className="muted small zk-legend">
        zxid = epoch · counter: the counter rises with every write, the epoch with every ZAB election (a new ZooKeeper leader
        {ensemble ? '' : '; a standalone server has none'}).
        {ensemble && ' The nodes elect their leader on top of this ensemble, which answers only while a majority of its servers serve.'}
      </p>
    </>
  );
}
