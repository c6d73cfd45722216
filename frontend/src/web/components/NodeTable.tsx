import type { ClusterView, NodeView } from '@zkviz/shared';
import { shortId } from '../format.js';
import { KillControls } from './KillControls.js';
import { LivenessNote, WatchingCell } from './NodeFacts.js';

function NodeRow({ node, killDisabled, timeoutMs }: { node: NodeView; killDisabled: boolean; timeoutMs: number | null }) {
  const isLeader = node.role === 'leader';
  const className = [isLeader ? 'leader-row' : '', node.liveness === 'ghost' ? 'ghost-row' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <tr className={className} id={`node-${node.id}`} data-testid="node-row" data-node-id={node.id} data-role={node.role} data-liveness={node.liveness}>
      <td>
        <span className="znode-short">{shortId(node.id)}</span>
        <span className="znode-full">{node.id}</span>
      </td>
      <td>
        {isLeader ? <span className="badge leader">leader</span> : <span className="badge">{node.role}</span>}
        <LivenessNote node={node} timeoutMs={timeoutMs} />
      </td>
      <td className="mono">
        <WatchingCell node={node} />
      </td>
      <td className="mono">{node.address ?? <span className="muted">—</span>}</td>
      <td>
        <KillControls id={node.id} disabled={killDisabled} />
      </td>
    </tr>
  );
}

export function NodeTable({ view, killDisabled, sessionTimeouts }: { view: ClusterView; killDisabled: boolean; sessionTimeouts?: ReadonlyMap<string, number> }) {
  return (
    <section className={`card${view.stale ? ' stale' : ''}`} data-testid="node-table" data-stale={view.stale}>
      <h2>Nodes {view.stale && <span className="stale-tag">last known — stale</span>}</h2>
      {view.nodes.length === 0 ? (
        <p className="muted">No nodes yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Znode</th>
              <th>Type</th>
              <th>Watching</th>
              <th>Address</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {view.nodes.map((node) => (
              <NodeRow key={node.id} node={node} killDisabled={killDisabled} timeoutMs={(node.session && sessionTimeouts?.get(node.session)) || null} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
