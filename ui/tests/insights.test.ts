import { describe, expect, it } from "vitest";
import { pct, secs, spansInView } from "../src/lib/insights";

describe("insights", () => {
  it("says shares and times plainly, and a missing figure as a dash (never a zero)", () => {
    expect(pct(0.634)).toBe("63 %");
    expect(pct(null)).toBe("–");
    expect(secs(11_460)).toBe("11.5 s");
    expect(secs(null)).toBe("–");
  });

  it("keeps the spans in view, clipped", () => {
    expect(spansInView([[0, 1000], [2000, 5000], [9000, 9500]], 1500, 4000)).toEqual([[2000, 4000]]);
    expect(spansInView([[0, 1000]], 1000, 2000)).toEqual([]);
  });
});
