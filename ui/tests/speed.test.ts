import { describe, expect, it } from "vitest";
import { SPEEDS, formatSpeed, nearestSpeedIndex, stepSpeed } from "../src/lib/speed";

describe("speed steps", () => {
  it("offers the speeds coaches use, slowest first", () => {
    expect(SPEEDS).toEqual([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3]);
  });
  it("steps up and down one step", () => {
    expect(stepSpeed(1, 1)).toBe(1.25);
    expect(stepSpeed(1.5, -1)).toBe(1.25);
    expect(stepSpeed(2, 1)).toBe(2.5);
  });
  it("stops at both ends", () => {
    expect(stepSpeed(3, 1)).toBe(3);
    expect(stepSpeed(0.75, -1)).toBe(0.5);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
  });
  it("moves an off-step speed to the neighbouring step in the asked direction", () => {
    expect(stepSpeed(1.1, 1)).toBe(1.25);
    expect(stepSpeed(1.1, -1)).toBe(1);
    expect(stepSpeed(0.6, 1)).toBe(0.75);
    expect(stepSpeed(0.6, -1)).toBe(0.5);
  });
  it("finds the nearest step", () => {
    expect(nearestSpeedIndex(1.6)).toBe(4);
    expect(nearestSpeedIndex(10)).toBe(SPEEDS.length - 1);
  });
  it("formats with a times sign", () => {
    expect(formatSpeed(1.25)).toBe("1.25×");
  });
});
