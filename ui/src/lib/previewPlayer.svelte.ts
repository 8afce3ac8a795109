// The reel editor's side of the player: runs the preview state machine (reelPreview.ts) against
// the shell. Player commands go one at a time, in order (open, play, close), through the same
// queue as the call view's (playerQueue.ts): the shell runs commands on worker threads, so two in
// flight could land in either order.

import { playerClose, playerOpen, playerPlay, toAppError, type AppError } from "../api";
import type { PlayerEvent } from "../api/bindings/PlayerEvent";
import { PlayerQueue } from "./playerQueue";
import { IDLE, isRunning, previewStep, type PreviewEffect, type PreviewInput, type PreviewState } from "./reelPreview";

export interface PreviewClip {
  recordingId: number;
  startMs: number;
  endMs: number;
}

export class PreviewPlayer {
  state = $state<PreviewState>(IDLE);

  #clips: () => readonly PreviewClip[];
  #onError: (e: AppError) => void;
  readonly #queue: PlayerQueue;

  /** `clips`: the reel's clips as they are now; `onError` shows what went wrong. */
  constructor(clips: () => readonly PreviewClip[], onError: (e: AppError) => void) {
    this.#clips = clips;
    this.#onError = onError;
    // Only `close` uses the queue's reporting; open and play failures end the preview instead.
    this.#queue = new PlayerQueue((e) => this.#onError(toAppError(e)));
  }

  get running(): boolean {
    return isRunning(this.state);
  }

  /** The clip being played (or opened), or null. */
  get index(): number | null {
    return this.state.status === "idle" ? null : this.state.index;
  }

  start(index = 0): void {
    this.#dispatch({ type: "start", index, clipCount: this.#clips().length });
  }

  stop(): void {
    this.#dispatch({ type: "stop" });
  }

  toggle(): void {
    if (this.running) this.stop();
    else this.start(0);
  }

  #dispatch(input: PreviewInput): void {
    const { state, effects } = previewStep(this.state, input);
    this.state = state;
    for (const effect of effects) this.#run(effect);
  }

  #run(effect: PreviewEffect): void {
    switch (effect.type) {
      case "open": {
        const clip = this.#clips()[effect.index];
        const { token } = effect;
        if (!clip) {
          this.#dispatch({ type: "ended", token, clipCount: 0 });
          return;
        }
        this.#queue.run(() => playerOpen(clip.recordingId, clip.startMs, clip.endMs, (e) => this.#onEvent(token, e))).then(
          () => this.#dispatch({ type: "opened", token }),
          (e: unknown) => this.#dispatch({ type: "failed", token, error: toAppError(e) }),
        );
        return;
      }
      case "play": {
        const { token } = effect;
        this.#queue.run(playerPlay).catch((e: unknown) => this.#dispatch({ type: "failed", token, error: toAppError(e) }));
        return;
      }
      case "close":
        void this.#queue.send(playerClose);
        return;
      case "report":
        this.#onError(effect.error);
        return;
    }
  }

  #onEvent(token: number, e: PlayerEvent): void {
    switch (e.type) {
      case "position":
        this.#dispatch({ type: "position", token, ms: e.ms });
        break;
      case "ended":
        this.#dispatch({ type: "ended", token, clipCount: this.#clips().length });
        break;
      case "failed":
        this.#dispatch({ type: "failed", token, error: { code: e.code, message: e.message } });
        break;
    }
  }
}
