// Player commands one at a time, in order, for the call view's player (player.svelte.ts) and the
// reel preview (previewPlayer.svelte.ts). The shell runs each command on a worker thread, so two
// commands in flight could land in either order ("seek, then play" arriving as "play, then
// seek"); here a command starts only once the one before it has settled, done or failed. Every
// command is sent: none is merged with another or skipped, and a failure does not stop the ones
// queued after it.

export class PlayerQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #onError: (e: unknown) => void;

  /** `onError`: where the failures of `send` go. */
  constructor(onError: (e: unknown) => void) {
    this.#onError = onError;
  }

  /** Runs `command` after the commands queued before it; resolves or rejects with it. */
  run<T>(command: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(command);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `command` in turn, for a command whose failure is only to be shown: `onFail` runs
   * (to undo what the window assumed), then the error goes to `onError`. Resolves once the
   * command is over, never rejects.
   */
  send(command: () => Promise<unknown>, onFail?: () => void): Promise<void> {
    return this.run(command).then(
      () => undefined,
      (e: unknown) => {
        onFail?.();
        this.#onError(e);
      },
    );
  }
}
