// Time formatting and parsing for the UI. Pure functions: the library stores Unix ms and
// durations in ms; people read clock times. Clocks truncate (a playhead at 59.96 s still reads
// 0:59.9, it has not reached the minute), durations round to the nearest second.

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A playhead or note time as `m:ss.s` (`h:mm:ss.s` from one hour on). Negative reads as 0. */
export function formatClock(ms: number): string {
  const tenths = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 100);
  const t = tenths % 10;
  const totalSeconds = Math.floor(tenths / 10);
  const s = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes >= 60) {
    return `${Math.floor(totalMinutes / 60)}:${pad2(totalMinutes % 60)}:${pad2(s)}.${t}`;
  }
  return `${totalMinutes}:${pad2(s)}.${t}`;
}

/** A call's length as `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
  const s = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes >= 60) {
    return `${Math.floor(totalMinutes / 60)}:${pad2(totalMinutes % 60)}:${pad2(s)}`;
  }
  return `${totalMinutes}:${pad2(s)}`;
}

/**
 * Parses `ss(.s)`, `m:ss(.s)` or `h:mm:ss(.s)` into ms; null for anything else (including
 * minutes or seconds of 60 and more after the first field).
 */
export function parseClock(text: string): number | null {
  const m = /^\s*(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  const fields = [m[1], m[2], m[3]].filter((f): f is string => f !== undefined).map(Number);
  // Every field after the first is bounded by 60.
  if (fields.slice(1).some((f) => f >= 60)) return null;
  let seconds = 0;
  for (const f of fields) seconds = seconds * 60 + f;
  const frac = m[4] ? Number(m[4].padEnd(3, "0")) : 0;
  return seconds * 1000 + frac;
}

/** A call time as local `YYYY-MM-DD HH:MM`: sortable, unambiguous, independent of locale. */
export function formatDateTime(unixMs: number): string {
  const d = new Date(unixMs);
  if (Number.isNaN(d.getTime())) return "";
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
  );
}

/** A day as local `YYYY-MM-DD`; empty for an invalid time. */
export function formatDate(unixMs: number): string {
  const d = new Date(unixMs);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** Local wall-clock time `HH:MM` (for "saved at"). */
export function formatTimeOfDay(unixMs: number): string {
  const d = new Date(unixMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * The local midnight that starts the day of an `<input type="date">` value (`YYYY-MM-DD`), in
 * Unix ms; `dayOffset` 1 gives the midnight that ends it (the filter's `until` is exclusive).
 * Null for an empty or malformed value.
 */
export function dateInputToMs(value: string, dayOffset = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + dayOffset);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

/**
 * A note's times as typed: `1:02.5` (a point) or `1:02.5–1:10` (a range; `-` works too). Null
 * when either clock does not parse or the range does not run forward.
 */
export function parseSpan(text: string): { startMs: number; endMs: number | null } | null {
  const parts = text.split(/\s*[–—-]\s*/);
  if (parts.length > 2) return null;
  const startMs = parseClock(parts[0] ?? "");
  if (startMs === null) return null;
  if (parts.length === 1 || parts[1]!.trim() === "") return { startMs, endMs: null };
  const endMs = parseClock(parts[1]!);
  if (endMs === null || endMs <= startMs) return null;
  return { startMs, endMs };
}

/** A note's times for typing them again: `m:ss.s`, or `m:ss.s–m:ss.s` for a range. */
export function formatSpan(startMs: number, endMs: number | null): string {
  return endMs === null ? formatClock(startMs) : `${formatClock(startMs)}–${formatClock(endMs)}`;
}
