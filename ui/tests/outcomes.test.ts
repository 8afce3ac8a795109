import { describe, expect, it } from "vitest";
import { byOutcome, outcomeLabel } from "../src/lib/outcomes";

describe("outcomes", () => {
  it("groups calls by their earlier outcome, so a bulk change undoes per value", () => {
    const groups = byOutcome([
      { id: 3, outcome: "no-answer" },
      { id: 1, outcome: null },
      { id: 7, outcome: "no-answer" },
      { id: 2, outcome: "meeting-booked" },
    ]);
    expect([...groups.entries()]).toEqual([
      ["no-answer", [3, 7]],
      [null, [1]],
      ["meeting-booked", [2]],
    ]);
    expect(byOutcome([]).size).toBe(0);
  });

  it("labels an outcome, and nothing for none", () => {
    expect(outcomeLabel("next-step")).toBe("Next step");
    expect(outcomeLabel(null)).toBe("");
  });
});
