// The coaching wrappers send each command with the argument names of docs/app-contract.md.
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: unknown) => invoke(cmd, args),
  Channel: class {},
}));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

const api = await import("../src/api");

beforeEach(() => {
  invoke.mockReset();
  invoke.mockResolvedValue(null);
});

async function sends(run: () => Promise<unknown>, command: string, args?: Record<string, unknown>) {
  invoke.mockClear();
  await run();
  expect(invoke).toHaveBeenCalledTimes(1);
  expect(invoke.mock.calls[0]).toEqual([command, args]);
}

describe("coaching commands", () => {
  it("people", async () => {
    await sends(() => api.peopleList(), "people_list");
    await sends(() => api.peopleCurrent(), "people_current");
    await sends(() => api.peopleIntroduce("Sam", "rep"), "people_introduce", { name: "Sam", role: "rep" });
    await sends(() => api.peopleSwitch("Dana"), "people_switch", { name: "Dana" });
  });

  it("notes and replies carry no author (the shell uses the current person)", async () => {
    const input = { recordingId: 1, startMs: 0, kind: "positive" as const, text: "x" };
    await sends(() => api.notesCreate(input), "notes_create", { input });
    await sends(() => api.repliesCreate("n1", "thanks"), "replies_create", { noteId: "n1", text: "thanks" });
  });

  it("focus areas, reviews and self-assessments", async () => {
    await sends(() => api.focusList(), "focus_list");
    await sends(() => api.focusAdd("Discovery"), "focus_add", { name: "Discovery" });
    await sends(() => api.reviewsMark(3, "Discovery", "Good", true), "reviews_mark", {
      recordingId: 3,
      focusArea: "Discovery",
      summary: "Good",
      closePrevious: true,
    });
    await sends(() => api.reviewsWithdraw(3), "reviews_withdraw", { recordingId: 3 });
    await sends(() => api.assessmentsSave(3, "Closing", "text", false), "assessments_save", {
      recordingId: 3,
      focusArea: "Closing",
      text: "text",
      submit: false,
    });
  });

  it("next steps", async () => {
    await sends(() => api.stepsBoard(), "steps_board");
    await sends(() => api.stepsList({ recordingId: 3 }), "steps_list", { filter: { recordingId: 3 } });
    const step = { owner: "Sam", dueDate: "2026-01-09", text: "Send deck", recordingId: 3, atMs: 1000 };
    await sends(() => api.stepsAdd(step), "steps_add", { step });
    await sends(() => api.stepsSetState("s1", "done"), "steps_set_state", { id: "s1", state: "done", outcome: null });
    await sends(() => api.stepsDelete("s1"), "steps_delete", { id: "s1" });
    await sends(() => api.stepsRestore("s1"), "steps_restore", { id: "s1" });
    await sends(() => api.stepsExportIcs(null, "/tmp/a.ics"), "steps_export_ics", { id: null, path: "/tmp/a.ics" });
  });

  it("outcomes, progress and the save dialog", async () => {
    await sends(() => api.recordingsSetOutcome([1, 2], "no-answer"), "recordings_set_outcome", {
      ids: [1, 2],
      outcome: "no-answer",
    });
    await sends(() => api.recordingsSetOutcome([1], null), "recordings_set_outcome", { ids: [1], outcome: null });
    await sends(() => api.progressGet({ weeks: 8 }), "progress_get", { query: { weeks: 8 } });
    await sends(() => api.progressExportCsv({ rep: "Sam", weeks: 4 }, "/tmp/p.csv"), "progress_export_csv", {
      query: { rep: "Sam", weeks: 4 },
      path: "/tmp/p.csv",
    });
    await sends(() => api.filesPickSave("x.ics", "ics"), "files_pick_save", { name: "x.ics", extension: "ics" });
  });
});
