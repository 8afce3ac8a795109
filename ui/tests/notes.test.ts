import { describe, expect, it } from "vitest";
import {
  KAIZEN_MESSAGE,
  countKind,
  currentIndex,
  dropTime,
  kaizenNudge,
  kindIcon,
  leadInStart,
  nextNote,
  noteAt,
  prevNote,
  sortNotes,
  type NoteLike,
} from "../src/lib/notes";

let seq = 0;
function note(startMs: number, kind: NoteLike["kind"] = "positive", endMs: number | null = null, id?: string): NoteLike {
  seq++;
  return { id: id ?? `n${startMs}`, startMs, endMs, kind, createdAt: seq };
}

const notes = sortNotes([note(30_000), note(10_000, "improvement"), note(60_000), note(20_000)]);

describe("lead-in and drop times", () => {
  it("plays three seconds before a note, never before the start", () => {
    expect(leadInStart(10_000)).toBe(7_000);
    expect(leadInStart(1_000)).toBe(0);
    expect(leadInStart(0)).toBe(0);
  });
  it("drops a note two seconds before the playhead, clamped at zero", () => {
    expect(dropTime(12_345)).toBe(10_345);
    expect(dropTime(1_500)).toBe(0);
    expect(dropTime(0)).toBe(0);
  });
});

describe("sortNotes", () => {
  it("orders by start, then by creation", () => {
    const a = { id: "a", startMs: 5, endMs: null, kind: "positive" as const, createdAt: 2 };
    const b = { id: "b", startMs: 5, endMs: null, kind: "positive" as const, createdAt: 1 };
    expect(sortNotes([a, b]).map((n) => n.id)).toEqual(["b", "a"]);
    expect(notes.map((n) => n.startMs)).toEqual([10_000, 20_000, 30_000, 60_000]);
  });
});

describe("noteAt", () => {
  it("finds nothing in an empty list", () => {
    expect(noteAt([], 5_000)).toBeNull();
  });
  it("counts a position exactly at a note's start as under it", () => {
    expect(noteAt(notes, 20_000)?.id).toBe("n20000");
  });
  it("covers a point note for a few seconds only", () => {
    expect(noteAt(notes, 23_999)?.id).toBe("n20000");
    expect(noteAt(notes, 25_000)).toBeNull();
    expect(noteAt(notes, 9_999)).toBeNull();
  });
  it("covers a range note up to its end, even behind later notes' reach", () => {
    const withRange = sortNotes([note(0, "positive", 100_000, "long"), note(10_000)]);
    expect(noteAt(withRange, 50_000)?.id).toBe("long");
    expect(noteAt(withRange, 11_000)?.id).toBe("n10000");
    expect(noteAt(withRange, 100_000)).toBeNull();
  });
});

describe("next and previous note", () => {
  it("finds nothing in an empty list", () => {
    expect(nextNote([], 0)).toBeNull();
    expect(prevNote([], 0)).toBeNull();
  });
  it("goes from the start of the call to the first note", () => {
    expect(nextNote(notes, 0)?.id).toBe("n10000");
    expect(prevNote(notes, 0)).toBeNull();
  });
  it("treats a position exactly at a note as being on it", () => {
    expect(nextNote(notes, 20_000)?.id).toBe("n30000");
    expect(prevNote(notes, 20_000)?.id).toBe("n10000");
  });
  it("after a jump, which lands in the lead-in, moves from the note jumped to", () => {
    // Jumped to n30000: the playhead is at 27 s, before the note's start.
    expect(nextNote(notes, 27_000, "n30000")?.id).toBe("n60000");
    expect(prevNote(notes, 27_000, "n30000")?.id).toBe("n20000");
    // Without knowing the jump, 27 s is between notes.
    expect(nextNote(notes, 27_000)?.id).toBe("n30000");
  });
  it("follows playback past the note last jumped to", () => {
    expect(currentIndex(notes, 61_000, "n10000")).toBe(3);
    expect(nextNote(notes, 61_000, "n10000")).toBeNull();
    expect(prevNote(notes, 61_000, "n10000")?.id).toBe("n30000");
  });
  it("between notes, previous is the last note already passed", () => {
    expect(prevNote(notes, 45_000)?.id).toBe("n30000");
    expect(nextNote(notes, 45_000)?.id).toBe("n60000");
  });
  it("has no next note after the last", () => {
    expect(nextNote(notes, 60_000)).toBeNull();
    expect(nextNote(notes, 90_000)).toBeNull();
  });
  it("steps through notes that share a start time one by one", () => {
    const same = sortNotes([note(5_000, "positive", null, "x"), note(5_000, "improvement", null, "y")]);
    expect(nextNote(same, 2_000, "x")?.id).toBe("y");
    expect(prevNote(same, 2_000, "y")?.id).toBe("x");
  });
});

describe("Kaizen warning", () => {
  it("nudges only above two improvement notes of the coach, or when the review says so", () => {
    const two = [note(1, "improvement"), note(2, "improvement"), note(3)];
    expect(countKind(two, "improvement")).toBe(2);
    expect(kaizenNudge(null, 2)).toBe(false);
    expect(kaizenNudge(null, 3)).toBe(true);
    expect(kaizenNudge(null, 0)).toBe(false);
    // Once reviewed, the review's own flag (the core's count) decides.
    expect(kaizenNudge({ kaizenWarning: false }, 5)).toBe(false);
    expect(kaizenNudge({ kaizenWarning: true }, 0)).toBe(true);
    expect(KAIZEN_MESSAGE).toMatch(/one focus at a time/);
  });
});

describe("kind icons", () => {
  it("gives each kind its own shape, so colour is not the only cue", () => {
    expect(kindIcon("positive")).not.toBe(kindIcon("improvement"));
  });
});
