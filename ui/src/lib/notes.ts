// Note navigation and marking rules, kept free of the DOM and of IPC so they can be tested.
//
// Notes are handled sorted by start time (ties by creation time, then id), which is the order
// of the notes list, of the markers and of next/previous.

import type { Note } from "../api/bindings/Note";
import type { NoteKind } from "../api/bindings/NoteKind";

/** Seconds of context played before a note when jumping to it. */
export const LEAD_IN_MS = 3000;
/** A note dropped with P/I lands this far before the playhead: the moment was just heard. */
export const DROP_OFFSET_MS = 2000;
/** How long after its start a point note counts as "under the playhead". */
export const POINT_NOTE_SPAN_MS = 4000;
/** More improvement notes than this on one call brings the Kaizen reminder (the core's limit too). */
export const KAIZEN_LIMIT = 2;
export const KAIZEN_MESSAGE = "Kaizen: one focus at a time — consider keeping one improvement";

/** What the rules need of a note. */
export interface NoteLike {
  id: string;
  startMs: number;
  endMs: number | null;
  kind: NoteKind;
  createdAt: number;
}

/** Where playback starts to hear a note with its lead-in (the person's setting, else 3 s). */
export function leadInStart(startMs: number, leadInMs: number = LEAD_IN_MS): number {
  return Math.max(0, startMs - leadInMs);
}

/** Where a note dropped at this playhead position starts. */
export function dropTime(playheadMs: number): number {
  return Math.max(0, Math.round(playheadMs) - DROP_OFFSET_MS);
}

export function compareNotes(a: NoteLike, b: NoteLike): number {
  return a.startMs - b.startMs || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A sorted copy. */
export function sortNotes<T extends NoteLike>(notes: readonly T[]): T[] {
  return [...notes].sort(compareNotes);
}

/** Where a note stops counting as "under the playhead". */
export function coverEnd(note: NoteLike): number {
  return note.endMs !== null && note.endMs > note.startMs
    ? note.endMs
    : note.startMs + POINT_NOTE_SPAN_MS;
}

/** Index of the last note (in sorted `notes`) that starts at or before `positionMs`; -1 if none. */
function lastStartedIndex(notes: readonly NoteLike[], positionMs: number): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid].startMs <= positionMs) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The note under the playhead in sorted `notes`: the latest-starting note whose start is at or
 * before the position and that still covers it (a range up to its end, a point note for
 * POINT_NOTE_SPAN_MS). Null when none does.
 */
export function noteAt<T extends NoteLike>(notes: readonly T[], positionMs: number): T | null {
  for (let i = lastStartedIndex(notes, positionMs); i >= 0; i--) {
    if (positionMs < coverEnd(notes[i])) return notes[i];
    // An earlier long range note may still cover the position; point notes cannot reach
    // further back than POINT_NOTE_SPAN_MS, but ranges can, so keep looking.
  }
  return null;
}

/**
 * Index of the note the listener is "on": the one last jumped to (`currentId`), unless playback
 * has since reached a later note's start; otherwise the note under the playhead. -1 for none.
 * Jumping lands in a note's lead-in, before its start, so the position alone would point at the
 * previous note; that is why the explicit current note is kept.
 */
export function currentIndex(
  notes: readonly NoteLike[],
  positionMs: number,
  currentId: string | null,
): number {
  const started = lastStartedIndex(notes, positionMs);
  const explicit = currentId === null ? -1 : notes.findIndex((n) => n.id === currentId);
  if (explicit >= 0 && explicit >= started) return explicit;
  if (started >= 0 && positionMs < coverEnd(notes[started])) return started;
  return -1;
}

/** The note after the current one, or the first note starting after the position. */
export function nextNote<T extends NoteLike>(
  notes: readonly T[],
  positionMs: number,
  currentId: string | null = null,
): T | null {
  const current = currentIndex(notes, positionMs, currentId);
  const i = current >= 0 ? current + 1 : lastStartedIndex(notes, positionMs) + 1;
  return notes[i] ?? null;
}

/** The note before the current one, or the last note starting at or before the position. */
export function prevNote<T extends NoteLike>(
  notes: readonly T[],
  positionMs: number,
  currentId: string | null = null,
): T | null {
  const current = currentIndex(notes, positionMs, currentId);
  const i = current >= 0 ? current - 1 : lastStartedIndex(notes, positionMs);
  return i >= 0 ? (notes[i] ?? null) : null;
}

export function countKind(notes: readonly NoteLike[], kind: NoteKind): number {
  return notes.reduce((n, note) => n + (note.kind === kind ? 1 : 0), 0);
}

/**
 * The one Kaizen nudge of the call view (a hint, never a block), from the core's counts: the
 * coach's review says so (`kaizenWarning`), or, before a review, the coach's own improvement
 * notes on the call (`CallView.myImprovements`) are more than KAIZEN_LIMIT.
 */
export function kaizenNudge(review: { kaizenWarning: boolean } | null, myImprovements: number): boolean {
  return review ? review.kaizenWarning : myImprovements > KAIZEN_LIMIT;
}

export function otherKind(kind: NoteKind): NoteKind {
  return kind === "positive" ? "improvement" : "positive";
}

/** The icon shown with a note, so that colour is never the only cue. */
export function kindIcon(kind: NoteKind): string {
  return kind === "positive" ? "▲" : "◆";
}

export function kindLabel(kind: NoteKind): string {
  return kind === "positive" ? "Positive" : "Improvement";
}

/**
 * A note as the call view holds it. `key` is stable for the life of the row (a note dropped with
 * P/I has no library id until its first words are saved, and its DOM must not be rebuilt, with
 * the focus lost, when the id arrives). `fresh`: just dropped and not yet kept (Enter) or left;
 * Esc drops it.
 */
export interface NoteRow {
  key: string;
  note: Note;
  fresh: boolean;
}

/** The id the DOM shows for a row: the library id once there is one. */
export function rowDomId(row: NoteRow): string {
  return row.note.id || row.key;
}
