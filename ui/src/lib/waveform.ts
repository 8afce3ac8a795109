// Geometry of the waveform view: which span of the call is visible, how ms map to pixels, and
// how the shell's min/max peaks become bars. The webview never decodes audio; it draws what
// `recordings_waveform` returns for the visible span.

export interface Span {
  fromMs: number;
  toMs: number;
}

/** A range picked on the waveform (start ≤ end), for range notes. */
export interface Selection {
  startMs: number;
  endMs: number;
}

/** Closest zoom: about five seconds across the view. */
export const MIN_SPAN_MS = 5000;

export function spanWidth(s: Span): number {
  return s.toMs - s.fromMs;
}

/** The smallest visible span for a call (a call shorter than MIN_SPAN_MS is shown whole). */
function minSpanFor(durationMs: number, minSpanMs: number): number {
  return Math.max(1, Math.min(minSpanMs, durationMs));
}

/**
 * A span moved and sized to fit the call: width between the minimum and the whole call, inside
 * `[0, durationMs]`. A call of zero length gets a 1 ms span so that divisions stay finite.
 */
export function clampSpan(s: Span, durationMs: number, minSpanMs = MIN_SPAN_MS): Span {
  const duration = Math.max(1, durationMs);
  const width = Math.min(duration, Math.max(minSpanFor(duration, minSpanMs), spanWidth(s)));
  const from = Math.min(duration - width, Math.max(0, s.fromMs));
  return { fromMs: from, toMs: from + width };
}

/** The whole call. */
export function fullSpan(durationMs: number): Span {
  return { fromMs: 0, toMs: Math.max(1, durationMs) };
}

/**
 * Zooms by `factor` (< 1 zooms in) keeping `anchorMs` at the same place on screen (the mouse, or
 * the playhead), then clamps.
 */
export function zoomAround(
  s: Span,
  anchorMs: number,
  factor: number,
  durationMs: number,
  minSpanMs = MIN_SPAN_MS,
): Span {
  const width = spanWidth(s);
  const duration = Math.max(1, durationMs);
  const newWidth = Math.min(duration, Math.max(minSpanFor(duration, minSpanMs), width * factor));
  const anchor = Math.min(s.toMs, Math.max(s.fromMs, anchorMs));
  const rel = width > 0 ? (anchor - s.fromMs) / width : 0.5;
  const from = anchor - rel * newWidth;
  return clampSpan({ fromMs: from, toMs: from + newWidth }, durationMs, minSpanMs);
}

/** Moves the span by `deltaMs` without resizing it, stopping at the ends of the call. */
export function panBy(s: Span, deltaMs: number, durationMs: number): Span {
  return clampSpan({ fromMs: s.fromMs + deltaMs, toMs: s.toMs + deltaMs }, durationMs, 0);
}

/** A span of the same width centred on `ms`. */
export function centreOn(s: Span, ms: number, durationMs: number): Span {
  const w = spanWidth(s);
  return clampSpan({ fromMs: ms - w / 2, toMs: ms + w / 2 }, durationMs, 0);
}

export function msToX(ms: number, s: Span, widthPx: number): number {
  const w = spanWidth(s);
  return w > 0 ? ((ms - s.fromMs) / w) * widthPx : 0;
}

export function xToMs(x: number, s: Span, widthPx: number): number {
  return widthPx > 0 ? s.fromMs + (x / widthPx) * spanWidth(s) : s.fromMs;
}

/**
 * While playing, the span to show so the playhead stays in view: when the playhead leaves the
 * span (or enters its last 3 %), the next page starts just before it. Null when no change is
 * needed. Paging, rather than scrolling every frame, keeps the waveform readable and peak
 * requests rare.
 */
export function followPlayhead(s: Span, positionMs: number, durationMs: number): Span | null {
  const w = spanWidth(s);
  if (positionMs >= s.fromMs && positionMs <= s.toMs - w * 0.03) return null;
  const next = clampSpan({ fromMs: positionMs - w * 0.05, toMs: positionMs + w * 0.95 }, durationMs, 0);
  return next.fromMs === s.fromMs && next.toMs === s.toMs ? null : next;
}

/**
 * Turns `Waveform.values` (per column, per channel: min, max in -1…1) into bar extents in pixels
 * for lanes `laneHeight` tall: per column, per channel, `top` then `bottom`, measured from the
 * lane's top. Values beyond ±1 (AAC can overshoot) are clamped, and every bar is at least 1 px
 * so that silence still shows as a line.
 */
export function columnExtents(
  values: ArrayLike<number>,
  channels: number,
  columns: number,
  laneHeight: number,
): Float32Array {
  const n = Math.max(0, Math.min(columns, Math.floor(values.length / Math.max(1, 2 * channels))));
  const out = new Float32Array(n * channels * 2);
  const mid = laneHeight / 2;
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(-1, v)) : 0);
  for (let c = 0; c < n; c++) {
    for (let ch = 0; ch < channels; ch++) {
      const i = (c * channels + ch) * 2;
      const lo = clamp(values[i]);
      const hi = clamp(values[i + 1]);
      let top = mid - Math.max(lo, hi) * mid;
      let bottom = mid - Math.min(lo, hi) * mid;
      if (bottom - top < 1) {
        const centre = (top + bottom) / 2;
        top = centre - 0.5;
        bottom = centre + 0.5;
      }
      out[i] = top;
      out[i + 1] = bottom;
    }
  }
  return out;
}

const TICK_STEPS_MS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000,
];

/** Times for the labels along the waveform: round steps at least `minGapPx` apart. */
export function timeTicks(s: Span, widthPx: number, minGapPx = 80): { stepMs: number; ticks: number[] } {
  const w = spanWidth(s);
  if (w <= 0 || widthPx <= 0) return { stepMs: 0, ticks: [] };
  const minStep = (w * minGapPx) / widthPx;
  const stepMs = TICK_STEPS_MS.find((st) => st >= minStep) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(s.fromMs / stepMs) * stepMs; t <= s.toMs; t += stepMs) ticks.push(t);
  return { stepMs, ticks };
}

/** The shortest range a stretched note can have. */
export const MIN_RANGE_MS = 100;

/** How a marker drag changes a note: moves it whole, or moves its end (a point becomes a range). */
export type NoteDragMode = "move" | "end";

/**
 * A note's times while its marker is dragged: `move` shifts the note (a range keeps its length)
 * by `deltaMs`; `end` puts its end at `pointerMs`, at least [`MIN_RANGE_MS`] after the start. Both
 * stay inside the call; times are whole milliseconds.
 */
export function dragNote(
  note: { startMs: number; endMs: number | null },
  mode: NoteDragMode,
  deltaMs: number,
  pointerMs: number,
  durationMs: number,
): { startMs: number; endMs: number | null } {
  if (mode === "end") {
    const lo = Math.min(durationMs, note.startMs + MIN_RANGE_MS);
    return { startMs: note.startMs, endMs: Math.round(Math.max(lo, Math.min(durationMs, pointerMs))) };
  }
  const length = note.endMs === null ? 0 : note.endMs - note.startMs;
  const startMs = Math.round(Math.max(0, Math.min(durationMs - length, note.startMs + deltaMs)));
  return { startMs, endMs: note.endMs === null ? null : startMs + length };
}
