// The library view's filters, sort and place, kept outside the component so that coming back
// from a call finds the list as it was left.

import type { CallOutcome } from "../api/bindings/CallOutcome";
import type { NoteKind } from "../api/bindings/NoteKind";
import type { SortKey } from "../api/bindings/SortKey";

export interface LibraryState {
  /** What is typed in the search box (applied after a pause, see `search`). */
  searchText: string;
  /** The debounced search, as sent. */
  search: string;
  rep: string;
  /** `<input type="date">` values, `YYYY-MM-DD` or empty. */
  sinceDate: string;
  untilDate: string;
  kind: NoteKind | "";
  unreviewedOnly: boolean;
  outcome: CallOutcome | "";
  /** Only calls with this tag ("": any). */
  tag: string;
  /** Only calls whose talk ratio is above this many percent (0: any). */
  talkAbove: number;
  /** Hide one-sided calls (voicemail, no answer, hold music). */
  hideOneSided: boolean;
  /** Hide calls shorter than this many seconds (0: show all). */
  minSeconds: number;
  sort: SortKey;
  descending: boolean;
  selected: number;
  scrollTop: number;
  /** Rows in the filtered list, as last reported by the shell. */
  total: number;
}

export const libraryState = $state<LibraryState>({
  searchText: "",
  search: "",
  rep: "",
  sinceDate: "",
  untilDate: "",
  kind: "",
  unreviewedOnly: false,
  outcome: "",
  tag: "",
  talkAbove: 0,
  hideOneSided: false,
  minSeconds: 0,
  sort: "date",
  descending: true,
  selected: 0,
  scrollTop: 0,
  total: 0,
});
