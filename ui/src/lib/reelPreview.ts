// The reel preview as a state machine: plays the clips in order, clip by clip, with the app's
// one player. For clip i the player is opened on the clip's span (`player_open` with `toMs`),
// then played; its `ended` opens clip i + 1; after the last clip the player is closed.
//
// Pure: `previewStep` returns the next state and the effects to run (open, play, close,
// report). Every open gets a new token and the player's events carry the token of the open they
// belong to, so an event from a clip already left (a late `ended`, a position) changes nothing.

import type { AppError } from "../api/bindings/AppError";

export type PreviewStatus = "idle" | "opening" | "playing";

export interface PreviewState {
  status: PreviewStatus;
  /** The clip being opened or played; -1 when idle. */
  index: number;
  /** The token of the latest open (they only go up). */
  token: number;
  /** The playhead in the clip's recording, as last reported. */
  positionMs: number;
}

export type PreviewInput =
  /** Play from clip `index` (Preview: 0; a clip's own play button: that clip). */
  | { type: "start"; index: number; clipCount: number }
  /** `player_open` for `token` resolved. */
  | { type: "opened"; token: number }
  | { type: "position"; token: number; ms: number }
  /** The clip of `token` played to its end; `clipCount` is the reel's current number of clips. */
  | { type: "ended"; token: number; clipCount: number }
  /** `player_open` or `player_play` rejected, or the player reported a failure. */
  | { type: "failed"; token: number; error: AppError }
  | { type: "stop" };

export type PreviewEffect =
  | { type: "open"; index: number; token: number }
  | { type: "play"; token: number }
  | { type: "close" }
  | { type: "report"; error: AppError };

export interface PreviewStep {
  state: PreviewState;
  effects: PreviewEffect[];
}

export const IDLE: PreviewState = { status: "idle", index: -1, token: 0, positionMs: 0 };

export function isRunning(state: PreviewState): boolean {
  return state.status !== "idle";
}

function open(state: PreviewState, index: number): PreviewStep {
  const token = state.token + 1;
  return {
    state: { status: "opening", index, token, positionMs: 0 },
    effects: [{ type: "open", index, token }],
  };
}

function idle(state: PreviewState): PreviewState {
  return { status: "idle", index: -1, token: state.token, positionMs: 0 };
}

export function previewStep(state: PreviewState, input: PreviewInput): PreviewStep {
  const unchanged: PreviewStep = { state, effects: [] };
  switch (input.type) {
    case "start":
      if (input.clipCount <= 0 || input.index < 0 || input.index >= input.clipCount) {
        // Nothing to play there: a running preview stops.
        return isRunning(state) ? { state: idle(state), effects: [{ type: "close" }] } : unchanged;
      }
      // Opening the next clip closes the player that was open (the shell keeps one).
      return open(state, input.index);

    case "stop":
      return isRunning(state) ? { state: idle(state), effects: [{ type: "close" }] } : unchanged;

    case "opened":
      // Stopped while the clip was opening: its player would stay open, so close it (the stop's
      // own close may have gone first; closing twice is harmless).
      if (state.status === "idle") return { state, effects: [{ type: "close" }] };
      // A clip left while it was opening: the newer open replaces its player.
      if (input.token !== state.token || state.status !== "opening") return unchanged;
      return { state: { ...state, status: "playing" }, effects: [{ type: "play", token: state.token }] };

    case "position":
      if (input.token !== state.token || !isRunning(state)) return unchanged;
      return { state: { ...state, positionMs: input.ms }, effects: [] };

    case "ended": {
      if (input.token !== state.token || !isRunning(state)) return unchanged;
      const next = state.index + 1;
      if (next < input.clipCount) return open(state, next);
      // The last clip has played: the preview is over.
      return { state: idle(state), effects: [{ type: "close" }] };
    }

    case "failed":
      if (input.token !== state.token || !isRunning(state)) return unchanged;
      return { state: idle(state), effects: [{ type: "close" }, { type: "report", error: input.error }] };
  }
}
