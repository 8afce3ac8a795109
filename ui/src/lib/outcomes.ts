// Outcome labels for lists and filters (the keys and buttons use keys.ts's OUTCOMES order).
import type { CallOutcome } from "../api/bindings/CallOutcome";
import { OUTCOMES } from "./keys";

export function outcomeLabel(o: CallOutcome | null | undefined): string {
  return OUTCOMES.find((x) => x.value === o)?.label ?? "";
}
