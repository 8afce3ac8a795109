// Review packs in the window: opening one (*Open pack…*, a dropped or launched `.gamefilm` file)
// and what the merge did, in words. Writing one is the Share dialog's (ShareDialog.svelte).

import { filesPickOpen, packsImport } from "../api";
import type { MergeCounts } from "../api/bindings/MergeCounts";
import type { PackImportSummary } from "../api/bindings/PackImportSummary";
import { reportError } from "./errors.svelte";

/** A review pack's file extension (without the dot). */
export const PACK_EXTENSION = "gamefilm";

export function isPack(path: string): boolean {
  return path.toLowerCase().endsWith(`.${PACK_EXTENSION}`);
}

/** Splits dropped or launched files into packs (merged) and everything else (imported). */
export function splitPacks(paths: string[]): { packs: string[]; others: string[] } {
  return { packs: paths.filter(isPack), others: paths.filter((p) => !isPack(p)) };
}

export interface SummaryLine {
  what: string;
  text: string;
}

const n = (v: number | bigint) => Number(v);

function countsText(c: MergeCounts): string | null {
  const parts: string[] = [];
  if (n(c.new) > 0) parts.push(`${n(c.new)} new`);
  if (n(c.updated) > 0) parts.push(`${n(c.updated)} updated`);
  if (n(c.deleted) > 0) parts.push(`${n(c.deleted)} deleted`);
  if (n(c.unchanged) > 0) parts.push(`${n(c.unchanged)} unchanged`);
  return parts.length > 0 ? parts.join(", ") : null;
}

/** What a merge did, one line per kind of record that the pack held. */
export function mergeLines(s: PackImportSummary): SummaryLine[] {
  const m = s.merge;
  const kinds: [string, MergeCounts][] = [
    ["Calls", m.recordings],
    ["Notes", m.notes],
    ["Replies", m.replies],
    ["Reviews and self-assessments", m.reviews],
    ["Next steps", m.steps],
    ["People", m.people],
  ];
  const lines: SummaryLine[] = [];
  for (const [what, c] of kinds) {
    const text = countsText(c);
    if (text) lines.push({ what, text });
  }
  return lines;
}

/** Whether the merge changed anything here. */
export function changedAnything(s: PackImportSummary): boolean {
  const m = s.merge;
  return [m.people, m.recordings, m.notes, m.replies, m.reviews, m.steps].some(
    (c) => n(c.new) + n(c.updated) + n(c.deleted) > 0,
  );
}

class Packs {
  /** A pack being merged (its path), or null. */
  opening = $state<string | null>(null);
  /** The last merge, shown until dismissed. */
  result = $state<PackImportSummary | null>(null);
  #waiting: string[] = [];
  /** Told of every merged pack (the shell re-reads who is using the library). */
  onMerged: ((s: PackImportSummary) => void) | null = null;

  /** *Open pack…*: the native dialog, then the merge. */
  async pick(): Promise<void> {
    try {
      const path = await filesPickOpen("Open a review pack", "Gamefilm review packs", [PACK_EXTENSION]);
      if (path) await this.open(path);
    } catch (e) {
      reportError(e, "Could not open the file picker");
    }
  }

  /** Merges the pack at `path` (one at a time; others wait their turn). */
  async open(path: string): Promise<void> {
    if (this.opening !== null) {
      this.#waiting.push(path);
      return;
    }
    this.opening = path;
    try {
      const summary = await packsImport(path);
      this.result = summary;
      this.onMerged?.(summary);
    } catch (e) {
      reportError(e, "Could not open the review pack; nothing was changed");
    } finally {
      this.opening = null;
    }
    const next = this.#waiting.shift();
    if (next !== undefined) await this.open(next);
  }

  dismiss(): void {
    this.result = null;
  }
}

export const packs = new Packs();
