// Search that lands on the moment: the notes a library search finds, beside the calls, and the
// words to highlight in them. The core decides what matches (the last word is a prefix as
// typed, earlier words whole); this only marks where, for the eye.

import type { SearchQuery } from "../api/bindings/SearchQuery";
import type { LibraryState } from "./libraryState.svelte";
import { dateInputToMs } from "./time";

/** How many moments the panel lists. */
export const MOMENTS_LIMIT = 50;

/**
 * The notes search for the library's search box and filters, or null when there is nothing to
 * search for: no word, and no note filter (a kind; a rep or dates alone narrow the calls list).
 */
export function momentsQuery(st: Pick<LibraryState, "search" | "rep" | "sinceDate" | "untilDate" | "kind">): SearchQuery | null {
  const text = st.search;
  if (text.trim() === "" && !st.kind) return null;
  const q: SearchQuery = { text, limit: MOMENTS_LIMIT };
  if (st.rep) q.rep = st.rep;
  if (st.kind) q.kind = st.kind;
  const since = dateInputToMs(st.sinceDate);
  if (since !== null) q.since = since;
  const until = dateInputToMs(st.untilDate, 1);
  if (until !== null) q.until = until;
  return q;
}

export interface Piece {
  text: string;
  hit: boolean;
}

/** The words of what was typed, lower-cased; the last is a prefix unless a space follows it. */
function terms(typed: string): { word: string; prefix: boolean }[] {
  const finished = /\s$/.test(typed);
  const words = typed
    .toLowerCase()
    .split(/[^\p{L}\p{N}'_*]+/u)
    .filter((w) => w.replace(/[*']/g, "") !== "");
  return words.map((w, i) => {
    const starred = w.endsWith("*");
    const word = w.replace(/\*+$/, "");
    const typing = !finished && i === words.length - 1 && word.length >= 2;
    return { word, prefix: starred || typing };
  });
}

/** `text` cut into pieces, the words of `typed` marked (whole words; the last as a prefix). */
export function highlight(text: string, typed: string): Piece[] {
  const wanted = terms(typed);
  if (wanted.length === 0) return [{ text, hit: false }];
  const pieces: Piece[] = [];
  let plain = "";
  for (const m of text.matchAll(/[\p{L}\p{N}'_]+|[^\p{L}\p{N}'_]+/gu)) {
    const token = m[0];
    const lower = token.toLowerCase();
    const isWord = /^[\p{L}\p{N}'_]/u.test(token);
    const hit = isWord && wanted.some((t) => (t.prefix ? lower.startsWith(t.word) : lower === t.word));
    if (hit) {
      if (plain) pieces.push({ text: plain, hit: false });
      plain = "";
      pieces.push({ text: token, hit: true });
    } else {
      plain += token;
    }
  }
  if (plain) pieces.push({ text: plain, hit: false });
  return pieces;
}
