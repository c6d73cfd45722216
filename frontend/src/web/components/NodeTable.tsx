import type { ClusterView, NodeView, SlotView } from '@zkviz/shared';
import { shortId } from '../format.js';
import { ActionsMenu } from './ActionsMenu.js';
import { DownSlotRows } from './DownSlotRows.js';
import { KillControls } from './KillControls.js';
import { SlotStatus } from './SlotStatus.js';

const COLUMNS = 5;

function NodeRow({ node, slot, killDisabled, linkDown }: { node: NodeView; slot: SlotView | null; killDisabled: boolean; linkDown: boolean }) {
  const isLeader = node.role === 'leader';
  return (
    <tr
      className={[isLeader ? 'leader-row' : '', slot && slot.state !== 'running' ? `slot-${slot.state}` : ''].join(' ').trim() || undefined}
      data-testid="node-row"
      data-node-id={node.id}
      data-role={node.role}
      data-slot={slot?.slot}
      data-slot-state={slot?.state}
    >
      <td>
        <span className="znode-short">{shortId(node.id)}</span>
        <span className="znode-full">{node.id}</span>
        {slot && <SlotStatus slot={slot} />}
      </td>
      <td>{isLeader ? <span className="badge leader">leader</span> : <span className="badge">{node.role}</span>}</td>
      <td className="mono">{node.watching ? <span title={node.watching}>{shortId(node.watching)}</span> : <span className="muted">—</span>}</td>
      <td className="mono">{node.address ?? <span className="muted">—</span>}</td>
      <td>
        <div className="row-actions">
          <KillControls id={node.id} disabled={killDisabled} />
          <ActionsMenu node={node} slot={slot} disabled={linkDown} />
        </div>
      </td>
    </tr>
  );
}

export function NodeTable({ view, killDisabled, linkDown = false }: { view: ClusterView; killDisabled: boolean; linkDown?: boolean }) {
  const slots = new Map((view.slots ?? []).map((s) => [s.slot, s]));
  return (
    <section className={`card${view.stale ? ' stale' : ''}`} data-testid="node-table" data-stale={view.stale}>
      <h2>Nodes {view.stale && <span className="stale-tag">last known — stale</span>}</h2>
      {view.nodes.length === 0 && (view.slots ?? []).length === 0 ? (
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
              <NodeRow key={node.id} node={node} slot={node.slot ? (slots.get(node.slot) ?? null) : null} killDisabled={killDisabled} linkDown={linkDown} />
            ))}
            <DownSlotRows view={view} columns={COLUMNS} />
          </tbody>
        </table>
      )}
    </section>
  );
}
