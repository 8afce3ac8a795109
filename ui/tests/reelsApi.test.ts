// The wrappers send each command with the argument names of docs/app-contract.md.
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: unknown) => invoke(cmd, args),
  Channel: class {
    onmessage: (m: unknown) => void;
    constructor(onmessage: (m: unknown) => void) {
      this.onmessage = onmessage;
    }
  },
}));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

const api = await import("../src/api");

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue(undefined);
});

function sent(): [string, Record<string, unknown> | undefined] {
  expect(invoke).toHaveBeenCalledTimes(1);
  return invoke.mock.calls[0] as [string, Record<string, unknown> | undefined];
}

describe("reel commands", () => {
  it("list, get, create, rename, delete", async () => {
    await api.reelsList();
    expect(sent()).toEqual(["reels_list", undefined]);
    invoke.mockClear();
    await api.reelsGet(4);
    expect(sent()).toEqual(["reels_get", { id: 4 }]);
    invoke.mockClear();
    const plan = { title: "t", sinceMs: 5, kinds: ["positive" as const] };
    await api.reelsCreate(plan);
    expect(sent()).toEqual(["reels_create", { title: "t", query: { sinceMs: 5, kinds: ["positive"] } }]);
    invoke.mockClear();
    await api.reelsRename(4, "New");
    expect(sent()).toEqual(["reels_rename", { id: 4, title: "New" }]);
    invoke.mockClear();
    await api.reelsDelete(4);
    expect(sent()).toEqual(["reels_delete", { id: 4 }]);
  });

  it("clip edits", async () => {
    await api.reelsAddNote(4, "n1");
    expect(sent()).toEqual(["reels_add_note", { id: 4, noteId: "n1", position: null }]);
    invoke.mockClear();
    await api.reelsAddNote(4, "n1", 0);
    expect(sent()).toEqual(["reels_add_note", { id: 4, noteId: "n1", position: 0 }]);
    invoke.mockClear();
    await api.reelsRemoveClip(4, 2);
    expect(sent()).toEqual(["reels_remove_clip", { id: 4, position: 2 }]);
    invoke.mockClear();
    await api.reelsMoveClip(4, 2, 0);
    expect(sent()).toEqual(["reels_move_clip", { id: 4, from: 2, to: 0 }]);
    invoke.mockClear();
    await api.reelsTrimClip(4, 1, 1000.4, 2000.6);
    expect(sent()).toEqual(["reels_trim_clip", { id: 4, position: 1, startMs: 1000, endMs: 2001 }]);
  });

  it("search, folder, render with progress, cancel", async () => {
    await api.notesSearch({ text: "close*", kind: "positive", limit: 30, offset: 0 });
    expect(sent()).toEqual(["notes_search", { query: { text: "close*", kind: "positive", limit: 30, offset: 0 } }]);
    invoke.mockClear();
    await api.reelsPickFolder();
    expect(sent()).toEqual(["reels_pick_folder", undefined]);
    invoke.mockClear();
    const events: unknown[] = [];
    await api.reelsRender(4, "mp3", "/tmp/out", (e) => events.push(e));
    const [cmd, args] = sent();
    expect(cmd).toBe("reels_render");
    expect(args).toMatchObject({ id: 4, format: "mp3", outDir: "/tmp/out" });
    (args?.onEvent as { onmessage: (m: unknown) => void }).onmessage({ type: "progress", done: 1, total: 2 });
    expect(events).toEqual([{ type: "progress", done: 1, total: 2 }]);
    invoke.mockClear();
    await api.reelsRenderCancel();
    expect(sent()).toEqual(["reels_render_cancel", undefined]);
  });

  it("rejections become AppErrors", async () => {
    invoke.mockRejectedValueOnce({ code: "reel.cancelled", message: "the render was cancelled; nothing was written" });
    await expect(api.reelsRender(1, "wav", "/x", () => undefined)).rejects.toEqual({
      code: "reel.cancelled",
      message: "the render was cancelled; nothing was written",
    });
  });
});

describe("player_open", () => {
  it("sends toMs for a clip's end", async () => {
    await api.playerOpen(7, 1000.2, 16_000, () => undefined);
    const [cmd, args] = sent();
    expect(cmd).toBe("player_open");
    expect(args).toMatchObject({ recordingId: 7, fromMs: 1000, toMs: 16_000 });
  });
  it("sends null (to the end) when there is no end", async () => {
    await api.playerOpen(7, 0, null, () => undefined);
    expect(sent()[1]).toMatchObject({ toMs: null });
    invoke.mockClear();
    await api.playerOpen(7, 0, undefined, () => undefined);
    expect(sent()[1]).toMatchObject({ toMs: null });
  });
});
