import type { ClusterView, NodeView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { KillControls } from './KillControls.js';

function NodeRow({ node, killDisabled }: { node: NodeView; killDisabled: boolean }) {
  const isLeader = node.role === 'leader';
  return (
    <tr className={isLeader ? 'leader-row' : undefined} data-testid="node-row" data-node-id={node.id} data-role={node.role}>
      <td>
        <span className="znode-short">{shortId(node.id)}</span>
        <span className="znode-full">{node.id}</span>
      </td>
      <td>{isLeader ? <span className="badge leader">leader</span> : <span className="badge">{node.role}</span>}</td>
      <td className="mono">{node.watching ? <span title={node.watching}>{shortId(node.watching)}</span> : <span className="muted">—</span>}</td>
      <td className="mono">{node.address ?? <span className="muted">—</span>}</td>
      <td>
        <KillControls id={node.id} disabled={killDisabled} />
      </td>
    </tr>
  );
}

export function NodeTable({ view, killDisabled }: { view: ClusterView; killDisabled: boolean }) {
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
              <NodeRow key={node.id} node={node} killDisabled={killDisabled} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
