import { describe, expect, it } from "vitest";
import { highlight, momentsQuery } from "../src/lib/moments";

const st = { search: "", rep: "", sinceDate: "", untilDate: "", kind: "" as const };

describe("moments", () => {
  it("search the notes for a word, or for a kind alone, with the list's filters", () => {
    expect(momentsQuery(st)).toBeNull();
    expect(momentsQuery({ ...st, rep: "Dana" })).toBeNull();
    expect(momentsQuery({ ...st, search: "pric" })).toEqual({ text: "pric", limit: 50 });
    const q = momentsQuery({ ...st, kind: "positive", rep: "Dana", sinceDate: "2026-03-01" });
    expect(q?.text).toBe("");
    expect(q?.kind).toBe("positive");
    expect(q?.rep).toBe("Dana");
    expect(q?.since).toBe(new Date(2026, 2, 1).getTime());
  });

  it("mark the words typed: earlier words whole, the last as a prefix", () => {
    const marked = (text: string, typed: string) =>
      highlight(text, typed)
        .filter((p) => p.hit)
        .map((p) => p.text);
    expect(marked("Handled the Pricing objection", "pric")).toEqual(["Pricing"]);
    expect(marked("Handled the pricing objection", "pric ")).toEqual([]);
    expect(marked("Handled the pricing objection, priced well", "handled pri")).toEqual([
      "Handled",
      "pricing",
      "priced",
    ]);
    expect(marked("a b", "a")).toEqual(["a"]);
    const pieces = highlight("Great pricing.", "pricing");
    expect(pieces.map((p) => p.text).join("")).toBe("Great pricing.");
    expect(highlight("text", "")).toEqual([{ text: "text", hit: false }]);
  });
});
