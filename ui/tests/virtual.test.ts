import { describe, expect, it } from "vitest";
import {
  MAX_SPACER_PX,
  geometry,
  pagesFor,
  pagesToEvict,
  revealRow,
  rowTop,
  rowsPerPage,
  toContent,
  toScroll,
  visibleRange,
} from "../src/lib/virtual";

describe("visibleRange", () => {
  const g = geometry(1000, 20, 200);

  it("renders the rows in view plus the overscan", () => {
    expect(visibleRange(0, g, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(400, g, 5)).toEqual({ start: 15, end: 35 });
  });
  it("includes a partly visible row", () => {
    expect(visibleRange(10, g, 0)).toEqual({ start: 0, end: 11 });
  });
  it("stops at the last row", () => {
    expect(visibleRange(20 * 1000, g, 5)).toEqual({ start: 985, end: 1000 });
  });
  it("is empty for an empty list", () => {
    expect(visibleRange(0, geometry(0, 20, 200), 5)).toEqual({ start: 0, end: 0 });
  });
  it("renders at least one row before the viewport has a height", () => {
    expect(visibleRange(0, geometry(50, 20, 0), 0)).toEqual({ start: 0, end: 1 });
  });
  it("renders all rows of a list shorter than the viewport", () => {
    expect(visibleRange(0, geometry(3, 20, 200), 5)).toEqual({ start: 0, end: 3 });
  });
});

describe("capped spacer for very long lists", () => {
  const total = 1_000_000;
  const g = geometry(total, 36, 600);

  it("never makes the spacer taller than the cap", () => {
    expect(g.contentHeight).toBe(36_000_000);
    expect(g.spacerHeight).toBe(MAX_SPACER_PX);
  });
  it("reaches the last row at the bottom of the scrollbar", () => {
    const bottom = g.spacerHeight - g.viewportHeight;
    const r = visibleRange(bottom, g, 0);
    expect(r.end).toBe(total);
    // The last row sits at the bottom of the viewport.
    expect(rowTop(total - 1, bottom, g) + 36).toBeCloseTo(bottom + 600, 3);
  });
  it("maps scroll positions to content and back", () => {
    expect(toScroll(toContent(123_456, g), g)).toBeCloseTo(123_456, 3);
  });
  it("places rows in view inside the viewport", () => {
    const scrollTop = 4_000_000;
    const r = visibleRange(scrollTop, g, 0);
    const y = rowTop(r.start, scrollTop, g);
    expect(y).toBeLessThanOrEqual(scrollTop);
    expect(y + 36).toBeGreaterThan(scrollTop);
  });
  it("is the identity when the list fits", () => {
    const small = geometry(100, 36, 600);
    expect(toContent(500, small)).toBe(500);
    expect(rowTop(10, 123, small)).toBe(360);
  });
});

describe("revealRow", () => {
  const g = geometry(100, 20, 100);
  it("leaves the scroll alone when the row is in view", () => {
    expect(revealRow(2, 0, g)).toBe(0);
  });
  it("scrolls down just enough to show a row below", () => {
    expect(revealRow(10, 0, g)).toBe(120);
  });
  it("scrolls up to a row above", () => {
    expect(revealRow(3, 200, g)).toBe(60);
  });
  it("pages by the rows that fit", () => {
    expect(rowsPerPage(g)).toBe(5);
    expect(rowsPerPage(geometry(10, 20, 0))).toBe(1);
  });
});

describe("pages", () => {
  it("lists the pages that hold a range", () => {
    expect(pagesFor({ start: 0, end: 30 }, 200)).toEqual([0]);
    expect(pagesFor({ start: 190, end: 230 }, 200)).toEqual([0, 1]);
    expect(pagesFor({ start: 200, end: 400 }, 200)).toEqual([1]);
  });
  it("needs no page for an empty range", () => {
    expect(pagesFor({ start: 0, end: 0 }, 200)).toEqual([]);
  });
  it("asks for the last, partial page", () => {
    // 1,050 rows: page 5 holds rows 1000-1049.
    expect(pagesFor({ start: 1040, end: 1050 }, 200)).toEqual([5]);
  });
  it("evicts the pages farthest from the view first, never one in view", () => {
    expect(pagesToEvict([0, 1, 2, 3, 9, 10], [9, 10], 4)).toEqual([0, 1]);
    expect(pagesToEvict([0, 1], [0], 4)).toEqual([]);
    expect(pagesToEvict([4, 5, 6], [4, 5, 6], 2)).toEqual([]);
  });
});
