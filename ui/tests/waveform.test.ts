import { describe, expect, it } from "vitest";
import {
  dragNote,
  MIN_RANGE_MS,
  MIN_SPAN_MS,
  centreOn,
  clampSpan,
  columnExtents,
  followPlayhead,
  fullSpan,
  msToX,
  panBy,
  spanWidth,
  timeTicks,
  xToMs,
  zoomAround,
} from "../src/lib/waveform";

const MIN = 60_000;

describe("ms and pixels", () => {
  const s = { fromMs: 10_000, toMs: 20_000 };
  it("maps both ways", () => {
    expect(msToX(15_000, s, 1000)).toBe(500);
    expect(xToMs(250, s, 1000)).toBe(12_500);
    expect(xToMs(msToX(17_345, s, 800), s, 800)).toBeCloseTo(17_345, 6);
  });
  it("stays finite for degenerate sizes", () => {
    expect(msToX(5, { fromMs: 3, toMs: 3 }, 100)).toBe(0);
    expect(xToMs(5, s, 0)).toBe(10_000);
  });
});

describe("clampSpan", () => {
  it("keeps a span inside the call", () => {
    expect(clampSpan({ fromMs: -5_000, toMs: 15_000 }, MIN)).toEqual({ fromMs: 0, toMs: 20_000 });
    expect(clampSpan({ fromMs: 50_000, toMs: 70_000 }, MIN)).toEqual({ fromMs: 40_000, toMs: 60_000 });
  });
  it("never shows more than the whole call or less than the minimum", () => {
    expect(clampSpan({ fromMs: 0, toMs: 1e9 }, MIN)).toEqual(fullSpan(MIN));
    expect(spanWidth(clampSpan({ fromMs: 1_000, toMs: 1_100 }, MIN))).toBe(MIN_SPAN_MS);
  });
  it("shows a call shorter than the minimum whole", () => {
    expect(clampSpan({ fromMs: 0, toMs: 100 }, 3_000)).toEqual({ fromMs: 0, toMs: 3_000 });
  });
  it("gives a zero-length call a 1 ms span", () => {
    expect(clampSpan({ fromMs: 0, toMs: 0 }, 0)).toEqual({ fromMs: 0, toMs: 1 });
  });
});

describe("zoomAround", () => {
  it("keeps the anchor at the same place on screen", () => {
    const s = { fromMs: 0, toMs: 40_000 };
    const z = zoomAround(s, 10_000, 0.5, MIN);
    expect(z).toEqual({ fromMs: 5_000, toMs: 25_000 });
    expect(msToX(10_000, z, 100)).toBeCloseTo(msToX(10_000, s, 100), 9);
  });
  it("stops at about five seconds", () => {
    let s = fullSpan(MIN);
    for (let i = 0; i < 50; i++) s = zoomAround(s, 30_000, 0.5, MIN);
    expect(spanWidth(s)).toBe(MIN_SPAN_MS);
    expect(s.fromMs).toBeLessThanOrEqual(30_000);
    expect(s.toMs).toBeGreaterThanOrEqual(30_000);
  });
  it("stops at the whole call", () => {
    const s = zoomAround({ fromMs: 20_000, toMs: 30_000 }, 25_000, 100, MIN);
    expect(s).toEqual(fullSpan(MIN));
  });
  it("clamps at the edges when zooming out near them", () => {
    const s = zoomAround({ fromMs: 0, toMs: 10_000 }, 0, 2, MIN);
    expect(s).toEqual({ fromMs: 0, toMs: 20_000 });
  });
});

describe("panning", () => {
  it("moves without resizing and stops at the ends", () => {
    expect(panBy({ fromMs: 10_000, toMs: 20_000 }, 5_000, MIN)).toEqual({ fromMs: 15_000, toMs: 25_000 });
    expect(panBy({ fromMs: 10_000, toMs: 20_000 }, -50_000, MIN)).toEqual({ fromMs: 0, toMs: 10_000 });
    expect(panBy({ fromMs: 45_000, toMs: 55_000 }, 50_000, MIN)).toEqual({ fromMs: 50_000, toMs: 60_000 });
  });
  it("centres on a time", () => {
    expect(centreOn({ fromMs: 0, toMs: 10_000 }, 30_000, MIN)).toEqual({ fromMs: 25_000, toMs: 35_000 });
  });
});

describe("followPlayhead", () => {
  const s = { fromMs: 0, toMs: 10_000 };
  it("leaves the span alone while the playhead is well inside", () => {
    expect(followPlayhead(s, 5_000, MIN)).toBeNull();
  });
  it("pages forward as the playhead nears the right edge", () => {
    expect(followPlayhead(s, 9_800, MIN)).toEqual({ fromMs: 9_300, toMs: 19_300 });
  });
  it("brings back a playhead that jumped out of view", () => {
    expect(followPlayhead({ fromMs: 30_000, toMs: 40_000 }, 2_000, MIN)).toEqual({ fromMs: 1_500, toMs: 11_500 });
  });
  it("does nothing at the end of the call when the last page is shown", () => {
    expect(followPlayhead({ fromMs: 50_000, toMs: 60_000 }, 60_000, MIN)).toBeNull();
  });
});

describe("columnExtents", () => {
  it("maps min/max to bars in a lane, top above bottom", () => {
    const e = columnExtents([-0.5, 0.5, -1, 1], 1, 2, 100);
    expect(Array.from(e)).toEqual([25, 75, 0, 100]);
  });
  it("lays out channels per column", () => {
    // One column, two channels: left -1..0, right 0..1.
    const e = columnExtents([-1, 0, 0, 1], 2, 1, 10);
    expect(Array.from(e)).toEqual([5, 10, 0, 5]);
  });
  it("clamps overshoot and draws silence as a 1 px line", () => {
    const e = columnExtents([-1.7, 2, 0, 0], 1, 2, 10);
    expect(Array.from(e)).toEqual([0, 10, 4.5, 5.5]);
  });
  it("ignores missing values and handles no columns", () => {
    expect(columnExtents([0.1, 0.2, 0.3], 1, 5, 10).length).toBe(2);
    expect(columnExtents([], 2, 0, 10).length).toBe(0);
  });
});

describe("timeTicks", () => {
  it("picks round steps far enough apart", () => {
    const { stepMs, ticks } = timeTicks({ fromMs: 0, toMs: 60_000 }, 800, 80);
    expect(stepMs).toBe(10_000);
    expect(ticks).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });
  it("starts at the first step inside the span", () => {
    expect(timeTicks({ fromMs: 1_234, toMs: 6_234 }, 1000, 80).ticks[0]).toBe(1_500);
  });
  it("has no ticks without a width", () => {
    expect(timeTicks({ fromMs: 0, toMs: 1 }, 0).ticks).toEqual([]);
  });
});

describe("dragNote", () => {
  it("moves a point or a whole range, inside the call", () => {
    expect(dragNote({ startMs: 10_000, endMs: null }, "move", 5_000, 0, 60_000)).toEqual({ startMs: 15_000, endMs: null });
    expect(dragNote({ startMs: 10_000, endMs: 12_000 }, "move", 5_000.4, 0, 60_000)).toEqual({ startMs: 15_000, endMs: 17_000 });
    expect(dragNote({ startMs: 10_000, endMs: 12_000 }, "move", 99_000, 0, 60_000)).toEqual({ startMs: 58_000, endMs: 60_000 });
    expect(dragNote({ startMs: 10_000, endMs: null }, "move", -20_000, 0, 60_000)).toEqual({ startMs: 0, endMs: null });
  });

  it("stretches the end: a point becomes a range, never shorter than the minimum", () => {
    expect(dragNote({ startMs: 10_000, endMs: null }, "end", 0, 14_000, 60_000)).toEqual({ startMs: 10_000, endMs: 14_000 });
    expect(dragNote({ startMs: 10_000, endMs: 14_000 }, "end", 0, 9_000, 60_000)).toEqual({ startMs: 10_000, endMs: 10_000 + MIN_RANGE_MS });
    expect(dragNote({ startMs: 10_000, endMs: 14_000 }, "end", 0, 70_000, 60_000)).toEqual({ startMs: 10_000, endMs: 60_000 });
  });
});
