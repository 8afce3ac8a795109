// Review packs and notes files in the window: the wrappers send the contract's argument names,
// dropped files split into packs and recordings, and a merge reads as lines of words.
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: unknown) => invoke(cmd, args),
  Channel: class {},
}));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

const api = await import("../src/api");
const { changedAnything, isPack, mergeLines, packs, splitPacks } = await import("../src/lib/packs.svelte");
const { errors } = await import("../src/lib/errors.svelte");

import type { PackImportSummary } from "../src/api/bindings/PackImportSummary";

const zero = { new: 0, updated: 0, unchanged: 0, deleted: 0 };

function summary(over: Partial<PackImportSummary["merge"]> = {}): PackImportSummary {
  return {
    packId: "p1",
    from: { id: "c", name: "Carla" },
    to: { id: "r", name: "Rita" },
    createdAt: 0,
    merge: {
      people: zero,
      recordings: zero,
      notes: zero,
      replies: zero,
      reviews: zero,
      steps: zero,
      skipped: 0,
      conflicts: [],
      ...over,
    },
    audioWritten: 0,
    withoutAudio: 0,
    becameDefault: false,
    recordings: [7],
  };
}

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue(null);
  errors.list = [];
});

describe("commands", () => {
  it("send the contract's argument names", async () => {
    await api.packsExport("Rita", [1, 2], null, true, "/tmp/x.gamefilm");
    expect(invoke).toHaveBeenLastCalledWith("packs_export", {
      to: "Rita",
      calls: [1, 2],
      since: null,
      withoutAudio: true,
      path: "/tmp/x.gamefilm",
    });
    await api.packsImport("/tmp/x.gamefilm");
    expect(invoke).toHaveBeenLastCalledWith("packs_import", { path: "/tmp/x.gamefilm" });
    await api.recordingsLocate(3, "/calls/a.mp3");
    expect(invoke).toHaveBeenLastCalledWith("recordings_locate", { id: 3, path: "/calls/a.mp3" });
    await api.notesExport([3], "vtt", "/tmp/n.vtt");
    expect(invoke).toHaveBeenLastCalledWith("notes_export", { ids: [3], format: "vtt", path: "/tmp/n.vtt" });
    await api.notesImport(3, "/tmp/n.csv", "positive");
    expect(invoke).toHaveBeenLastCalledWith("notes_import", { id: 3, path: "/tmp/n.csv", kind: "positive" });
    await api.filesPickOpen("Open", "Packs", ["gamefilm"]);
    expect(invoke).toHaveBeenLastCalledWith("files_pick_open", {
      title: "Open",
      kind: "Packs",
      extensions: ["gamefilm"],
    });
  });
});

describe("dropped files", () => {
  it("packs are told apart by their extension, in any case", () => {
    expect(isPack("/home/r/From Carla.GAMEFILM")).toBe(true);
    expect(isPack("/home/r/call.gamefilm.mp3")).toBe(false);
    expect(splitPacks(["/a.mp3", "/b.gamefilm", "/c.wav"])).toEqual({
      packs: ["/b.gamefilm"],
      others: ["/a.mp3", "/c.wav"],
    });
  });
});

describe("what a merge did", () => {
  it("names each kind that moved, and nothing for a pack opened twice", () => {
    const first = summary({
      recordings: { ...zero, new: 1 },
      notes: { ...zero, new: 3, unchanged: 1 },
      people: { ...zero, unchanged: 2 },
    });
    expect(mergeLines(first)).toEqual([
      { what: "Calls", text: "1 new" },
      { what: "Notes", text: "3 new, 1 unchanged" },
      { what: "People", text: "2 unchanged" },
    ]);
    expect(changedAnything(first)).toBe(true);
    const again = summary({ notes: { ...zero, unchanged: 4 } });
    expect(changedAnything(again)).toBe(false);
    expect(changedAnything(summary({ steps: { ...zero, deleted: 1 } }))).toBe(true);
  });

  it("opening a pack shows its summary; a refused pack shows why and nothing else", async () => {
    const s = summary({ notes: { ...zero, new: 2 } });
    invoke.mockResolvedValueOnce(s);
    const merged = vi.fn();
    packs.onMerged = merged;
    await packs.open("/tmp/a.gamefilm");
    expect(packs.result).toEqual(s);
    expect(merged).toHaveBeenCalledWith(s);
    expect(packs.opening).toBeNull();
    packs.dismiss();
    invoke.mockRejectedValueOnce({ code: "pack.not_a_pack", message: "/tmp/b.gamefilm: not a zip" });
    await packs.open("/tmp/b.gamefilm");
    expect(packs.result).toBeNull();
    expect(errors.list.map((e) => e.message)).toEqual([
      "Could not open the review pack; nothing was changed: /tmp/b.gamefilm: not a zip",
    ]);
    packs.onMerged = null;
  });
});
