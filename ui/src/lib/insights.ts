// Call insights for people: shares as percentages, times in seconds, and the speaker strip's
// layout. Pure functions.

/** A share (0–1) as a whole percentage; "–" when there is none. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? "–" : `${Math.round(v * 100)} %`;
}

/** A length in ms as seconds with one decimal; "–" when there is none. */
export function secs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`;
}

/** Spans `[start, end)` in ms that overlap the view `[fromMs, toMs)`, clipped to it. */
export function spansInView(spans: ReadonlyArray<readonly [number, number]>, fromMs: number, toMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [s, e] of spans) {
    if (e <= fromMs || s >= toMs) continue;
    out.push([Math.max(s, fromMs), Math.min(e, toMs)]);
  }
  return out;
}
