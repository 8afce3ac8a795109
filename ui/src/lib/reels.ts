// Reel rules for the window, free of the DOM and of IPC so they can be tested: the new reel's
// defaults (title, period, positive notes only), clip spans (validation, nudging, formatting),
// the reel's length, drag-and-drop targets, the note search as typed, and the export's words.
//
// DESIGN.md rule 1: positives are public, improvements one-on-one. A new reel takes positive
// notes only; an improvement goes in when the coach adds that one note on purpose, after saying
// yes to IMPROVEMENT_CONFIRM.

import type { NoteKind } from "../api/bindings/NoteKind";
import type { ReelFormat } from "../api/bindings/ReelFormat";
import type { ReelQuery } from "../api/bindings/ReelQuery";
import type { SearchHit } from "../api/bindings/SearchHit";
import type { Note } from "../api/bindings/Note";
import { dateInputToMs, formatClock, formatDate, formatDuration } from "./time";

// The separator, the longest clip and the longest title are the core's, generated from Rust.
import { MAX_CLIP_MS, SEPARATOR_MS } from "../api/bindings/limits";
export { MAX_CLIP_MS, MAX_TITLE_CHARS, SEPARATOR_MS } from "../api/bindings/limits";

export const DAY_MS = 86_400_000;
/** A new reel covers the last week by default. */
export const DEFAULT_PERIOD_DAYS = 7;
/** The "last N days" choices of the new reel form. */
export const PERIOD_CHOICES: readonly number[] = [7, 14, 30];
/** The shortest clip a trim or a nudge makes: the trim fields' resolution. */
export const MIN_CLIP_MS = 100;
/** What one press of a nudge button moves a clip's start or end. */
export const NUDGE_MS = 1000;

// --- New reel --------------------------------------------------------------------------------

/** The period a new reel takes its notes from. */
export type Period =
  | { kind: "last"; days: number }
  /** `<input type="date">` values (`YYYY-MM-DD`); `until` may be empty (up to now). */
  | { kind: "dates"; since: string; until: string };

export interface NewReelForm {
  /** Empty: the default title. */
  title: string;
  period: Period;
  /** Empty: all reps. */
  rep: string;
}

export function defaultPeriod(): Period {
  return { kind: "last", days: DEFAULT_PERIOD_DAYS };
}

/** The first moment of the period (Unix ms); null when custom dates are not valid. */
export function periodSinceMs(period: Period, nowMs: number): number | null {
  if (period.kind === "last") return nowMs - period.days * DAY_MS;
  return dateInputToMs(period.since);
}

/** "Highlights — week of 2025-06-02", named after the first day of the period. */
export function defaultTitle(sinceMs: number): string {
  return `Highlights — week of ${formatDate(sinceMs)}`;
}

/** The period in words: "the last 7 days", "2025-06-01 to 2025-06-07", "since 2025-06-01". */
export function describePeriod(period: Period): string {
  if (period.kind === "last") return period.days === 1 ? "the last day" : `the last ${period.days} days`;
  return period.until ? `${period.since} to ${period.until}` : `since ${period.since}`;
}

/** A new reel: its title and which notes it starts from. */
export type ReelPlan = ReelQuery & { title: string };

export type PlanResult = { ok: true; plan: ReelPlan } | { ok: false; message: string };

/**
 * What `reels_create` gets from the form: the period as Unix ms (`until` exclusive: the end of
 * the last day chosen), the rep when one is chosen, positive notes only.
 */
export function planFromForm(form: NewReelForm, nowMs: number): PlanResult {
  const sinceMs = periodSinceMs(form.period, nowMs);
  if (sinceMs === null) return { ok: false, message: "Choose the first day of the period." };
  const plan: ReelPlan = { title: "", sinceMs, kinds: ["positive"] };
  if (form.period.kind === "dates" && form.period.until !== "") {
    const untilMs = dateInputToMs(form.period.until, 1);
    if (untilMs === null) return { ok: false, message: "The last day of the period is not a valid date." };
    if (untilMs <= sinceMs) return { ok: false, message: "The period ends before it starts." };
    plan.untilMs = untilMs;
  }
  const rep = form.rep.trim();
  if (rep !== "") plan.rep = rep;
  plan.title = form.title.trim() || defaultTitle(sinceMs);
  return { ok: true, plan };
}

/** Said in the editor when a reel was created without a single clip. */
export function emptyReelNotice(period: Period, rep: string): string {
  const whose = rep.trim() ? ` on ${rep.trim()}'s calls` : "";
  return (
    `There are no positive notes in ${describePeriod(period)}${whose}, so the reel was created ` +
    "empty. Search for notes on the right and add them one by one."
  );
}

// --- Clips -----------------------------------------------------------------------------------

export interface SpanLike {
  startMs: number;
  endMs: number;
}

export function spanLength(span: SpanLike): number {
  return Math.max(0, span.endMs - span.startMs);
}

/** "0:12.0–0:27.0". */
export function formatSpan(span: SpanLike): string {
  return `${formatClock(span.startMs)}–${formatClock(span.endMs)}`;
}

/** How long the rendered reel plays: every clip plus the tone between two clips. */
export function reelDurationMs(clips: readonly SpanLike[]): number {
  let ms = 0;
  for (const c of clips) ms += spanLength(c);
  return ms + Math.max(0, clips.length - 1) * SEPARATOR_MS;
}

/**
 * Why a span cannot be a clip of a recording `durationMs` long, in plain words; null when it
 * can. The shell checks the same rules again.
 */
export function validateSpan(startMs: number | null, endMs: number | null, durationMs: number): string | null {
  if (startMs === null || !Number.isFinite(startMs)) return "Write the start as m:ss.s, for example 1:05.5.";
  if (endMs === null || !Number.isFinite(endMs)) return "Write the end as m:ss.s, for example 1:20.0.";
  if (startMs < 0 || startMs >= durationMs) {
    return `The start must be inside the recording (0:00.0 to ${formatClock(durationMs)}).`;
  }
  if (endMs <= startMs) return "The end must come after the start.";
  if (endMs > durationMs) return `The end is past the end of the recording (${formatClock(durationMs)}).`;
  if (endMs - startMs > MAX_CLIP_MS) return `A clip can last at most ${formatDuration(MAX_CLIP_MS)}.`;
  return null;
}

/**
 * Moves `valueMs` by `deltaMs`, kept within `lo..hi`. A nudge never moves a value against its
 * own direction: a value already outside the bounds stays where it is rather than jump.
 */
export function nudge(valueMs: number, deltaMs: number, lo: number, hi: number): number {
  const target = Math.min(hi, Math.max(lo, valueMs + deltaMs));
  return deltaMs >= 0 ? Math.max(valueMs, target) : Math.min(valueMs, target);
}

/** The span with its start moved by `deltaMs`: inside the recording, before the end, not too long. */
export function nudgeStart(span: SpanLike, deltaMs: number): SpanLike {
  const lo = Math.max(0, span.endMs - MAX_CLIP_MS);
  const hi = span.endMs - MIN_CLIP_MS;
  return { startMs: nudge(span.startMs, deltaMs, lo, hi), endMs: span.endMs };
}

/** The span with its end moved by `deltaMs`: after the start, inside the recording, not too long. */
export function nudgeEnd(span: SpanLike, deltaMs: number, durationMs: number): SpanLike {
  const lo = span.startMs + MIN_CLIP_MS;
  const hi = Math.min(durationMs, span.startMs + MAX_CLIP_MS);
  return { startMs: span.startMs, endMs: nudge(span.endMs, deltaMs, lo, hi) };
}

/** How far (0–1) playback at `positionMs` (in the recording) is through the clip. */
export function clipProgress(positionMs: number, span: SpanLike): number {
  const len = spanLength(span);
  if (len <= 0 || !Number.isFinite(positionMs)) return 0;
  return Math.min(1, Math.max(0, (positionMs - span.startMs) / len));
}

/**
 * Where a clip dragged from `from` ends up when dropped at `pointerY`, given the vertical middle
 * of every row in the current order: the number of other rows whose middle is above the pointer.
 * That is the `to` of `reels_move_clip` (remove at `from`, insert at `to`).
 */
export function dropIndex(from: number, pointerY: number, rowMiddles: readonly number[]): number {
  let to = 0;
  for (let i = 0; i < rowMiddles.length; i++) {
    if (i !== from && rowMiddles[i] < pointerY) to++;
  }
  return to;
}

// --- Adding notes by hand --------------------------------------------------------------------

export const IMPROVEMENT_CONFIRM =
  "Improvement notes are usually one-on-one. Add this one to a reel the team will hear?";

/** Only an improvement needs the coach to say yes first (DESIGN.md rule 1). */
export function needsConfirmation(kind: NoteKind): boolean {
  return kind === "improvement";
}

/** Fewer characters than this are not searched (every note would match). */
export const MIN_SEARCH_CHARS = 2;

/**
 * The search as typed, for `notes_search`: the last word, still being typed, matches as a prefix
 * (`objec` finds "objection"); a finished word (followed by a space) matches whole. Null when
 * there is nothing worth searching yet.
 */
export function searchText(input: string): string | null {
  const words = input.trim();
  if (words.replace(/[^\p{L}\p{N}]/gu, "").length < MIN_SEARCH_CHARS) return null;
  if (/\s$/.test(input) || words.endsWith("*")) return words;
  return `${words}*`;
}

export interface NoteHit {
  note: Note;
  recordingTitle: string;
  callTime: number;
  rep: string | null;
}

/** The note matches of a search page (without a kind filter, titles match too: left out). */
export function noteHits(hits: readonly SearchHit[]): NoteHit[] {
  const out: NoteHit[] = [];
  for (const h of hits) {
    if (h.type === "note") out.push({ note: h.note, recordingTitle: h.recordingTitle, callTime: h.callTime, rep: h.rep });
  }
  return out;
}

// --- Export ----------------------------------------------------------------------------------

export const FORMATS: ReadonlyArray<{ value: ReelFormat; label: string }> = [
  { value: "mp3", label: "MP3 — plays everywhere" },
  { value: "wav", label: "WAV — lossless, large" },
];

export const DEFAULT_FORMAT: ReelFormat = "mp3";

export const CANCELLED_MESSAGE = "Cancelled: nothing was written.";

/** Why the reel cannot be exported (or previewed) yet; null when it can. */
export function exportBlockedReason(clipCount: number): string | null {
  return clipCount === 0 ? "This reel has no clips yet: add notes to it before exporting." : null;
}

/** "3 of 8 clips". */
export function progressText(done: number, total: number): string {
  return `${done} of ${total} ${total === 1 ? "clip" : "clips"}`;
}
