// Virtualized lists with rows of one height (kanban cards, list rows): which rows to draw
// for a scroll position, and where to scroll to show one. A 5,000-card column draws a
// screenful, not 5,000 cards.

export interface Range {
  /** First row drawn. */
  start: number;
  /** One past the last row drawn. */
  end: number;
}

/** The rows visible in a viewport, plus `overscan` on each side, within [0, count). */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 4,
): Range {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  return {
    start: Math.max(0, Math.min(count, first - overscan)),
    end: Math.min(count, Math.max(0, last + overscan)),
  };
}

/** The scroll position that brings row `index` into view (unchanged if it is visible). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
