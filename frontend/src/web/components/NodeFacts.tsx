/**
 * The table's ZooKeeper checks, in cells of their own: whether ZooKeeper confirms the watch a node
 * claims, and a ghost's countdown. Kept out of NodeTable so the table's layout can change freely.
 */
import type { NodeView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { Countdown } from './Countdown.js';

export function WatchingCell({ node }: { node: NodeView }) {
  if (!node.watching) return <span className="muted">—</span>;
  const session = node.session ? `session ${node.session}` : 'session unknown';
  const title =
    node.watchConfirmed === true
      ? `ZooKeeper confirms: ${session} holds a data watch on /election/${node.watching}`
      : node.watchConfirmed === false
        ? `ZooKeeper holds NO watch by ${session} on /election/${node.watching}`
        : `${node.watching} (not checked against ZooKeeper: ${session})`;
  return (
    <span className="watching" title={title} data-testid="watching" data-confirmed={String(node.watchConfirmed)}>
      {shortId(node.watching)}{' '}
      {node.watchConfirmed === true && (
        <span className="watch-ok" aria-label="confirmed by ZooKeeper">
          ✓
        </span>
      )}
      {node.watchConfirmed === false && (
        <span className="watch-missing" aria-label="not held by ZooKeeper">
          ⚠ not held
        </span>
      )}
    </span>
  );
}

/** Under the node's type: a ghost is gone as a process, but ZooKeeper still holds its session. */
export function LivenessNote({ node, timeoutMs }: { node: NodeView; timeoutMs: number | null }) {
  if (node.liveness !== 'ghost') return null;
  return (
    <span className="ghost-note" data-testid="ghost-note" title={`process gone; ZooKeeper holds session ${node.session ?? '?'} until it expires`}>
      <span className="badge ghost">ghost</span>{' '}
      {node.sessionExpiresAt !== null ? <Countdown until={node.sessionExpiresAt} totalMs={timeoutMs} /> : <span className="muted">session held</span>}
    </span>
  );
}
