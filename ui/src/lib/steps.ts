// Next steps: dates as the core writes them (`YYYY-MM-DD`, the local calendar day) and the
// defaults of the add form.

import type { Person } from "../api/bindings/Person";

/** The local calendar day of `d` as `YYYY-MM-DD` (what `<input type="date">` and the core use). */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The day `days` after `d` (local time, so a daylight-saving change does not skip a day). */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}

/**
 * Who a new step of a call is for by default: the call's rep when the library knows them as a
 * person, else the person writing it.
 */
export function defaultOwner(people: readonly Person[], callRep: string | null, me: string): string {
  if (callRep) {
    const rep = people.find((p) => p.name.toLowerCase() === callRep.toLowerCase());
    if (rep) return rep.name;
  }
  return me;
}
