import { describe, expect, it } from "vitest";
import { SHORTCUTS, actionFor, isEditableTarget, type KeyLike } from "../src/lib/keys";

function key(k: string, more: Partial<KeyLike> = {}): KeyLike {
  return { key: k, shiftKey: false, ctrlKey: false, metaKey: false, targetIsEditable: false, ...more };
}

describe("actionFor", () => {
  it("maps the transport keys", () => {
    expect(actionFor(key(" "))).toEqual({ kind: "togglePlay" });
    expect(actionFor(key("ArrowLeft"))).toEqual({ kind: "seekBy", deltaMs: -5000 });
    expect(actionFor(key("ArrowRight"))).toEqual({ kind: "seekBy", deltaMs: 5000 });
    expect(actionFor(key("["))).toEqual({ kind: "speedStep", dir: -1 });
    expect(actionFor(key("]"))).toEqual({ kind: "speedStep", dir: 1 });
  });
  it("drops point notes with P and I, range notes with Shift", () => {
    expect(actionFor(key("p"))).toEqual({ kind: "drop", noteKind: "positive", range: false });
    expect(actionFor(key("i"))).toEqual({ kind: "drop", noteKind: "improvement", range: false });
    expect(actionFor(key("P", { shiftKey: true }))).toEqual({ kind: "drop", noteKind: "positive", range: true });
    expect(actionFor(key("I", { shiftKey: true }))).toEqual({ kind: "drop", noteKind: "improvement", range: true });
  });
  it("does not make a range note from Caps Lock alone", () => {
    expect(actionFor(key("P"))).toEqual({ kind: "drop", noteKind: "positive", range: false });
  });
  it("goes to the next note with N and the previous with Shift+N", () => {
    expect(actionFor(key("n"))).toEqual({ kind: "nextNote" });
    expect(actionFor(key("N", { shiftKey: true }))).toEqual({ kind: "prevNote" });
  });
  it("opens help with ? and undoes with Ctrl+Z or Cmd+Z", () => {
    expect(actionFor(key("?", { shiftKey: true }))).toEqual({ kind: "help" });
    expect(actionFor(key("z", { ctrlKey: true }))).toEqual({ kind: "undo" });
    expect(actionFor(key("z", { metaKey: true }))).toEqual({ kind: "undo" });
  });
  it("switches between Calls and Reels with Ctrl/Cmd+1 and +2", () => {
    expect(actionFor(key("1", { ctrlKey: true }))).toEqual({ kind: "nav", to: "calls" });
    expect(actionFor(key("2", { metaKey: true }))).toEqual({ kind: "nav", to: "reels" });
    expect(actionFor(key("3", { ctrlKey: true }))).toEqual({ kind: "nav", to: "progress" });
    expect(actionFor(key("2", { ctrlKey: true, targetIsEditable: true }))).toBeNull();
    expect(actionFor(key("1", { ctrlKey: true, altKey: true }))).toBeNull();
  });
  it("leaves other Ctrl, Cmd and Alt combinations to the system", () => {
    expect(actionFor(key("p", { ctrlKey: true }))).toBeNull();
    expect(actionFor(key("c", { metaKey: true }))).toBeNull();
    expect(actionFor(key("z", { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(actionFor(key("n", { altKey: true }))).toBeNull();
  });
  it("never fires while the user types, except Esc to leave the field", () => {
    for (const k of [" ", "p", "i", "n", "ArrowLeft", "[", "?"]) {
      expect(actionFor(key(k, { targetIsEditable: true }))).toBeNull();
    }
    expect(actionFor(key("z", { ctrlKey: true, targetIsEditable: true }))).toBeNull();
    expect(actionFor(key("Escape", { targetIsEditable: true }))).toEqual({ kind: "blur" });
    expect(actionFor(key("Escape"))).toEqual({ kind: "escape" });
  });
  it("marks the call reviewed with M and sets the outcome with 1 to 5", () => {
    expect(actionFor(key("m"))).toEqual({ kind: "markReviewed", andNext: false });
    expect(actionFor(key("M", { shiftKey: true }))).toEqual({ kind: "markReviewed", andNext: true });
    expect(actionFor(key("j"))).toEqual({ kind: "nextCall" });
    expect(actionFor(key("k"))).toEqual({ kind: "prevCall" });
    expect(actionFor(key("J", { shiftKey: true }))).toBeNull();
    expect(actionFor(key("1"))).toEqual({ kind: "outcome", outcome: "meeting-booked" });
    expect(actionFor(key("2"))).toEqual({ kind: "outcome", outcome: "next-step" });
    expect(actionFor(key("3"))).toEqual({ kind: "outcome", outcome: "not-interested" });
    expect(actionFor(key("4"))).toEqual({ kind: "outcome", outcome: "no-answer" });
    expect(actionFor(key("5"))).toEqual({ kind: "outcome", outcome: "other" });
    expect(actionFor(key("6"))).toBeNull();
    expect(actionFor(key("m", { targetIsEditable: true }))).toBeNull();
    expect(actionFor(key("1", { targetIsEditable: true }))).toBeNull();
  });
  it("ignores keys it does not know", () => {
    expect(actionFor(key("x"))).toBeNull();
    expect(actionFor(key("Enter"))).toBeNull();
  });
});

describe("isEditableTarget", () => {
  it("treats text fields, text areas, selects and contenteditable as editable", () => {
    expect(isEditableTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isEditableTarget({ tagName: "INPUT", type: "search" })).toBe(true);
    expect(isEditableTarget({ tagName: "INPUT", type: "number" })).toBe(true);
    expect(isEditableTarget({ tagName: "INPUT" })).toBe(true);
    expect(isEditableTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isEditableTarget({ tagName: "SELECT" })).toBe(true);
    expect(isEditableTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });
  it("lets shortcuts through from buttons, checkboxes and plain elements", () => {
    expect(isEditableTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isEditableTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isEditableTarget({ tagName: "DIV" })).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
    expect(isEditableTarget({})).toBe(false);
  });
});

describe("SHORTCUTS", () => {
  it("lists every key the map knows", () => {
    const listed = SHORTCUTS.map((s) => s.keys).join(" ");
    for (const k of ["Space", "P", "I", "Shift+P", "N / Shift+N", "[ / ]", "Esc", "Enter", "?", "Ctrl/⌘+Z", "Ctrl/⌘+1 / 2 / 3", "M", "1 – 5"]) {
      expect(listed).toContain(k);
    }
  });
});

describe("SHORTCUTS keys", () => {
  it("are unique (the dialog keys its rows by them)", () => {
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
