import { describe, expect, it } from "vitest";
import { addDays, defaultOwner, isoDay } from "../src/lib/steps";

describe("isoDay / addDays", () => {
  it("writes the local calendar day", () => {
    expect(isoDay(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
    expect(isoDay(new Date(2026, 10, 30))).toBe("2026-11-30");
  });
  it("adds whole days across months and years", () => {
    expect(isoDay(addDays(new Date(2026, 11, 29), 7))).toBe("2027-01-05");
    expect(isoDay(addDays(new Date(2026, 2, 1), -1))).toBe("2026-02-28");
  });
});

describe("defaultOwner", () => {
  const people = [
    { id: "1", name: "Dana", role: "coach" as const },
    { id: "2", name: "Sam", role: "rep" as const },
  ];
  it("is the call's rep when the library knows them, whatever the case", () => {
    expect(defaultOwner(people, "sam", "Dana")).toBe("Sam");
  });
  it("is the writer otherwise", () => {
    expect(defaultOwner(people, "Alex", "Dana")).toBe("Dana");
    expect(defaultOwner(people, null, "Sam")).toBe("Sam");
  });
});
