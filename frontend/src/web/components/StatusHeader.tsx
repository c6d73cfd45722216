import type { ClusterView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import type { GatewayLink } from '../state/stream-state.js';

const LINK_TEXT: Record<GatewayLink | 'past', string> = {
  past: 'Showing the past',
  connecting: 'Connecting to gateway…',
  live: 'Live',
  reconnecting: 'Gateway unreachable — reconnecting…',
};

function clusterText(view: ClusterView | null): string {
  if (!view || view.status === 'connecting') return 'Waiting for cluster…';
  if (view.status === 'leaderless') return 'No leader';
  return `Leader ${view.leader ? shortId(view.leader) : '?'} · fencing token ${view.fencingToken ?? '?'}`;
}

export function StatusHeader({ link, view }: { link: GatewayLink | 'past'; view: ClusterView | null }) {
  const status = view?.status ?? 'connecting';
  return (
    <header className="header">
      <h1>
        zkviz <span className="subtitle">ZooKeeper leader election</span>
      </h1>
      <div className="pills">
        <span className={`pill link-${link}`} data-testid="gateway-link" data-link={link}>
          {LINK_TEXT[link]}
        </span>
        <span className={`pill cluster-${status}`} data-testid="cluster-status" data-status={status}>
          {clusterText(view)}
        </span>
        {view && <span className="pill muted">{view.nodes.length} nodes</span>}
      </div>
    </header>
  );
}
