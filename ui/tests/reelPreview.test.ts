import { describe, expect, it } from "vitest";
import { ErrorCodes, type AppError } from "../src/api";
import { IDLE, isRunning, previewStep, type PreviewInput, type PreviewState } from "../src/lib/reelPreview";

const noDevice: AppError = { code: ErrorCodes.PlayerNoDevice, message: "No audio output device was found" };

/** Feeds inputs one after the other; returns the last state and every effect, in order. */
function run(inputs: PreviewInput[], from: PreviewState = IDLE) {
  let state = from;
  const effects = [];
  for (const input of inputs) {
    const step = previewStep(state, input);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

describe("reel preview", () => {
  it("does nothing for an empty reel", () => {
    const r = run([{ type: "start", index: 0, clipCount: 0 }]);
    expect(r.state).toEqual(IDLE);
    expect(r.effects).toEqual([]);
  });

  it("opens the first clip, then plays it once opened", () => {
    const a = previewStep(IDLE, { type: "start", index: 0, clipCount: 3 });
    expect(a.state).toMatchObject({ status: "opening", index: 0, token: 1 });
    expect(a.effects).toEqual([{ type: "open", index: 0, token: 1 }]);
    const b = previewStep(a.state, { type: "opened", token: 1 });
    expect(b.state.status).toBe("playing");
    expect(b.effects).toEqual([{ type: "play", token: 1 }]);
  });

  it("moves on to the next clip by itself when one ends", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 3 },
      { type: "opened", token: 1 },
      { type: "position", token: 1, ms: 12_000 },
      { type: "ended", token: 1, clipCount: 3 },
    ]);
    expect(r.state).toMatchObject({ status: "opening", index: 1, token: 2, positionMs: 0 });
    expect(r.effects.at(-1)).toEqual({ type: "open", index: 1, token: 2 });
  });

  it("closes the player after the last clip", () => {
    const r = run([
      { type: "start", index: 1, clipCount: 2 },
      { type: "opened", token: 1 },
      { type: "ended", token: 1, clipCount: 2 },
    ]);
    expect(isRunning(r.state)).toBe(false);
    expect(r.state.index).toBe(-1);
    expect(r.effects.at(-1)).toEqual({ type: "close" });
  });

  it("stops when the reel lost clips meanwhile", () => {
    const r = run([
      { type: "start", index: 2, clipCount: 3 },
      { type: "opened", token: 1 },
      { type: "ended", token: 1, clipCount: 2 },
    ]);
    expect(r.state.status).toBe("idle");
    expect(r.effects.at(-1)).toEqual({ type: "close" });
  });

  it("plays a one-clip reel once", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 1 },
      { type: "opened", token: 1 },
      { type: "ended", token: 1, clipCount: 1 },
    ]);
    expect(r.effects).toEqual([{ type: "open", index: 0, token: 1 }, { type: "play", token: 1 }, { type: "close" }]);
  });

  it("follows the position of the current clip only", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "opened", token: 1 },
      { type: "position", token: 1, ms: 5_000 },
      { type: "ended", token: 1, clipCount: 2 },
      { type: "position", token: 1, ms: 9_999 },
    ]);
    expect(r.state.positionMs).toBe(0);
    const s = previewStep(r.state, { type: "position", token: 2, ms: 40_000 });
    expect(s.state.positionMs).toBe(40_000);
  });

  it("ignores a late end of a clip already left", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 3 },
      { type: "opened", token: 1 },
      { type: "ended", token: 1, clipCount: 3 },
      { type: "opened", token: 2 },
      { type: "ended", token: 1, clipCount: 3 },
    ]);
    expect(r.state).toMatchObject({ status: "playing", index: 1, token: 2 });
  });

  it("stop closes the player and is idle; stopping twice does nothing more", () => {
    const a = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "opened", token: 1 },
      { type: "stop" },
    ]);
    expect(a.state.status).toBe("idle");
    expect(a.effects.at(-1)).toEqual({ type: "close" });
    expect(previewStep(a.state, { type: "stop" }).effects).toEqual([]);
    // An end or a position after the stop changes nothing.
    expect(previewStep(a.state, { type: "ended", token: 1, clipCount: 2 })).toEqual({ state: a.state, effects: [] });
  });

  it("closes a player that finished opening after the preview was stopped", () => {
    const a = run([{ type: "start", index: 0, clipCount: 2 }, { type: "stop" }]);
    const b = previewStep(a.state, { type: "opened", token: 1 });
    expect(b.state.status).toBe("idle");
    expect(b.effects).toEqual([{ type: "close" }]);
  });

  it("a restart from another clip leaves the old one's events behind", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 4 },
      { type: "opened", token: 1 },
      { type: "start", index: 3, clipCount: 4 },
      { type: "opened", token: 1 },
    ]);
    expect(r.state).toMatchObject({ status: "opening", index: 3, token: 2 });
    expect(r.effects.at(-1)).toEqual({ type: "open", index: 3, token: 2 });
  });

  it("starting outside the reel stops a running preview", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "start", index: 5, clipCount: 2 },
    ]);
    expect(r.state.status).toBe("idle");
    expect(r.effects.at(-1)).toEqual({ type: "close" });
  });

  it("without an audio device, reports it and stops", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "failed", token: 1, error: noDevice },
    ]);
    expect(r.state.status).toBe("idle");
    expect(r.effects.slice(1)).toEqual([{ type: "close" }, { type: "report", error: noDevice }]);
  });

  it("a failure while playing stops the preview", () => {
    const err: AppError = { code: ErrorCodes.PlayerDevice, message: "The file went away" };
    const r = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "opened", token: 1 },
      { type: "failed", token: 1, error: err },
    ]);
    expect(r.state.status).toBe("idle");
    expect(r.effects.at(-1)).toEqual({ type: "report", error: err });
  });

  it("ignores the failure of a clip already left", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 2 },
      { type: "opened", token: 1 },
      { type: "ended", token: 1, clipCount: 2 },
      { type: "failed", token: 1, error: noDevice },
    ]);
    expect(r.state).toMatchObject({ status: "opening", index: 1 });
  });

  it("tokens keep growing across previews", () => {
    const r = run([
      { type: "start", index: 0, clipCount: 1 },
      { type: "stop" },
      { type: "start", index: 0, clipCount: 1 },
    ]);
    expect(r.state.token).toBe(2);
  });
});
