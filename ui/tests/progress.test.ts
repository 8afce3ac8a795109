import { describe, expect, it } from "vitest";
import type { WeekProgress } from "../src/api/bindings/WeekProgress";
import { formatPercent, seriesByRep, totalsByWeek } from "../src/lib/progress";

function row(rep: string, week: string, more: Partial<WeekProgress> = {}): WeekProgress {
  return {
    rep,
    week,
    weekStart: "2026-01-05",
    calls: 0,
    reviewed: 0,
    positives: 0,
    improvements: 0,
    focusArea: null,
    focusClosed: false,
    stepsDue: 0,
    stepsDoneOnTime: 0,
    hits: 0,
    rated: 0,
    noOutcome: 0,
    hitRate: null,
    talkRatio: null,
    ...more,
  };
}

const p = {
  weeks: ["2026-W01", "2026-W02"],
  reps: ["Sam", "Ana"],
  rows: [
    row("Sam", "2026-W01", { reviewed: 2, positives: 3, hitRate: 0.5 }),
    row("Sam", "2026-W02", { reviewed: 1, positives: 1 }),
    row("Ana", "2026-W02", { reviewed: 4, positives: 2, hitRate: 1 }),
  ],
};

describe("progress", () => {
  it("formats a rate, or a dash without one", () => {
    expect(formatPercent(0.456)).toBe("46 %");
    expect(formatPercent(null)).toBe("—");
  });
  it("makes one series per rep in week order, null for a missing week", () => {
    expect(seriesByRep(p, (r) => r.reviewed)).toEqual([
      { rep: "Sam", values: [2, 1] },
      { rep: "Ana", values: [null, 4] },
    ]);
    expect(seriesByRep(p, (r) => r.hitRate)[0].values).toEqual([0.5, null]);
  });
  it("sums every rep per week", () => {
    expect(totalsByWeek(p, (r) => r.positives)).toEqual([3, 3]);
  });
});
