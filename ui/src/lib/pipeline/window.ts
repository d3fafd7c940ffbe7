// Virtualized lists with rows of one height (kanban cards, list rows): which rows to draw
// for a scroll position, and which pages of data they need. A 5,000-card column draws a
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

/** The pages (numbered from 0, `pageSize` rows each) that hold rows of `range`. */
export function pagesOf(range: Range, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const pages = [];
  for (let p = Math.floor(range.start / pageSize); p * pageSize < range.end; p++) pages.push(p);
  return pages;
}

/** The scroll position that brings row `index` into view (unchanged if it is visible). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
