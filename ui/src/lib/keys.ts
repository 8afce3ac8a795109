// The keyboard map. Marking must never need the mouse, yet shortcuts must never fire while the
// user types: in an editable field only Esc (leave the field) means anything here, and the note
// field handles its own Enter/Esc before this map is consulted.

import type { CallOutcome } from "../api/bindings/CallOutcome";
import type { NoteKind } from "../api/bindings/NoteKind";

/** The outcomes in the order of their keys 1–5 (and of the call view's buttons). */
export const OUTCOMES: ReadonlyArray<{ value: CallOutcome; label: string }> = [
  { value: "meeting-booked", label: "Meeting booked" },
  { value: "next-step", label: "Next step" },
  { value: "not-interested", label: "Not interested" },
  { value: "no-answer", label: "No answer" },
  { value: "other", label: "Other" },
];

export type Action =
  | { kind: "togglePlay" }
  | { kind: "seekBy"; deltaMs: number }
  | { kind: "speedStep"; dir: 1 | -1 }
  | { kind: "drop"; noteKind: NoteKind; range: boolean }
  | { kind: "nextNote" }
  | { kind: "prevNote" }
  | { kind: "zoom"; dir: 1 | -1 }
  | { kind: "help" }
  /** M: the coach marks the call reviewed (with the review panel's focus and summary); Shift+M
   *  also goes on to the next call of the list. */
  | { kind: "markReviewed"; andNext: boolean }
  /** J / K: the next / previous call of the library list, in its order and filters. */
  | { kind: "nextCall" }
  | { kind: "prevCall" }
  /** 1–5: the coach sets the call's outcome (the current one again clears it). */
  | { kind: "outcome"; outcome: CallOutcome }
  | { kind: "undo" }
  /** Ctrl/⌘+1, +2, +3: the Calls, Reels or Progress tab. */
  | { kind: "nav"; to: "calls" | "reels" | "progress" }
  /** Esc outside any field: close what is open, else go back to the library. */
  | { kind: "escape" }
  /** Esc inside a field: leave the field. */
  | { kind: "blur" };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey?: boolean;
  targetIsEditable: boolean;
}

export const SEEK_STEP_MS = 5000;

export function actionFor(e: KeyLike): Action | null {
  if (e.targetIsEditable) {
    return e.key === "Escape" ? { kind: "blur" } : null;
  }
  const command = e.ctrlKey || e.metaKey;
  if (command) {
    // Ctrl/⌘+Z undoes a delete; every other combination stays with the browser or the system.
    if (!e.altKey && !e.shiftKey && e.key.toLowerCase() === "z") return { kind: "undo" };
    if (!e.altKey && !e.shiftKey && e.key === "1") return { kind: "nav", to: "calls" };
    if (!e.altKey && !e.shiftKey && e.key === "2") return { kind: "nav", to: "reels" };
    if (!e.altKey && !e.shiftKey && e.key === "3") return { kind: "nav", to: "progress" };
    return null;
  }
  if (e.altKey) return null;
  switch (e.key) {
    case " ":
    case "Spacebar":
      return { kind: "togglePlay" };
    case "ArrowLeft":
      return { kind: "seekBy", deltaMs: -SEEK_STEP_MS };
    case "ArrowRight":
      return { kind: "seekBy", deltaMs: SEEK_STEP_MS };
    case "[":
      return { kind: "speedStep", dir: -1 };
    case "]":
      return { kind: "speedStep", dir: 1 };
    case "?":
      return { kind: "help" };
    case "Escape":
      return { kind: "escape" };
    case "+":
    case "=":
      return { kind: "zoom", dir: 1 };
    case "-":
      return { kind: "zoom", dir: -1 };
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
      // Shift+digit is another character on most layouts; only the plain digit counts.
      return e.shiftKey ? null : { kind: "outcome", outcome: OUTCOMES[Number(e.key) - 1].value };
  }
  // Letters by their lower case with Shift read separately, so Caps Lock does not turn
  // P into a range note.
  switch (e.key.toLowerCase()) {
    case "p":
      return { kind: "drop", noteKind: "positive", range: e.shiftKey };
    case "i":
      return { kind: "drop", noteKind: "improvement", range: e.shiftKey };
    case "n":
      return e.shiftKey ? { kind: "prevNote" } : { kind: "nextNote" };
    case "m":
      return { kind: "markReviewed", andNext: e.shiftKey };
    case "j":
      return e.shiftKey ? null : { kind: "nextCall" };
    case "k":
      return e.shiftKey ? null : { kind: "prevCall" };
  }
  return null;
}

/** What isEditableTarget needs of an event target (a DOM element, or a test's plain object). */
export interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
}

const NON_TEXT_INPUTS = new Set([
  "button",
  "checkbox",
  "radio",
  "range",
  "submit",
  "reset",
  "file",
  "color",
  "image",
]);

/**
 * Whether keys typed at this target are the user's text (or a native control's own keys, as
 * arrows are in a select) and so not shortcuts.
 */
export function isEditableTarget(target: TargetLike | null | undefined): boolean {
  if (!target || typeof target.tagName !== "string") return false;
  const tag = target.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NON_TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
  return target.isContentEditable === true;
}

/** Every shortcut, for the shortcuts dialog and for button titles. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: "Space", what: "Play / pause (in a reel: preview the reel / stop)" },
  { keys: "← / →", what: "Back / forward 5 seconds" },
  { keys: "[ / ]", what: "Slower / faster" },
  { keys: "P", what: "Positive note 2 s before the playhead (keeps playing)" },
  { keys: "I", what: "Improvement note 2 s before the playhead (keeps playing)" },
  { keys: "Shift+P / Shift+I", what: "Positive / improvement note over the selected range" },
  { keys: "Enter", what: "In a note: keep it and go back to listening (with no text: a marker-only note)" },
  { keys: "Drag a marker", what: "Move the note (Shift+drag: stretch it into a range; a range's end drags too); ✎ types its times" },
  { keys: "Esc", what: "In a new note: drop it. Elsewhere: close, or back to the library (or the reels)" },
  { keys: "N / Shift+N", what: "Next / previous note, with 3 s lead-in" },
  { keys: "+ / −", what: "Zoom the waveform in / out (also Ctrl/⌘ + wheel)" },
  { keys: "Ctrl/⌘+Z", what: "Undo the last change: a note deleted, moved, retyped or its kind changed, a review, a call's details (in the library: the last bulk edit or removal; in a reel: the last clip removed; in Reels: the last reel deleted)" },
  { keys: "M", what: "Coach: mark the call reviewed (with the review panel's focus area and summary)" },
  { keys: "Shift+M", what: "Coach: mark the call reviewed and go to the next call of the list" },
  { keys: "J / K", what: "Next / previous call of the library list (its order and filters)" },
  { keys: "1 – 5", what: "Coach: the call's outcome: meeting booked, next step, not interested, no answer, other (again: clear it)" },
  { keys: "Ctrl/⌘+1 / 2 / 3", what: "Go to Calls / Reels / Progress" },
  { keys: "↑ / ↓, Enter", what: "Library: move the selection, open the call" },
  { keys: "Space, Ctrl/⌘+A", what: "Library: mark the selected call / every call of the list (also Ctrl/⌘+click, Shift+click for a range; Esc unmarks)" },
  { keys: "1 – 5 (library)", what: "Coach: the outcome of every marked call (the bar below the list sets the rep and tags too)" },
  { keys: "Delete", what: "Library: remove the marked (or selected) calls from the library; their files stay on disk (Ctrl/⌘+Z brings them back)" },
  { keys: "?", what: "This list" },
];

/** The map's view of a DOM keyboard event (its fields are getters, so they are copied one by one). */
export function keyOf(e: KeyboardEvent): KeyLike {
  return {
    key: e.key,
    shiftKey: e.shiftKey,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    targetIsEditable: isEditableTarget(e.target as TargetLike | null),
  };
}
