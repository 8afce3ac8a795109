// From the library view's controls to a `ListFilter` (without paging, added per page).
//
// Paging fields are left out of the type on purpose: whether the generated `ListFilter` marks
// `offset` optional or not, the page fetch adds it.

import type { ListFilter } from "../api/bindings/ListFilter";
import type { SortKey } from "../api/bindings/SortKey";
import type { LibraryState } from "./libraryState.svelte";
import { dateInputToMs } from "./time";

type Controls = Pick<
  LibraryState,
  "search" | "rep" | "sinceDate" | "untilDate" | "kind" | "unreviewedOnly" | "outcome" | "tag" | "talkAbove" | "hideOneSided" | "minSeconds" | "sort" | "descending"
>;

export type ListQuery = Omit<ListFilter, "offset" | "limit">;

export function buildFilter(c: Controls): ListQuery {
  const f: ListQuery = { sort: c.sort, descending: c.descending, unreviewedOnly: c.unreviewedOnly };
  const search = c.search.trim();
  if (search) f.search = search;
  if (c.rep) f.rep = c.rep;
  const since = dateInputToMs(c.sinceDate);
  if (since !== null) f.since = since;
  // The `until` date is included: the filter's bound is the midnight that ends it.
  const until = dateInputToMs(c.untilDate, 1);
  if (until !== null) f.until = until;
  if (c.kind) f.kind = c.kind;
  if (c.outcome) f.outcome = c.outcome;
  if (c.tag) f.tag = c.tag;
  if (Number.isFinite(c.talkAbove) && c.talkAbove > 0) f.talkRatioAbove = Math.min(100, c.talkAbove) / 100;
  if (c.hideOneSided) f.hideOneSided = true;
  if (Number.isFinite(c.minSeconds) && c.minSeconds > 0) f.minDurationMs = Math.round(c.minSeconds * 1000);
  return f;
}

/** Whether anything narrows the list (an empty list then means "no match", not "first run"). */
export function filtersActive(f: ListQuery): boolean {
  return Boolean(
    f.search || f.rep || f.since !== undefined || f.until !== undefined || f.kind || f.outcome || f.tag || f.talkRatioAbove !== undefined || f.hideOneSided || f.unreviewedOnly || f.minDurationMs,
  );
}

/** The direction a column sorts in when first clicked: newest, longest, most notes first. */
export function defaultDescending(sort: SortKey): boolean {
  return sort === "date" || sort === "duration" || sort === "positives" || sort === "improvements";
}

/** The sort after clicking a column header. */
export function toggleSort(current: { sort: SortKey; descending: boolean }, clicked: SortKey) {
  return clicked === current.sort
    ? { sort: clicked, descending: !current.descending }
    : { sort: clicked, descending: defaultDescending(clicked) };
}
