import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Note } from "../src/api/bindings/Note";
import type { NewNote } from "../src/api/bindings/NewNote";
import type { NoteEdit } from "../src/api/bindings/NoteEdit";
import { NoteSync, type NoteApi } from "../src/lib/noteSync";

function fakeApi() {
  const calls: string[] = [];
  let stored: Note | null = null;
  const api: NoteApi = {
    async create(input: NewNote) {
      calls.push(`create:${input.text}`);
      stored = {
        id: "id-1",
        recordingId: input.recordingId,
        startMs: input.startMs,
        endMs: input.endMs ?? null,
        kind: input.kind,
        text: input.text,
        author: "Coach",
        authorId: "person-1",
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
        seenByRepAt: null,
      };
      return stored;
    },
    async update(id: string, u: NoteEdit) {
      const times = u.startMs !== undefined ? `@${u.startMs}-${u.endMs ?? "point"}` : "";
      calls.push(`update:${id}:${u.text ?? ""}${u.kind ?? ""}${times}`);
      stored = {
        ...stored!,
        ...(u.text !== undefined ? { text: u.text } : {}),
        ...(u.kind ? { kind: u.kind } : {}),
        ...(u.startMs !== undefined ? { startMs: u.startMs } : {}),
        ...(u.endMs !== undefined ? { endMs: u.endMs } : {}),
      };
      return stored;
    },
    async remove(id: string) {
      calls.push(`remove:${id}`);
      return { ...stored!, deletedAt: 2 };
    },
  };
  return { api, calls };
}

const input: NewNote = { recordingId: 7, startMs: 1000, kind: "positive", text: "" };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("NoteSync", () => {
  it("creates the note once, with the text typed so far, after a pause", async () => {
    const { api, calls } = fakeApi();
    const saved: Note[] = [];
    const s = new NoteSync(api, input, null, { onSaved: (n) => saved.push(n), onError: (e) => { throw e; } });
    s.setText("G");
    s.setText("Gr");
    s.setText("Great");
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toEqual(["create:Great"]);
    expect(s.id).toBe("id-1");
    expect(saved.map((n) => n.id)).toEqual(["id-1"]);
  });

  it("updates, never creates twice, as typing goes on", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("Great");
    await vi.advanceTimersByTimeAsync(300);
    s.setText("Great opener");
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toEqual(["create:Great", "update:id-1:Great opener"]);
  });

  it("saves the latest text when it runs, so quick edits never create twice", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("Nice");
    const first = s.flush();
    s.setText("Nice pause");
    await s.flush();
    await first;
    expect(calls).toEqual(["create:Nice pause"]);
    s.setText("Nice pause!");
    await s.flush();
    expect(calls).toEqual(["create:Nice pause", "update:id-1:Nice pause!"]);
  });

  it("never creates a note that has no text", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("   ");
    await vi.advanceTimersByTimeAsync(1000);
    await s.flush();
    expect(calls).toEqual([]);
    expect(s.id).toBeNull();
  });

  it("dropping a note before it was created saves nothing", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("Oops");
    expect(await s.discard()).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
  });

  it("dropping a created note deletes it", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("Oops");
    await s.flush();
    const deleted = await s.discard();
    expect(deleted?.deletedAt).toBe(2);
    expect(calls).toEqual(["create:Oops", "remove:id-1"]);
  });

  it("edits an existing note without creating it, and skips unchanged text", async () => {
    const { api, calls } = fakeApi();
    await api.create({ ...input, text: "Old" });
    calls.length = 0;
    const existing = await api.update("id-1", {});
    calls.length = 0;
    const s = new NoteSync(api, input, existing, { onSaved: () => {}, onError: (e) => { throw e; } });
    s.setText("Old");
    await s.flush();
    expect(calls).toEqual([]);
    s.setText("New");
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toEqual(["update:id-1:New"]);
  });

  it("changes the kind locally before creation and in the library after", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    await s.setKind("improvement");
    expect(calls).toEqual([]);
    s.setText("Talk less");
    await s.flush();
    await s.setKind("positive");
    expect(calls).toEqual(["create:Talk less", "update:id-1:positive"]);
  });

  it("reports a failed save and retries the create on the next keystroke", async () => {
    const { api, calls } = fakeApi();
    const errors: unknown[] = [];
    let fail = true;
    const flaky: NoteApi = {
      ...api,
      create: (i) => (fail ? Promise.reject({ code: "library.database", message: "busy" }) : api.create(i)),
    };
    const s = new NoteSync(flaky, input, null, { onSaved: () => {}, onError: (e) => errors.push(e) });
    s.setText("A");
    await s.flush();
    expect(errors).toEqual([{ code: "library.database", message: "busy" }]);
    fail = false;
    s.setText("AB");
    await s.flush();
    expect(calls).toEqual(["create:AB"]);
  });

  it("keeps a note without text when committed: a marker-only note", async () => {
    const { api, calls } = fakeApi();
    const s = new NoteSync(api, input, null, { onSaved: () => {}, onError: (e) => { throw e; } });
    await s.flush();
    expect(calls).toEqual([]);
    await s.commit();
    expect(calls).toEqual(["create:"]);
    expect(s.id).toBe("id-1");
    await s.commit();
    expect(calls).toEqual(["create:"]);
  });

  it("moves a note not created yet locally, and a created one in the library", async () => {
    const { api, calls } = fakeApi();
    const saved: Note[] = [];
    const s = new NoteSync(api, input, null, { onSaved: (n) => saved.push(n), onError: (e) => { throw e; } });
    await s.setTimes(6000, 9000);
    expect(calls).toEqual([]);
    s.setText("Good pause");
    await s.flush();
    expect(saved.at(-1)?.startMs).toBe(6000);
    expect(saved.at(-1)?.endMs).toBe(9000);
    await s.setTimes(7000, null);
    expect(calls).toEqual(["create:Good pause", "update:id-1:@7000-point"]);
    expect(saved.at(-1)?.endMs).toBeNull();
  });
});
