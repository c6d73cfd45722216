/**
 * Where each election znode's mark and each watch arrow go in the chain drawing. Pure geometry
 * (no React, no DOM) so it is unit-tested: marks in sequence order, left to right, wrapping into
 * rows; an arrow from a node to the znode it watches. In the usual chain that is the mark just to
 * its left, or, for the first mark of a row, the last mark of the row above: that arrow runs from
 * the top edge of one to the bottom edge of the other, so it stays inside the gap between the
 * rows and never crosses a mark.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MarkLayout extends Box {
  id: string;
  index: number;
  row: number;
  col: number;
}

/** How a watch is known: both the node and ZooKeeper say so, only one of them, or only the node (ZooKeeper unknown). */
export type WatchKind = 'confirmed' | 'claimed-not-held' | 'held-not-claimed' | 'claimed';

export interface WatchEdge {
  /** The watcher. */
  from: string;
  /** The watched election znode. */
  to: string;
  kind: WatchKind;
}

export interface ArrowLayout extends WatchEdge {
  /** Start on the watcher's edge, end on the watched mark's edge. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** SVG path from watcher to watched. */
  d: string;
  /** The path's midpoint: where a mismatch is marked. */
  mx: number;
  my: number;
}

/** A node claims a watch ZooKeeper does not hold: marked on its arrow, and said in words. */
export interface MismatchMark {
  from: string;
  to: string;
  x: number;
  y: number;
}

export interface ChainLayout {
  width: number;
  height: number;
  columns: number;
  marks: MarkLayout[];
  arrows: ArrowLayout[];
  /** Edges whose watched znode has no mark (it is already gone): drawn as a dangling stub. */
  dangling: WatchEdge[];
  /** One per arrow whose claim ZooKeeper does not hold, at the arrow's midpoint. */
  mismatches: MismatchMark[];
}

export const MARK_W = 92;
export const MARK_H = 44;
/** Room for an arrow between two marks of a row. */
export const GAP_X = 30;
/** Room for the wrap-around arrow between rows. */
export const GAP_Y = 34;
export const PAD = 8;

/** Columns that fit `width`; at least one. */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width - 2 * PAD + GAP_X) / (MARK_W + GAP_X)));
}

export function layoutChain(ids: readonly string[], edges: readonly WatchEdge[], width: number): ChainLayout {
  const columns = Math.min(columnsFor(width), Math.max(1, ids.length));
  const marks: MarkLayout[] = ids.map((id, index) => {
    const row = Math.floor(index / columns);
    const col = index % columns;
    return { id, index, row, col, x: PAD + col * (MARK_W + GAP_X), y: PAD + row * (MARK_H + GAP_Y), w: MARK_W, h: MARK_H };
  });
  const byId = new Map(marks.map((m) => [m.id, m]));
  const arrows: ArrowLayout[] = [];
  const dangling: WatchEdge[] = [];
  for (const edge of edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from) continue;
    if (!to || to === from) {
      dangling.push(edge);
      continue;
    }
    arrows.push({ ...edge, ...arrowBetween(from, to) });
  }
  const rows = Math.max(1, Math.ceil(ids.length / columns));
  return {
    width: 2 * PAD + columns * MARK_W + (columns - 1) * GAP_X,
    height: 2 * PAD + rows * MARK_H + (rows - 1) * GAP_Y,
    columns,
    marks,
    arrows,
    dangling,
    mismatches: arrows.filter((a) => a.kind === 'claimed-not-held').map((a) => ({ from: a.from, to: a.to, x: a.mx, y: a.my })),
  };
}

/** Same row: side to side. Different rows: from the watcher's top or bottom edge to the other's facing edge. */
function arrowBetween(from: MarkLayout, to: MarkLayout): Pick<ArrowLayout, 'x1' | 'y1' | 'x2' | 'y2' | 'd' | 'mx' | 'my'> {
  const midY = (b: Box) => b.y + b.h / 2;
  const midX = (b: Box) => b.x + b.w / 2;
  if (from.row === to.row) {
    const leftward = to.col < from.col;
    const x1 = leftward ? from.x : from.x + from.w;
    const x2 = leftward ? to.x + to.w : to.x;
    const y = midY(from);
    if (Math.abs(from.col - to.col) === 1) return { x1, y1: y, x2, y2: y, d: `M${x1},${y} L${x2},${y}`, mx: (x1 + x2) / 2, my: y };
    // A watch that skips marks (unusual: a stale claim) arcs above the row, through the gap.
    const x1t = midX(from);
    const x2t = midX(to);
    const top = from.y;
    const lift = top - GAP_Y / 2;
    // The cubic's point at t = ½: (P0 + 3·P1 + 3·P2 + P3) / 8.
    return {
      x1: x1t,
      y1: top,
      x2: x2t,
      y2: top,
      d: `M${x1t},${top} C${x1t},${lift} ${x2t},${lift} ${x2t},${top}`,
      mx: (x1t + x2t) / 2,
      my: (2 * top + 6 * lift) / 8,
    };
  }
  const up = to.row < from.row;
  const x1 = midX(from);
  const y1 = up ? from.y : from.y + from.h;
  const x2 = midX(to);
  const y2 = up ? to.y + to.h : to.y;
  const mid = { mx: (x1 + x2) / 2, my: (y1 + y2) / 2 };
  if (Math.abs(from.row - to.row) === 1) return { x1, y1, x2, y2, d: `M${x1},${y1} L${x2},${y2}`, ...mid };
  // Rows apart (a stale claim): a curve; rare enough that crossing marks is acceptable.
  return { x1, y1, x2, y2, d: `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}`, ...mid };
}

/** The same arrow's path run backwards: the notification travels from the watched znode to the watcher. */
export function reversePath(a: Pick<ArrowLayout, 'x1' | 'y1' | 'x2' | 'y2'>): string {
  return `M${a.x2},${a.y2} L${a.x1},${a.y1}`;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
