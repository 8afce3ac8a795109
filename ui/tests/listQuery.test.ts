import { describe, expect, it } from "vitest";
import { buildFilter, defaultDescending, filtersActive, toggleSort } from "../src/lib/listQuery";

const base = {
  search: "",
  rep: "",
  sinceDate: "",
  untilDate: "",
  kind: "" as const,
  unreviewedOnly: false,
  outcome: "" as const,
  tag: "",
  talkAbove: 0,
  hideOneSided: false,
  minSeconds: 0,
  sort: "date" as const,
  descending: true,
};

describe("buildFilter", () => {
  it("sends only the sort when nothing is filtered", () => {
    const f = buildFilter(base);
    expect(f).toEqual({ sort: "date", descending: true, unreviewedOnly: false });
    expect(filtersActive(f)).toBe(false);
  });
  it("sends every filter in use", () => {
    const f = buildFilter({
      ...base,
      search: "  pricing ",
      rep: "Sam",
      sinceDate: "2024-05-01",
      untilDate: "2024-05-31",
      kind: "improvement",
      unreviewedOnly: true,
      minSeconds: 30,
    });
    expect(f.search).toBe("pricing");
    expect(f.rep).toBe("Sam");
    expect(f.since).toBe(new Date(2024, 4, 1).getTime());
    // The until day is included: the bound is the next midnight.
    expect(f.until).toBe(new Date(2024, 5, 1).getTime());
    expect(f.kind).toBe("improvement");
    expect(f.unreviewedOnly).toBe(true);
    expect(f.minDurationMs).toBe(30_000);
    expect(filtersActive(f)).toBe(true);
  });
  it("sends the outcome filter and counts it as a filter", () => {
    const f = buildFilter({ ...base, outcome: "meeting-booked" });
    expect(f.outcome).toBe("meeting-booked");
    expect(filtersActive(f)).toBe(true);
    expect(buildFilter(base).outcome).toBeUndefined();
  });
  it("sends the tag filter and counts it as a filter", () => {
    const f = buildFilter({ ...base, tag: "pricing" });
    expect(f.tag).toBe("pricing");
    expect(filtersActive(f)).toBe(true);
    expect(buildFilter(base).tag).toBeUndefined();
  });
  it("sends the talk ratio threshold as a share, and hiding one-sided calls", () => {
    const f = buildFilter({ ...base, talkAbove: 65, hideOneSided: true });
    expect(f.talkRatioAbove).toBeCloseTo(0.65);
    expect(f.hideOneSided).toBe(true);
    expect(filtersActive(f)).toBe(true);
    expect(buildFilter(base).talkRatioAbove).toBeUndefined();
  });
  it("treats a blank search and a zero minimum as no filter", () => {
    expect(filtersActive(buildFilter({ ...base, search: "   ", minSeconds: 0 }))).toBe(false);
    expect(filtersActive(buildFilter({ ...base, minSeconds: Number.NaN }))).toBe(false);
  });
});

describe("sorting by column", () => {
  it("toggles the direction on the same column", () => {
    expect(toggleSort({ sort: "date", descending: true }, "date")).toEqual({ sort: "date", descending: false });
  });
  it("starts a new column in its natural direction", () => {
    expect(toggleSort({ sort: "date", descending: true }, "rep")).toEqual({ sort: "rep", descending: false });
    expect(toggleSort({ sort: "rep", descending: false }, "duration")).toEqual({ sort: "duration", descending: true });
    expect(defaultDescending("improvements")).toBe(true);
    expect(defaultDescending("reviewed")).toBe(false);
  });
});
