// The review queue: from a call, the next or previous call of the library list as it stands
// (its order and filters), read from the shell each time, so that a call leaving the list
// (marked reviewed under "Unreviewed only") moves the rest up rather than being skipped over.

import { recordingsList } from "../api";
import type { ListQuery } from "./listQuery";

export interface QueuePlace {
  id: number;
  index: number;
}

/**
 * The call `dir` steps from call `id`, which the list showed at `index`; null at either end.
 * When `id` is no longer at `index` (it left the list, or the list changed), the call now at
 * `index` is the next one.
 */
export async function neighbour(filter: ListQuery, id: number, index: number, dir: 1 | -1): Promise<QueuePlace | null> {
  const here = await recordingsList({ ...filter, offset: index, limit: 1 });
  const stillHere = here.rows[0]?.id === id;
  const target = dir === 1 ? (stillHere ? index + 1 : index) : index - 1;
  if (target < 0) return null;
  const page = target === index ? here : await recordingsList({ ...filter, offset: target, limit: 1 });
  const row = page.rows[0];
  return row ? { id: row.id, index: target } : null;
}
