import { describe, expect, it } from "vitest";
import { SETTINGS_KEY, currentName, defaultSettings, loadSettings, saveSettings } from "../src/lib/settings";

function memory(initial?: string) {
  const map = new Map<string, string>();
  if (initial !== undefined) map.set(SETTINGS_KEY, initial);
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

describe("settings", () => {
  it("starts as a coach named Coach", () => {
    const s = loadSettings(memory());
    expect(s.role).toBe("coach");
    expect(currentName(s)).toBe("Coach");
  });
  it("names a rep Rep by default", () => {
    expect(currentName({ ...defaultSettings(), role: "rep" })).toBe("Rep");
  });
  it("round-trips through storage", () => {
    const store = memory();
    saveSettings(store, { role: "rep", names: { coach: "Dana", rep: "Sam" } });
    const s = loadSettings(store);
    expect(s.role).toBe("rep");
    expect(currentName(s)).toBe("Sam");
  });
  it("falls back to defaults for corrupt or partial entries", () => {
    expect(loadSettings(memory("{not json"))).toEqual(defaultSettings());
    expect(loadSettings(memory('"coach"'))).toEqual(defaultSettings());
    const partial = loadSettings(memory('{"role":"admin","names":{"coach":"  "}}'));
    expect(partial).toEqual(defaultSettings());
    expect(loadSettings(null)).toEqual(defaultSettings());
  });
  it("uses the role's default when the name is blank", () => {
    expect(currentName({ role: "coach", names: { coach: "   ", rep: "x" } })).toBe("Coach");
  });
});
