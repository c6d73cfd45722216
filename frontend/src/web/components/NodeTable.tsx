import { memo, type CSSProperties, type ReactNode } from 'react';
import type { ClusterView, NodeView, SlotView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';
import { ActionsMenu } from './ActionsMenu.js';
import { useControls } from './controls.js';
import { DownSlotRows } from './DownSlotRows.js';
import { KillControls } from './KillControls.js';
import { SlotStatus } from './SlotStatus.js';
import { LivenessNote, WatchingCell } from './NodeFacts.js';

/** What a row's cells need besides the node. Each field is the row's own, so a memoised row re-renders only when one changes. */
interface CellContext {
  /** The slot this node runs in, if a supervisor owns it. */
  slot: SlotView | null;
  /** The negotiated timeout of the node's session (the ZooKeeper view), for a ghost's countdown bar. */
  timeoutMs: number | null;
}

/** The actions cell: kill buttons and the fault menu, live as the controls context says. */
function RowActions({ node, slot }: { node: NodeView; slot: SlotView | null }) {
  const { killDisabled, linkDown } = useControls();
  return (
    <div className="row-actions">
      <KillControls id={node.id} disabled={killDisabled} />
      <ActionsMenu node={node} slot={slot} disabled={linkDown} />
    </div>
  );
}

/** One entry per column: its header and how a node fills its cell. A new column is one entry. */
interface NodeColumn {
  key: string;
  /** Header text; a column without one (the actions) gets `ariaLabel` instead. */
  header?: string;
  ariaLabel?: string;
  className?: string;
  /**
   * The column's grid track. Every row is a grid of these same tracks (styles.css), never sized by
   * content: a row that changes, comes or goes is laid out alone, not every cell of 100 rows again
   * to find the column widths; and a row off screen is not laid out or painted at all.
   */
  track: string;
  cell: (node: NodeView, ctx: CellContext) => ReactNode;
}

const none = <span className="muted">—</span>;

const NODE_COLUMNS: readonly NodeColumn[] = [
  {
    key: 'znode',
    track: 'minmax(9.5em, 30fr)',
    header: 'Znode',
    cell: (node, ctx) => (
      <>
        <span className="znode-short">{shortId(node.id)}</span>
        <span className="znode-full">{node.id}</span>
        {ctx.slot && <SlotStatus slot={ctx.slot} />}
      </>
    ),
  },
  {
    key: 'type',
    track: 'minmax(7em, 10fr)',
    header: 'Type',
    cell: (node, ctx) => (
      <>
        {node.role === 'leader' ? <span className="badge leader">leader</span> : <span className="badge">{node.role}</span>}
        <LivenessNote node={node} timeoutMs={ctx.timeoutMs} />
      </>
    ),
  },
  {
    key: 'watching',
    track: 'minmax(10em, 15fr)',
    header: 'Watching',
    className: 'mono',
    // ✓ when ZooKeeper holds the watch the node claims, a warning when it does not (NodeFacts.tsx).
    cell: (node) => <WatchingCell node={node} />,
  },
  { key: 'address', header: 'Address', className: 'mono', track: 'minmax(10.5em, 16fr)', cell: (node) => node.address ?? none },
  {
    key: 'actions',
    track: 'minmax(6.5em, 29fr)',
    ariaLabel: 'Actions',
    cell: (node, ctx) => <RowActions node={node} slot={ctx.slot} />,
  },
];

/** The columns' tracks, for every row's grid (styles.css reads the variable). */
const COLUMN_TRACKS = { '--node-columns': NODE_COLUMNS.map((c) => c.track).join(' ') } as CSSProperties;

/** One row; memoised: the page shares unchanged nodes and slots between messages (state/share.ts). */
const NodeRow = memo(function NodeRow({ node, slot, timeoutMs }: { node: NodeView } & CellContext) {
  const ctx: CellContext = { slot, timeoutMs };
  const classes = [
    node.role === 'leader' ? 'leader-row' : '',
    slot && slot.state !== 'running' ? `slot-${slot.state}` : '',
    node.liveness === 'ghost' ? 'ghost-row' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <tr
      className={classes || undefined}
      id={`node-${node.id}`}
      data-liveness={node.liveness}
      data-testid="node-row"
      data-node-id={node.id}
      data-role={node.role}
      data-slot={slot?.slot}
      data-slot-state={slot?.state}
      // Focusable, so a keyboard user can land on a node and press Enter to reach its actions.
      tabIndex={0}
      aria-label={`${shortId(node.id)}, ${node.role}`}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' || e.target !== e.currentTarget) return;
        e.preventDefault();
        e.currentTarget.querySelector<HTMLElement>('button:not(:disabled), a[href]')?.focus();
      }}
    >
      {NODE_COLUMNS.map((column) => (
        // data-label: the phone layout turns rows into cards and writes each cell's header before it.
        <td key={column.key} className={column.className} data-label={column.header}>
          {column.cell(node, ctx)}
        </td>
      ))}
    </tr>
  );
});

/**
 * Memoised: it re-renders when the view or the sessions' timeouts change, not with every message
 * the page's history records; the controls' state comes by context (controls.ts).
 */
export const NodeTable = memo(function NodeTable({ view, sessionTimeouts }: { view: ClusterView; sessionTimeouts?: ReadonlyMap<string, number> }) {
  const slots = new Map(view.slots.map((s) => [s.slot, s]));
  return (
    <section className={`card${view.stale ? ' stale' : ''}`} data-testid="node-table" data-stale={view.stale}>
      <h2>Nodes {view.stale && <span className="stale-tag">last known — stale</span>}</h2>
      {view.nodes.length === 0 && view.slots.length === 0 ? (
        <p className="muted">No nodes yet.</p>
      ) : (
        <table className="node-table" style={COLUMN_TRACKS}>
          <thead>
            <tr>
              {NODE_COLUMNS.map((column) => (
                <th key={column.key} aria-label={column.ariaLabel}>
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.nodes.map((node) => (
              <NodeRow
                key={node.id}
                node={node}
                slot={node.slot ? (slots.get(node.slot) ?? null) : null}
                timeoutMs={(node.session && sessionTimeouts?.get(node.session)) || null}
              />
            ))}
            <DownSlotRows view={view} columns={NODE_COLUMNS.length} />
          </tbody>
        </table>
      )}
    </section>
  );
});
