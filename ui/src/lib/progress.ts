// The progress view's numbers as shown and charted (the counting itself is the core's).

import type { Progress } from "../api/bindings/Progress";

/** A rate as a whole percentage; "—" when there is none (no rated call that week). */
export function formatPercent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)} %`;
}

/** One series per rep for a chart: the value of `pick` for each week, null where there is no row. */
export function seriesByRep(
  p: Progress,
  pick: (row: Progress["rows"][number]) => number | null,
): { rep: string; values: (number | null)[] }[] {
  return p.reps.map((rep) => {
    const byWeek = new Map(p.rows.filter((r) => r.rep === rep).map((r) => [r.week, r]));
    return { rep, values: p.weeks.map((w) => (byWeek.has(w) ? pick(byWeek.get(w)!) : null)) };
  });
}

/** Sums over every rep, per week (the positives-against-improvements chart). */
export function totalsByWeek(p: Progress, pick: (row: Progress["rows"][number]) => number): number[] {
  return p.weeks.map((w) => p.rows.filter((r) => r.week === w).reduce((sum, r) => sum + pick(r), 0));
}
