// The call view's side of the audio player. The shell plays; this keeps the window's view of it
// (position, playing, speed, …) and sends commands one at a time, in order (playerQueue.ts), so
// that "seek, then play" can never arrive as "play, then seek".
//
// Without an output device (`player.no_device`) or when the recording cannot be opened, the view
// keeps working on a local playhead: seeking moves it, Play explains why there is no sound.

import {
  ErrorCodes,
  playerClose,
  playerOpen,
  playerPause,
  playerPlay,
  playerSeek,
  playerSetChannel,
  playerSetSkipSilence,
  playerSetSpeed,
  toAppError,
  type AppError,
} from "../api";
import type { ChannelMode } from "../api/bindings/ChannelMode";
import type { PlayerEvent } from "../api/bindings/PlayerEvent";
import { PlayerQueue } from "./playerQueue";

export const NO_DEVICE_MESSAGE =
  "No audio output device was found, so there is no sound. You can still annotate: click the " +
  "waveform or use ← / → to move the playhead, and press P or I to mark a moment.";

export const AUDIO_MISSING_MESSAGE =
  "The audio of this call is not on this machine (it came in a review pack without audio), so " +
  "there is no sound. Use Locate… to point at the recording, or open a pack that carries it. " +
  "The waveform and the notes work meanwhile.";

/** Errors that mean the call's audio file is not where the library says (or nowhere): *Locate…*
 *  finds it again. */
export function isAudioMissing(err: AppError | null): boolean {
  return (
    err !== null &&
    (err.code === ErrorCodes.LibraryAudioMissing ||
      err.code === ErrorCodes.AudioUnreadable ||
      err.code === ErrorCodes.AudioNotAFile)
  );
}

export class PlayerController {
  positionMs = $state(0);
  playing = $state(false);
  speed = $state(1);
  skipSilence = $state(false);
  channel = $state<ChannelMode>("mix");
  /** Why there is no sound, when there is none; null while the player works. */
  unavailable = $state<AppError | null>(null);

  #durationMs = 0;
  #open = false;
  #closed = false;
  readonly #queue: PlayerQueue;
  /** Seeks sent but not yet done: positions reported meanwhile are from before the seek. */
  #seeking = 0;
  #onError: (e: AppError) => void;

  constructor(onError: (e: AppError) => void) {
    this.#onError = onError;
    this.#queue = new PlayerQueue((e) => this.#onError(toAppError(e)));
  }

  /** Opens the recording paused at `fromMs`. */
  async open(recordingId: number, durationMs: number, fromMs: number): Promise<void> {
    this.#durationMs = durationMs;
    this.positionMs = this.#clamp(fromMs);
    try {
      await playerOpen(recordingId, this.positionMs, null, (e) => this.#onEvent(e));
      if (this.#closed) {
        // The view was left while the player was opening.
        await playerClose().catch(() => undefined);
        return;
      }
      this.#open = true;
      this.unavailable = null;
      // The person's way of listening, set before the player opened: the shell hears it now.
      if (this.speed !== 1) void this.#queue.send(() => playerSetSpeed(this.speed));
      if (this.skipSilence) void this.#queue.send(() => playerSetSkipSilence(true));
      if (this.channel !== "mix") void this.#queue.send(() => playerSetChannel(this.channel));
    } catch (e) {
      const err = toAppError(e);
      this.unavailable = err;
      // No device and no audio here are expected states, with their own message on Play (and
      // the call view's *Locate…*); other failures are news.
      if (err.code !== ErrorCodes.PlayerNoDevice && err.code !== ErrorCodes.LibraryAudioMissing)
        this.#onError(err);
    }
  }

  close(): void {
    this.#closed = true;
    this.playing = false;
    if (this.#open) {
      this.#open = false;
      void this.#queue.send(playerClose);
    }
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (!this.#open) {
      const err = this.unavailable;
      this.#onError(
        err === null || err.code === ErrorCodes.PlayerNoDevice
          ? { code: ErrorCodes.PlayerNoDevice, message: NO_DEVICE_MESSAGE }
          : err.code === ErrorCodes.LibraryAudioMissing
            ? { code: err.code, message: AUDIO_MISSING_MESSAGE }
            : err,
      );
      return;
    }
    if (this.positionMs >= this.#durationMs && this.#durationMs > 0) this.seek(0);
    this.playing = true;
    void this.#queue.send(playerPlay, () => (this.playing = false));
  }

  pause(): void {
    this.playing = false;
    if (this.#open) void this.#queue.send(playerPause);
  }

  seek(ms: number): void {
    const target = this.#clamp(ms);
    this.positionMs = target;
    if (!this.#open) return;
    this.#seeking++;
    void this.#queue.send(() => playerSeek(target)).finally(() => this.#seeking--);
  }

  seekBy(deltaMs: number): void {
    this.seek(this.positionMs + deltaMs);
  }

  /** Seeks and starts playing (or, without sound, just seeks). */
  playFrom(ms: number): void {
    this.seek(ms);
    if (this.#open) this.play();
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    if (this.#open) void this.#queue.send(() => playerSetSpeed(speed));
  }

  setSkipSilence(on: boolean): void {
    this.skipSilence = on;
    if (this.#open) void this.#queue.send(() => playerSetSkipSilence(on));
  }

  setChannel(mode: ChannelMode): void {
    this.channel = mode;
    if (this.#open) void this.#queue.send(() => playerSetChannel(mode));
  }

  #onEvent(e: PlayerEvent): void {
    if (this.#closed) return;
    switch (e.type) {
      case "position":
        if (this.#seeking === 0) this.positionMs = this.#clamp(e.ms);
        break;
      case "ended":
        this.playing = false;
        this.positionMs = this.#durationMs;
        break;
      case "failed":
        this.playing = false;
        this.#onError({ code: e.code, message: e.message });
        break;
    }
  }

  #clamp(ms: number): number {
    return Math.max(0, Math.min(this.#durationMs, Math.round(ms)));
  }
}
