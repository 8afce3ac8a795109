// Import jobs: from the pick buttons or from files dropped on the window. One job runs at a time
// (the shell's import is one job with one cancel flag); paths arriving meanwhile wait their turn.

import { importCancel, importPick, importStart } from "../api";
import type { ImportEvent } from "../api/bindings/ImportEvent";
import type { ImportSummary } from "../api/bindings/ImportSummary";
import { reportError } from "./errors.svelte";
import { fileName } from "./paths";

export interface ImportFailure {
  path: string;
  name: string;
  message: string;
}

class Importer {
  running = $state(false);
  /** Files found so far in the current job (0 until the shell has walked the paths). */
  discovered = $state(0);
  done = $state(0);
  failures = $state<ImportFailure[]>([]);
  summary = $state<ImportSummary | null>(null);
  #waiting: { paths: string[]; then?: (summary: ImportSummary) => void }[] = [];

  async pick(folder: boolean): Promise<void> {
    try {
      const paths = await importPick(folder);
      if (paths.length > 0) await this.start(paths);
    } catch (e) {
      reportError(e, folder ? "Could not open the folder picker" : "Could not open the file picker");
    }
  }

  /** Imports `paths`; `then` hears the summary when the job ends (not when it failed to run). */
  async start(paths: string[], then?: (summary: ImportSummary) => void): Promise<void> {
    if (paths.length === 0) return;
    if (this.running) {
      this.#waiting.push({ paths, then });
      return;
    }
    this.running = true;
    this.discovered = 0;
    this.done = 0;
    this.failures = [];
    this.summary = null;
    try {
      this.summary = await importStart(paths, (e) => this.#onEvent(e));
      then?.(this.summary);
    } catch (e) {
      reportError(e, "Import stopped");
    } finally {
      this.running = false;
    }
    const next = this.#waiting.shift();
    if (next) await this.start(next.paths, next.then);
  }

  /**
   * *Open with Gamefilm*: imports the files (a file already in the library is not imported
   * twice) and hands the first one's recording to `open`.
   */
  async open(paths: string[], open: (recordingId: number) => void): Promise<void> {
    await this.start(paths, (summary) => {
      const first = summary.recordings[0];
      if (first !== undefined) open(Number(first));
    });
  }

  async cancel(): Promise<void> {
    this.#waiting = [];
    try {
      await importCancel();
    } catch (e) {
      reportError(e, "Could not cancel the import");
    }
  }

  /** Hides the result of the last job. */
  dismiss(): void {
    this.failures = [];
    this.summary = null;
  }

  #onEvent(e: ImportEvent): void {
    if (e.type === "discovered") {
      this.discovered = e.files;
      return;
    }
    // Files arrive about ten times a second, but every failed one and the last always do.
    this.done = e.done;
    if (e.result.status === "failed") {
      this.failures.push({ path: e.path, name: fileName(e.path), message: e.result.message });
    }
  }
}

export const importer = new Importer();
