import { describe, expect, it } from "vitest";
import type { Note } from "../src/api/bindings/Note";
import type { SearchHit } from "../src/api/bindings/SearchHit";
import {
  CANCELLED_MESSAGE,
  DAY_MS,
  DEFAULT_FORMAT,
  FORMATS,
  IMPROVEMENT_CONFIRM,
  MAX_CLIP_MS,
  MIN_CLIP_MS,
  NUDGE_MS,
  SEPARATOR_MS,
  clipProgress,
  defaultPeriod,
  defaultTitle,
  describePeriod,
  dropIndex,
  emptyReelNotice,
  exportBlockedReason,
  formatSpan,
  needsConfirmation,
  noteHits,
  nudge,
  nudgeEnd,
  nudgeStart,
  periodSinceMs,
  planFromForm,
  progressText,
  reelDurationMs,
  searchText,
  spanLength,
  validateSpan,
} from "../src/lib/reels";

// A fixed local time: Wednesday 2025-06-11 15:30.
const NOW = new Date(2025, 5, 11, 15, 30).getTime();

describe("new reel defaults", () => {
  it("covers the last 7 days from now", () => {
    expect(defaultPeriod()).toEqual({ kind: "last", days: 7 });
    expect(periodSinceMs(defaultPeriod(), NOW)).toBe(NOW - 7 * DAY_MS);
  });
  it("names the reel after the first day of the period", () => {
    expect(defaultTitle(NOW - 7 * DAY_MS)).toBe("Highlights — week of 2025-06-04");
  });
  it("plans positive notes only, since now − 7 days, all reps, up to now", () => {
    const r = planFromForm({ title: "", period: defaultPeriod(), rep: "" }, NOW);
    expect(r).toEqual({
      ok: true,
      plan: { title: "Highlights — week of 2025-06-04", sinceMs: NOW - 7 * DAY_MS, kinds: ["positive"] },
    });
  });
  it("keeps a written title (trimmed) and a chosen rep", () => {
    const r = planFromForm({ title: "  Week 24 wins ", period: { kind: "last", days: 14 }, rep: " Dana " }, NOW);
    expect(r.ok && r.plan).toEqual({ title: "Week 24 wins", sinceMs: NOW - 14 * DAY_MS, rep: "Dana", kinds: ["positive"] });
  });
  it("takes custom dates as whole local days, the last one included", () => {
    const r = planFromForm({ title: "x", period: { kind: "dates", since: "2025-06-02", until: "2025-06-06" }, rep: "" }, NOW);
    expect(r.ok && r.plan.sinceMs).toBe(new Date(2025, 5, 2).getTime());
    expect(r.ok && r.plan.untilMs).toBe(new Date(2025, 5, 7).getTime());
  });
  it("takes a custom period without an end up to now", () => {
    const r = planFromForm({ title: "x", period: { kind: "dates", since: "2025-06-02", until: "" }, rep: "" }, NOW);
    expect(r.ok && "untilMs" in r.plan).toBe(false);
  });
  it("refuses a period that ends before it starts, or has no start", () => {
    expect(planFromForm({ title: "x", period: { kind: "dates", since: "2025-06-06", until: "2025-06-02" }, rep: "" }, NOW)).toEqual({
      ok: false,
      message: "The period ends before it starts.",
    });
    expect(planFromForm({ title: "x", period: { kind: "dates", since: "", until: "" }, rep: "" }, NOW).ok).toBe(false);
  });
  it("a single day is a valid period", () => {
    const r = planFromForm({ title: "x", period: { kind: "dates", since: "2025-06-06", until: "2025-06-06" }, rep: "" }, NOW);
    expect(r.ok).toBe(true);
  });
  it("says plainly when the period had no positive notes", () => {
    expect(describePeriod({ kind: "last", days: 7 })).toBe("the last 7 days");
    expect(describePeriod({ kind: "dates", since: "2025-06-02", until: "" })).toBe("since 2025-06-02");
    const notice = emptyReelNotice(defaultPeriod(), "Dana");
    expect(notice).toContain("no positive notes in the last 7 days on Dana's calls");
    expect(notice).toContain("created empty");
    expect(emptyReelNotice({ kind: "dates", since: "2025-06-02", until: "2025-06-06" }, "")).toContain(
      "no positive notes in 2025-06-02 to 2025-06-06, so",
    );
  });
});

describe("spans", () => {
  it("formats a span and its length", () => {
    expect(formatSpan({ startMs: 12_000, endMs: 27_500 })).toBe("0:12.0–0:27.5");
    expect(spanLength({ startMs: 12_000, endMs: 27_500 })).toBe(15_500);
    expect(spanLength({ startMs: 5, endMs: 1 })).toBe(0);
  });

  it("adds a tone between clips to the reel's length, as the render does", () => {
    expect(reelDurationMs([])).toBe(0);
    expect(reelDurationMs([{ startMs: 0, endMs: 10_000 }])).toBe(10_000);
    expect(reelDurationMs([{ startMs: 0, endMs: 10_000 }, { startMs: 5_000, endMs: 20_000 }, { startMs: 0, endMs: 1_000 }])).toBe(
      26_000 + 2 * SEPARATOR_MS,
    );
  });

  describe("validateSpan", () => {
    const D = 60_000;
    it("accepts a span inside the recording, up to its very end", () => {
      expect(validateSpan(0, D, D)).toBeNull();
      expect(validateSpan(10_000, 20_000, D)).toBeNull();
    });
    it("wants times it could read", () => {
      expect(validateSpan(null, 1000, D)).toMatch(/start as m:ss.s/);
      expect(validateSpan(0, null, D)).toMatch(/end as m:ss.s/);
    });
    it("wants the end after the start", () => {
      expect(validateSpan(5000, 5000, D)).toBe("The end must come after the start.");
      expect(validateSpan(5000, 4000, D)).toBe("The end must come after the start.");
    });
    it("keeps both ends inside the recording", () => {
      expect(validateSpan(-1, 1000, D)).toMatch(/start must be inside the recording \(0:00.0 to 1:00.0\)/);
      expect(validateSpan(D, D + 1000, D)).toMatch(/start must be inside/);
      expect(validateSpan(1000, D + 1, D)).toBe("The end is past the end of the recording (1:00.0).");
    });
    it("keeps a clip to 5 minutes at most", () => {
      const long = 20 * 60_000;
      expect(validateSpan(0, MAX_CLIP_MS, long)).toBeNull();
      expect(validateSpan(0, MAX_CLIP_MS + 1, long)).toBe("A clip can last at most 5:00.");
    });
  });

  describe("nudging", () => {
    it("moves by the step within bounds", () => {
      expect(nudge(5000, NUDGE_MS, 0, 10_000)).toBe(6000);
      expect(nudge(5000, -NUDGE_MS, 0, 10_000)).toBe(4000);
    });
    it("clamps at the bounds", () => {
      expect(nudge(500, -NUDGE_MS, 0, 10_000)).toBe(0);
      expect(nudge(9800, NUDGE_MS, 0, 10_000)).toBe(10_000);
      expect(nudge(0, -NUDGE_MS, 0, 10_000)).toBe(0);
    });
    it("never moves a value against the nudge", () => {
      expect(nudge(12_000, NUDGE_MS, 0, 10_000)).toBe(12_000);
      expect(nudge(-200, -NUDGE_MS, 0, 10_000)).toBe(-200);
    });
    it("keeps the start at or after 0 and before the end", () => {
      expect(nudgeStart({ startMs: 400, endMs: 9000 }, -NUDGE_MS)).toEqual({ startMs: 0, endMs: 9000 });
      expect(nudgeStart({ startMs: 8500, endMs: 9000 }, NUDGE_MS)).toEqual({ startMs: 9000 - MIN_CLIP_MS, endMs: 9000 });
      expect(nudgeStart({ startMs: 2000, endMs: 9000 }, NUDGE_MS)).toEqual({ startMs: 3000, endMs: 9000 });
    });
    it("keeps the end after the start and inside the recording", () => {
      expect(nudgeEnd({ startMs: 0, endMs: 59_500 }, NUDGE_MS, 60_000)).toEqual({ startMs: 0, endMs: 60_000 });
      expect(nudgeEnd({ startMs: 5000, endMs: 5500 }, -NUDGE_MS, 60_000)).toEqual({ startMs: 5000, endMs: 5000 + MIN_CLIP_MS });
      expect(nudgeEnd({ startMs: 0, endMs: 60_000 }, NUDGE_MS, 60_000)).toEqual({ startMs: 0, endMs: 60_000 });
    });
    it("does not stretch a clip past 5 minutes", () => {
      const long = 20 * 60_000;
      expect(nudgeEnd({ startMs: 0, endMs: MAX_CLIP_MS - 500 }, NUDGE_MS, long).endMs).toBe(MAX_CLIP_MS);
      expect(nudgeStart({ startMs: 60_500, endMs: 60_000 + MAX_CLIP_MS }, -NUDGE_MS).startMs).toBe(60_000);
    });
    it("results of nudges always validate", () => {
      const D = 30_000;
      let span = { startMs: 0, endMs: 1000 };
      for (const step of [-1, 1, 1, 1, -1, 1, 1]) {
        span = nudgeStart(span, step * NUDGE_MS);
        span = nudgeEnd(span, -step * NUDGE_MS, D);
        expect(validateSpan(span.startMs, span.endMs, D)).toBeNull();
      }
    });
  });

  it("reports how far playback is through a clip", () => {
    const c = { startMs: 10_000, endMs: 20_000 };
    expect(clipProgress(10_000, c)).toBe(0);
    expect(clipProgress(15_000, c)).toBe(0.5);
    expect(clipProgress(25_000, c)).toBe(1);
    expect(clipProgress(2_000, c)).toBe(0);
    expect(clipProgress(15_000, { startMs: 5, endMs: 5 })).toBe(0);
    expect(clipProgress(Number.NaN, c)).toBe(0);
  });
});

describe("dropIndex", () => {
  // Rows 40 px high: middles at 20, 60, 100, 140.
  const mids = [20, 60, 100, 140];
  it("stays in place for a small move", () => {
    expect(dropIndex(1, 55, mids)).toBe(1);
    expect(dropIndex(1, 70, mids)).toBe(1);
  });
  it("moves down past the middles it crosses", () => {
    expect(dropIndex(0, 105, mids)).toBe(2);
    expect(dropIndex(0, 500, mids)).toBe(3);
  });
  it("moves up past the middles it crosses", () => {
    expect(dropIndex(3, 50, mids)).toBe(1);
    expect(dropIndex(3, -100, mids)).toBe(0);
  });
  it("handles a single row", () => {
    expect(dropIndex(0, 999, [20])).toBe(0);
  });
});

describe("adding notes by hand", () => {
  it("asks before an improvement, never before a positive", () => {
    expect(needsConfirmation("improvement")).toBe(true);
    expect(needsConfirmation("positive")).toBe(false);
    expect(IMPROVEMENT_CONFIRM).toBe("Improvement notes are usually one-on-one. Add this one to a reel the team will hear?");
  });

  it("searches the word being typed as a prefix, finished words whole", () => {
    expect(searchText("objec")).toBe("objec*");
    expect(searchText("price objec")).toBe("price objec*");
    expect(searchText("objection ")).toBe("objection");
    expect(searchText("  objec*")).toBe("objec*");
  });
  it("does not search too little", () => {
    expect(searchText("")).toBeNull();
    expect(searchText("   ")).toBeNull();
    expect(searchText("a")).toBeNull();
    expect(searchText("?!")).toBeNull();
    expect(searchText("ab")).toBe("ab*");
  });

  it("keeps note matches only", () => {
    const note: Note = {
      id: "n1",
      recordingId: 3,
      startMs: 1000,
      endMs: null,
      kind: "positive",
      text: "great close",
      author: "Coach",
      authorId: null,
      createdAt: 1,
      updatedAt: 1,
      deletedAt: null,
      seenByRepAt: null,
    };
    const hits: SearchHit[] = [
      { type: "recording", recordingId: 3, title: "great call", counterpart: null, callTime: 5, rep: "Dana", score: -1 },
      { type: "note", note, recordingTitle: "Acme", callTime: 7, rep: "Dana", score: -2 },
    ];
    expect(noteHits(hits)).toEqual([{ note, recordingTitle: "Acme", callTime: 7, rep: "Dana" }]);
    expect(noteHits([])).toEqual([]);
  });
});

describe("export", () => {
  it("is MP3 by default, WAV on request", () => {
    expect(DEFAULT_FORMAT).toBe("mp3");
    expect(FORMATS.map((f) => f.label)).toEqual(["MP3 — plays everywhere", "WAV — lossless, large"]);
  });
  it("is blocked for an empty reel, with the reason", () => {
    expect(exportBlockedReason(0)).toMatch(/no clips/);
    expect(exportBlockedReason(1)).toBeNull();
  });
  it("says what was done in plain words", () => {
    expect(progressText(0, 1)).toBe("0 of 1 clip");
    expect(progressText(3, 8)).toBe("3 of 8 clips");
    expect(CANCELLED_MESSAGE).toBe("Cancelled: nothing was written.");
  });
});
