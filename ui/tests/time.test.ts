import { describe, expect, it } from "vitest";
import { dateInputToMs, formatClock, formatDate, formatDateTime, formatDuration, formatSpan, parseClock, parseSpan } from "../src/lib/time";

describe("formatClock", () => {
  it("shows minutes, seconds and tenths", () => {
    expect(formatClock(0)).toBe("0:00.0");
    expect(formatClock(5_300)).toBe("0:05.3");
    expect(formatClock(754_500)).toBe("12:34.5");
  });
  it("truncates rather than rounds, so the clock never runs ahead of the playhead", () => {
    expect(formatClock(59_999)).toBe("0:59.9");
  });
  it("adds hours from one hour on", () => {
    expect(formatClock(3_600_000)).toBe("1:00:00.0");
    expect(formatClock(3_723_400)).toBe("1:02:03.4");
  });
  it("reads negative and non-finite times as zero", () => {
    expect(formatClock(-40)).toBe("0:00.0");
    expect(formatClock(Number.NaN)).toBe("0:00.0");
  });
});

describe("formatDuration", () => {
  it("shows m:ss below an hour and h:mm:ss from an hour", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65_000)).toBe("1:05");
    expect(formatDuration(3_599_000)).toBe("59:59");
    expect(formatDuration(3_600_000)).toBe("1:00:00");
    expect(formatDuration(36_061_000)).toBe("10:01:01");
  });
  it("rounds to the nearest second", () => {
    expect(formatDuration(1_499)).toBe("0:01");
    expect(formatDuration(59_600)).toBe("1:00");
  });
});

describe("parseClock", () => {
  it("reads seconds, m:ss and h:mm:ss with optional fractions", () => {
    expect(parseClock("7")).toBe(7_000);
    expect(parseClock("7.25")).toBe(7_250);
    expect(parseClock("1:05")).toBe(65_000);
    expect(parseClock("12:34.5")).toBe(754_500);
    expect(parseClock("1:02:03.4")).toBe(3_723_400);
    expect(parseClock(" 0:00.0 ")).toBe(0);
  });
  it("round-trips what formatClock writes", () => {
    for (const ms of [0, 100, 59_900, 61_000, 3_723_400]) expect(parseClock(formatClock(ms))).toBe(ms);
  });
  it("refuses malformed input", () => {
    expect(parseClock("")).toBeNull();
    expect(parseClock("abc")).toBeNull();
    expect(parseClock("1:60")).toBeNull();
    expect(parseClock("1:2:3:4")).toBeNull();
    expect(parseClock("-5")).toBeNull();
  });
});

describe("dates", () => {
  it("formats a call time as local YYYY-MM-DD HH:MM", () => {
    const t = new Date(2024, 4, 3, 9, 7).getTime();
    expect(formatDateTime(t)).toBe("2024-05-03 09:07");
  });
  it("turns a date input into the local midnights that start and end that day", () => {
    expect(dateInputToMs("2024-05-03")).toBe(new Date(2024, 4, 3).getTime());
    expect(dateInputToMs("2024-05-03", 1)).toBe(new Date(2024, 4, 4).getTime());
    expect(dateInputToMs("2024-12-31", 1)).toBe(new Date(2025, 0, 1).getTime());
  });
  it("gives null for an empty date input", () => {
    expect(dateInputToMs("")).toBeNull();
    expect(dateInputToMs("03/05/2024")).toBeNull();
  });
});

describe("formatDate", () => {
  it("shows the local day as YYYY-MM-DD", () => {
    expect(formatDate(new Date(2025, 0, 5, 23, 59).getTime())).toBe("2025-01-05");
    expect(formatDate(new Date(2025, 11, 31, 0, 0).getTime())).toBe("2025-12-31");
  });
  it("is empty for an invalid time", () => {
    expect(formatDate(Number.NaN)).toBe("");
  });
});

describe("parseSpan", () => {
  it("reads a point, a range with an en dash or a hyphen, and refuses the rest", () => {
    expect(parseSpan("1:02.5")).toEqual({ startMs: 62_500, endMs: null });
    expect(parseSpan("1:02.5–1:10")).toEqual({ startMs: 62_500, endMs: 70_000 });
    expect(parseSpan(" 5 - 7.25 ")).toEqual({ startMs: 5_000, endMs: 7_250 });
    expect(parseSpan("1:10–1:02")).toBeNull();
    expect(parseSpan("1:02–1:02")).toBeNull();
    expect(parseSpan("soon")).toBeNull();
    expect(parseSpan("1–2–3")).toBeNull();
  });

  it("reads back what formatSpan writes", () => {
    expect(parseSpan(formatSpan(62_500, null))).toEqual({ startMs: 62_500, endMs: null });
    expect(parseSpan(formatSpan(62_500, 70_100))).toEqual({ startMs: 62_500, endMs: 70_100 });
  });
});
