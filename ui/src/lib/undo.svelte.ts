// Undo for the views that take something away: the call view (a note deleted), the reel editor
// (a clip removed) and the reels list (a reel deleted). Each view makes its own stack, so leaving
// the view forgets what it could undo (the library keeps the deleted things; only this shortcut to
// them goes).
//
// Ctrl/⌘+Z and the toast's Undo button undo the most recent change first. An undo that fails is
// reported and its entry stays on the stack, so that the user can try again; an undo succeeds
// once, and one runs at a time (a second press while one runs is ignored, never a double
// restore). The toast says what the last change was, with Undo when it can be undone.

export interface UndoEntry {
  /** What the toast says after the change ("Note deleted"). */
  label: string;
  /** Puts it back; rejects when it could not (the entry then stays). */
  undo: () => Promise<void>;
  /** What the report of a failed undo starts with ("Could not restore the note"). */
  failure: string;
}

export interface UndoToastState {
  message: string;
  /** The toast offers Undo (false: a change said for information, that cannot be undone). */
  undoable: boolean;
}

export class UndoStack {
  /** What the toast shows; null when hidden. */
  toast = $state.raw<UndoToastState | null>(null);

  #entries = $state.raw<UndoEntry[]>([]);
  #running = false;
  #report: (error: unknown, failure: string) => void;

  /** `report`: shows a failed undo (`reportError`). */
  constructor(report: (error: unknown, failure: string) => void) {
    this.#report = report;
  }

  /** There is something to undo. */
  get canUndo(): boolean {
    return this.#entries.length > 0;
  }

  /** A change that can be undone: on top of the stack, and said in the toast with Undo. */
  push(entry: UndoEntry): void {
    this.#entries = [...this.#entries, entry];
    this.toast = { message: entry.label, undoable: true };
  }

  /** A change that cannot be undone: said in the toast without Undo; the stack stays as it was. */
  say(message: string): void {
    this.toast = { message, undoable: false };
  }

  /** Hides the toast (its timer, its close button); what can be undone stays. */
  dismiss(): void {
    this.toast = null;
  }

  /**
   * Undoes the most recent change. Resolves to whether it was undone: false when there was
   * nothing to undo, another undo was running, or it failed (reported; the entry stays).
   */
  async undo(): Promise<boolean> {
    const entry = this.#entries.at(-1);
    if (!entry || this.#running) return false;
    this.#running = true;
    const shown = this.toast;
    try {
      await entry.undo();
    } catch (e) {
      this.#report(e, entry.failure);
      return false;
    } finally {
      this.#running = false;
    }
    this.#entries = this.#entries.filter((x) => x !== entry);
    // A change made meanwhile keeps its own toast.
    if (this.toast === shown) this.toast = null;
    return true;
  }
}
