// Outcome labels for lists and filters (the keys and buttons use keys.ts's OUTCOMES order).
import type { CallOutcome } from "../api/bindings/CallOutcome";
import { OUTCOMES } from "./keys";

export function outcomeLabel(o: CallOutcome | null | undefined): string {
  return OUTCOMES.find((x) => x.value === o)?.label ?? "";
}

/** The calls grouped by their outcome (null: none), so that a bulk change can be undone with
 *  one `recordings_set_outcome` per earlier value. Ids keep their order within a group. */
export function byOutcome(
  rows: ReadonlyArray<{ id: number; outcome: CallOutcome | null }>,
): Map<CallOutcome | null, number[]> {
  const groups = new Map<CallOutcome | null, number[]>();
  for (const r of rows) {
    const ids = groups.get(r.outcome) ?? [];
    ids.push(r.id);
    groups.set(r.outcome, ids);
  }
  return groups;
}
