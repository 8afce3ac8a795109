// Windowing for long lists (100,000+ recordings): only the rows in view, plus a few either side,
// exist in the DOM; a tall spacer gives the scrollbar its length; rows are fetched a page at a
// time as they come into view.
//
// Browsers cap an element's height (WebKit and Chromium near 33 million px), so a spacer is never
// taller than MAX_SPACER_PX: past that, a scroll position maps proportionally onto the content
// and rows are placed relative to the viewport instead of at `index * rowHeight`.

/** Well under every engine's limit on element heights. */
export const MAX_SPACER_PX = 8_000_000;

export interface Geometry {
  total: number;
  rowHeight: number;
  viewportHeight: number;
  /** `total * rowHeight`: the height the rows would need. */
  contentHeight: number;
  /** The spacer's height: the content height, capped. */
  spacerHeight: number;
}

export function geometry(
  total: number,
  rowHeight: number,
  viewportHeight: number,
  maxSpacer = MAX_SPACER_PX,
): Geometry {
  const t = Math.max(0, Math.floor(total));
  const contentHeight = t * rowHeight;
  return {
    total: t,
    rowHeight,
    viewportHeight: Math.max(0, viewportHeight),
    contentHeight,
    spacerHeight: Math.min(contentHeight, maxSpacer),
  };
}

/** How many content px one scroll px stands for (1 unless the spacer is capped). */
function ratio(g: Geometry): number {
  const scrollable = g.spacerHeight - g.viewportHeight;
  const content = g.contentHeight - g.viewportHeight;
  if (scrollable <= 0 || content <= 0) return 1;
  return content / scrollable;
}

/** The content offset shown at the top of the viewport for a scroll position. */
export function toContent(scrollTop: number, g: Geometry): number {
  const maxContent = Math.max(0, g.contentHeight - g.viewportHeight);
  return Math.min(maxContent, Math.max(0, scrollTop * ratio(g)));
}

/** The scroll position that shows content offset `contentTop` at the top. */
export function toScroll(contentTop: number, g: Geometry): number {
  const maxScroll = Math.max(0, g.spacerHeight - g.viewportHeight);
  return Math.min(maxScroll, Math.max(0, contentTop / ratio(g)));
}

export interface Range {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

/** The rows to render for a scroll position: those in view plus `overscan` either side. */
export function visibleRange(scrollTop: number, g: Geometry, overscan: number): Range {
  if (g.total === 0 || g.rowHeight <= 0) return { start: 0, end: 0 };
  const top = toContent(scrollTop, g);
  const first = Math.floor(top / g.rowHeight);
  const last = Math.ceil((top + g.viewportHeight) / g.rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(g.total, Math.max(last, first + 1) + overscan),
  };
}

/** Where row `index` goes inside the spacer for the current scroll position. */
export function rowTop(index: number, scrollTop: number, g: Geometry): number {
  // Same as index * rowHeight when the spacer is not capped (ratio 1).
  return index * g.rowHeight - toContent(scrollTop, g) + scrollTop;
}

/**
 * The scroll position after bringing row `index` fully into view with the least movement;
 * `scrollTop` itself when it already is.
 */
export function revealRow(index: number, scrollTop: number, g: Geometry): number {
  const top = toContent(scrollTop, g);
  const rowStart = index * g.rowHeight;
  const rowEnd = rowStart + g.rowHeight;
  if (rowStart < top) return toScroll(rowStart, g);
  if (rowEnd > top + g.viewportHeight) return toScroll(rowEnd - g.viewportHeight, g);
  return scrollTop;
}

/** How many whole rows fit in the viewport (at least 1): the PageUp/PageDown step. */
export function rowsPerPage(g: Geometry): number {
  return Math.max(1, Math.floor(g.viewportHeight / Math.max(1, g.rowHeight)));
}

/** The fetch pages (of `pageSize` rows) that hold rows `range.start` to `range.end - 1`. */
export function pagesFor(range: Range, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const first = Math.floor(range.start / pageSize);
  const last = Math.floor((range.end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/**
 * Cached pages to drop so that at most `max` stay, farthest from the pages in view first.
 * Keeps memory flat however far one scrolls.
 */
export function pagesToEvict(cached: number[], inView: number[], max: number): number[] {
  if (cached.length <= max) return [];
  const lo = inView.length ? Math.min(...inView) : 0;
  const hi = inView.length ? Math.max(...inView) : 0;
  const distance = (p: number) => (p < lo ? lo - p : p > hi ? p - hi : 0);
  return [...cached]
    .filter((p) => distance(p) > 0)
    .sort((a, b) => distance(b) - distance(a))
    .slice(0, cached.length - max);
}
