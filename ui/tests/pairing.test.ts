import { describe, expect, it } from "vitest";
import { PAIR_WINDOW_MS, pairNotes, sameFocus } from "../src/lib/pairing";

const n = (id: string, s: number) => ({ id, startMs: s * 1000 });
const ids = (rows: ReturnType<typeof pairNotes>) => rows.map((r) => [r.rep?.id ?? null, r.coach?.id ?? null]);

describe("pairNotes", () => {
  it("pairs notes within ten seconds and leaves the others alone", () => {
    const rows = pairNotes([n("r1", 10), n("r2", 100)], [n("c1", 15), n("c2", 40)]);
    expect(ids(rows)).toEqual([
      ["r1", "c1"],
      [null, "c2"],
      ["r2", null],
    ]);
  });
  it("counts exactly ten seconds as the same moment, not more", () => {
    expect(PAIR_WINDOW_MS).toBe(10_000);
    expect(ids(pairNotes([n("r", 0)], [n("c", 10)]))).toEqual([["r", "c"]]);
    expect(ids(pairNotes([n("r", 0)], [{ id: "c", startMs: 10_001 }]))).toEqual([
      ["r", null],
      [null, "c"],
    ]);
  });
  it("takes the smallest gap first, even when an earlier rep note could take that coach note", () => {
    // r1 is 8 s from c, r2 is 1 s from c: r2 gets it, r1 stays alone.
    const rows = pairNotes([n("r1", 12), n("r2", 21)], [n("c", 20)]);
    expect(ids(rows)).toEqual([
      ["r1", null],
      ["r2", "c"],
    ]);
  });
  it("uses each coach note once and gives the next nearest to the next rep note", () => {
    const rows = pairNotes([n("r1", 10), n("r2", 12)], [n("c1", 11), n("c2", 18)]);
    // Gaps: r1-c1 1, r2-c1 1 (tie: earlier rep note wins), then r2-c2 6.
    expect(ids(rows)).toEqual([
      ["r1", "c1"],
      ["r2", "c2"],
    ]);
  });
  it("does not depend on the order the notes come in", () => {
    const rep = [n("r2", 50), n("r1", 5)];
    const coach = [n("c2", 55), n("c1", 2)];
    expect(ids(pairNotes(rep, coach))).toEqual(ids(pairNotes([...rep].reverse(), [...coach].reverse())));
    expect(ids(pairNotes(rep, coach))).toEqual([
      ["r1", "c1"],
      ["r2", "c2"],
    ]);
  });
  it("handles empty lanes", () => {
    expect(pairNotes([], [])).toEqual([]);
    expect(ids(pairNotes([n("r", 1)], []))).toEqual([["r", null]]);
    expect(ids(pairNotes([], [n("c", 1)]))).toEqual([[null, "c"]]);
  });
});

describe("sameFocus", () => {
  it("compares focus areas regardless of case and spaces, never two blanks", () => {
    expect(sameFocus("Discovery", " discovery ")).toBe(true);
    expect(sameFocus("Discovery", "Closing")).toBe(false);
    expect(sameFocus("", "")).toBe(false);
    expect(sameFocus(null, undefined)).toBe(false);
  });
});
