/**
 * The election drawn: one mark per election znode in sequence order, an arrow from each node to
 * the znode it watches (checked against ZooKeeper's own watch list when the gateway has it), the
 * leader, ghosts, frozen and partitioned nodes marked. When a watched znode goes, a dot runs back
 * along the arrow to the one node its deletion wakes. Geometry is in chain/layout.ts.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ClusterView, NodeView, SlotView } from '@zkviz/shared';
import { chainEdges, type ChainNode, type HeldWatches } from '../chain/edges.js';
import { layoutChain, reversePath, type ArrowLayout, type MarkLayout } from '../chain/layout.js';
import { formatDuration, shortId } from '@zkviz/shared';
import { useNow } from '../hooks/useNow.js';
import { ActionsMenu } from './ActionsMenu.js';
import { useControls } from './controls.js';
import { KillControls } from './KillControls.js';

/** Drawing width in SVG units; the SVG scales to its card. */
const DRAW_WIDTH = 760;
const FIRE_MS = 900;

/** Fields of issue 10 (ZooKeeper facts) and issue 11 (slots) read when present. */
type GraphNode = ChainNode & { role: string; liveness?: 'alive' | 'ghost'; sessionExpiresAt?: number | null; slot?: string | null };

export interface ChainGraphProps {
  view: ClusterView;
  /** Data watches per session from ZooKeeper (`wchc`), when known. */
  heldWatches?: HeldWatches | null;
}

interface Firing {
  key: number;
  d: string;
  to: string;
}

/** Memoised: it re-renders for a new view or new watches; the controls' state comes by context (controls.ts). */
export const ChainGraph = memo(function ChainGraph({ view, heldWatches }: ChainGraphProps) {
  const nodes = view.nodes as GraphNode[];
  const layout = useMemo(
    () =>
      layoutChain(
        nodes.map((n) => n.id),
        chainEdges(nodes, heldWatches),
        DRAW_WIDTH,
      ),
    [nodes, heldWatches],
  );
  const slotOf = new Map<string, SlotView>((view.slots ?? []).filter((s) => s.znode).map((s) => [s.znode!, s]));
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const firing = useFiringWatch(layout.arrows, layout.marks);
  // Stable, so a memoised mark re-renders only when what it draws changed.
  const toggleMenu = useCallback((id: string) => setMenuFor((cur) => (cur === id ? null : id)), []);
  const onKey = useCallback((e: KeyboardEvent, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setMenuFor((cur) => (cur === id ? null : id));
    } else if (e.key === 'Escape') setMenuFor(null);
  }, []);
  if (nodes.length === 0) return null;
  const menuNode = nodes.find((n) => n.id === menuFor);

  return (
    <section className="card chain-graph" data-testid="chain-graph" onKeyDown={(e) => e.key === 'Escape' && setMenuFor(null)}>
      <h2>Election chain</h2>
      <div className="chain-scroll">
        <svg
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width="100%"
          style={{ maxWidth: layout.width }}
          role="group"
          aria-label={`Election chain: ${nodes.length} znodes in sequence order; arrows point from each node to the znode it watches`}
        >
          <defs>
            <marker id="chain-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
            </marker>
          </defs>
          {layout.arrows.map((a) => (
            <Arrow key={`${a.from}>${a.to}`} arrow={a} />
          ))}
          {layout.mismatches.map((m) => (
            <g key={`mismatch ${m.from}>${m.to}`} className="watch-mismatch" data-testid="watch-mismatch" data-from={m.from} data-to={m.to}>
              <circle cx={m.x} cy={m.y} r="8" />
              <text x={m.x} y={m.y + 4} textAnchor="middle" aria-hidden="true">
                !
              </text>
              <title>{`${shortId(m.from)} says it watches ${shortId(m.to)}; ZooKeeper holds no such watch`}</title>
            </g>
          ))}
          {layout.marks.map((m) => {
            const node = nodes[m.index]!;
            return (
              <Mark
                key={m.id}
                mark={m}
                node={node}
                slotState={slotOf.get(node.id)?.state ?? null}
                woken={firing?.to === node.id}
                onOpen={toggleMenu}
                onKey={onKey}
              />
            );
          })}
          {firing && (
            <circle key={firing.key} r="6" className="watch-fire" data-testid="watch-fire">
              <animateMotion dur={`${FIRE_MS}ms`} path={firing.d} fill="freeze" />
            </circle>
          )}
        </svg>
      </div>
      {layout.dangling.length > 0 && (
        <p className="muted small" data-testid="chain-dangling">
          {layout.dangling.map((e) => `${shortId(e.from)} still says it watches ${shortId(e.to)}, which is gone`).join('; ')}
        </p>
      )}
      {layout.mismatches.length > 0 && (
        <p className="small mismatch-note" data-testid="chain-mismatch">
          ⚠ {layout.mismatches.map((m) => `${shortId(m.from)} says it watches ${shortId(m.to)}, but ZooKeeper holds no such watch`).join('; ')}
        </p>
      )}
      <p className="legend small muted">
        <span className="lg confirmed">→ watch ZooKeeper holds</span> <span className="lg claimed">→ claimed (ZooKeeper not asked)</span>{' '}
        <span className="lg mismatch">→ (!) claimed, ZooKeeper holds no such watch</span> <span className="lg ghost">dashed: ghost, session not yet expired</span>
      </p>
      {menuNode && (
        <div className="chain-menu" role="dialog" aria-label={`Actions for ${shortId(menuNode.id)}`} data-testid="chain-menu">
          <strong>{shortId(menuNode.id)}</strong>
          <MenuControls node={view.nodes.find((n): n is NodeView => n.id === menuNode.id) ?? null} id={menuNode.id} slot={slotOf.get(menuNode.id) ?? null} />
          <button type="button" onClick={() => setMenuFor(null)}>
            Close
          </button>
        </div>
      )}
    </section>
  );
});

/** The open menu's kill buttons and fault actions, live as the controls context says. */
function MenuControls({ id, node, slot }: { id: string; node: NodeView | null; slot: SlotView | null }) {
  const { killDisabled, linkDown } = useControls();
  return (
    <>
      <KillControls id={id} disabled={killDisabled} />
      <ActionsMenu node={node} slot={slot} disabled={linkDown} />
    </>
  );
}

/** Memoised on what it draws: the layout is recomputed with every ZooKeeper view, its arrows rarely move. */
const Arrow = memo(
  function Arrow({ arrow }: { arrow: ArrowLayout }) {
    return (
      <path
        d={arrow.d}
        className={`watch-arrow ${arrow.kind}`}
        markerEnd="url(#chain-arrowhead)"
        data-testid="watch-arrow"
        data-from={arrow.from}
        data-to={arrow.to}
        data-kind={arrow.kind}
      >
        <title>{`${shortId(arrow.from)} watches ${shortId(arrow.to)} (${arrow.kind.replace(/-/g, ' ')})`}</title>
      </path>
    );
  },
  (a, b) => a.arrow.d === b.arrow.d && a.arrow.kind === b.arrow.kind && a.arrow.from === b.arrow.from && a.arrow.to === b.arrow.to,
);

interface MarkProps {
  mark: MarkLayout;
  node: GraphNode;
  slotState: string | null;
  woken: boolean;
  onOpen: (id: string) => void;
  onKey: (e: KeyboardEvent, id: string) => void;
}

const sameBox = (a: MarkLayout, b: MarkLayout) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

/** Memoised on what it draws (the box by value: the layout is recomputed with every ZooKeeper view). */
const Mark = memo(
  function Mark({ mark, node, slotState, woken, onOpen, onKey }: MarkProps) {
    const ghost = node.liveness === 'ghost';
    const frozen = slotState === 'frozen';
    const partitioned = slotState === 'partitioned';
    const classes = ['chain-mark', node.role, ghost && 'ghost', frozen && 'frozen', partitioned && 'partitioned', woken && 'woken'].filter(Boolean).join(' ');
    let sub: ReactNode = node.role;
    if (ghost) sub = node.sessionExpiresAt ? <GhostLeft until={node.sessionExpiresAt} /> : 'ghost';
    else if (frozen) sub = 'frozen';
    else if (partitioned) sub = 'partitioned';
    const visibleId = shortId(node.id).replace(/^n_0*(?=\d)/, 'n_'); // n_0000000007 → n_7, n_0000000000 → n_0
    const visibleSub = node.role === 'leader' ? 'leader' : sub;
    // The accessible name is the mark's visible text (axe: label-content-name-mismatch); the rest is its description.
    const description = `${node.watching ? `watches ${shortId(node.watching)}. ` : ''}Enter for actions`;
    return (
      <g
        className={classes}
        tabIndex={0}
        role="button"
        aria-description={description}
        data-testid="chain-mark"
        data-node-id={node.id}
        data-role={node.role}
        data-liveness={node.liveness ?? 'unknown'}
        onClick={() => onOpen(node.id)}
        onKeyDown={(e) => onKey(e, node.id)}
        // Placed by a transform, not by x/y on every child: when a failover moves every mark up one
        // place, one attribute per mark changes and its text needs no new layout.
        transform={`translate(${mark.x} ${mark.y})`}
      >
        <rect width={mark.w} height={mark.h} rx="7" />
        <text x={mark.w / 2} y={18} textAnchor="middle" className="mark-id">
          {visibleId}
        </text>
        <text x={mark.w / 2} y={34} textAnchor="middle" className="mark-sub">
          {node.role === 'leader' ? <tspan aria-hidden="true">★ </tspan> : null}
          {visibleSub}
        </text>
      </g>
    );
  },
  (a, b) => sameBox(a.mark, b.mark) && a.node === b.node && a.slotState === b.slotState && a.woken === b.woken && a.onOpen === b.onOpen && a.onKey === b.onKey,
);

/** A ghost's time left, ticking on its own: the clock re-renders this text, not the graph. */
function GhostLeft({ until }: { until: number }) {
  const now = useNow(true, 250);
  return <>{`ghost ${formatDuration(Math.max(0, until - now))}`}</>;
}

/**
 * When a znode disappears and an arrow pointed at it, its deletion fires exactly that watch: keep
 * the old arrow's path for a moment and run a dot from the deleted mark to the watcher.
 */
function useFiringWatch(arrows: ArrowLayout[], marks: MarkLayout[]): Firing | null {
  const previous = useRef<{ arrows: ArrowLayout[]; ids: Set<string> } | null>(null);
  const [firing, setFiring] = useState<Firing | null>(null);
  const ids = marks.map((m) => m.id);
  const key = ids.join(',');
  useEffect(() => {
    const prev = previous.current;
    const current = new Set(ids);
    previous.current = { arrows, ids: current };
    if (!prev) return;
    const gone = [...prev.ids].filter((id) => !current.has(id));
    const fired = prev.arrows.find((a) => gone.includes(a.to) && current.has(a.from) && a.kind !== 'held-not-claimed');
    if (!fired) return;
    // From where the deleted mark was to where its watcher is now (the marks after it moved up one).
    const watcher = marks.find((m) => m.id === fired.from);
    const d = watcher ? `M${fired.x2},${fired.y2} L${watcher.x + watcher.w / 2},${watcher.y + watcher.h / 2}` : reversePath(fired);
    setFiring({ key: Date.now(), d, to: fired.from });
    const t = window.setTimeout(() => setFiring(null), FIRE_MS + 300);
    return () => window.clearTimeout(t);
    // Only a change of the znode set can fire a watch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return firing;
}
