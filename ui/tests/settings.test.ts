// Settings that stay: the list's state goes into the settings and back unchanged, and changes
// are saved once, a moment after the last one.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: unknown) => invoke(cmd, args),
  Channel: class {},
}));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

const { DEFAULT_SETTINGS, applyListSettings, listSettingsOf, settings } = await import("../src/lib/settings.svelte");
const { libraryState } = await import("../src/lib/libraryState.svelte");

beforeEach(() => {
  vi.useFakeTimers();
  invoke.mockReset();
});
afterEach(() => vi.useRealTimers());

describe("settings", () => {
  it("the list's sort, filters and place go into the settings and back", () => {
    const saved = {
      ...DEFAULT_SETTINGS.list,
      sort: "duration" as const,
      descending: false,
      search: "pricing",
      rep: "Dana",
      kind: "improvement" as const,
      outcome: "meeting-booked" as const,
      tag: "q3",
      talkAbove: 65,
      hideOneSided: true,
      minSeconds: 30,
      selected: 41,
      scrollTop: 1394,
    };
    applyListSettings(libraryState, saved);
    expect(libraryState.searchText).toBe("pricing");
    expect(libraryState.selected).toBe(41);
    expect(listSettingsOf(libraryState)).toEqual(saved);
    applyListSettings(libraryState, DEFAULT_SETTINGS.list);
    expect(libraryState.kind).toBe("");
    expect(libraryState.outcome).toBe("");
  });

  it("saves once after the last change, and not what did not change", async () => {
    invoke.mockResolvedValueOnce(structuredClone(DEFAULT_SETTINGS));
    await settings.load();
    expect(invoke).toHaveBeenLastCalledWith("settings_get", undefined);
    invoke.mockImplementation((_cmd: string, args: { settings: unknown }) => Promise.resolve(args.settings));
    settings.update({ speed: 1 });
    settings.update({ speed: 1.5 });
    settings.update({ speed: 2, skipSilence: true });
    await vi.advanceTimersByTimeAsync(1000);
    const saves = invoke.mock.calls.filter((c) => c[0] === "settings_save");
    expect(saves).toHaveLength(1);
    expect(saves[0][1].settings).toMatchObject({ speed: 2, skipSilence: true, leadInMs: 3000 });
  });
});
