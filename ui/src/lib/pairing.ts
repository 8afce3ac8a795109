// The comparison after the reveal: the rep's own notes beside the coach's, paired when they point
// at the same moment. Each rep note is paired with the nearest unpaired coach note within
// PAIR_WINDOW_MS, smallest gap first over the whole call (so that a close pair is never broken
// up by a looser one found earlier in time); what is left stands alone in its lane.

/** How far apart two notes may start and still be about the same moment. */
export const PAIR_WINDOW_MS = 10_000;

export interface Timed {
  id: string;
  startMs: number;
}

/** One line of the two-lane list: a pair, or a note of one side alone. */
export interface PairRow<R, C> {
  rep: R | null;
  coach: C | null;
}

/**
 * Pairs `rep` notes with `coach` notes (each used at most once) and returns every note in rows
 * ordered by time (a pair by its earlier start). Ties in gap go to the earlier rep note, then the
 * earlier coach note, so the result does not depend on the input order.
 */
export function pairNotes<R extends Timed, C extends Timed>(
  rep: readonly R[],
  coach: readonly C[],
  windowMs: number = PAIR_WINDOW_MS,
): PairRow<R, C>[] {
  const byTime = <T extends Timed>(a: T, b: T) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const rs = [...rep].sort(byTime);
  const cs = [...coach].sort(byTime);
  const candidates: { i: number; j: number; gap: number }[] = [];
  for (let i = 0; i < rs.length; i++) {
    for (let j = 0; j < cs.length; j++) {
      const gap = Math.abs(rs[i].startMs - cs[j].startMs);
      if (gap <= windowMs) candidates.push({ i, j, gap });
    }
  }
  candidates.sort((a, b) => a.gap - b.gap || a.i - b.i || a.j - b.j);
  const repTaken = new Array<boolean>(rs.length).fill(false);
  const coachTaken = new Array<boolean>(cs.length).fill(false);
  const rows: PairRow<R, C>[] = [];
  for (const { i, j } of candidates) {
    if (repTaken[i] || coachTaken[j]) continue;
    repTaken[i] = coachTaken[j] = true;
    rows.push({ rep: rs[i], coach: cs[j] });
  }
  rs.forEach((r, i) => repTaken[i] || rows.push({ rep: r, coach: null }));
  cs.forEach((c, j) => coachTaken[j] || rows.push({ rep: null, coach: c }));
  const start = (row: PairRow<R, C>) =>
    Math.min(row.rep?.startMs ?? Infinity, row.coach?.startMs ?? Infinity);
  // A stable sort: at equal starts a pair comes first, then the rep's, then the coach's.
  return rows.sort((a, b) => start(a) - start(b));
}

/** Whether the rep and the coach chose the same focus area (case and spaces aside). */
export function sameFocus(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string | null | undefined) => (s ?? "").trim().toLowerCase();
  return norm(a) !== "" && norm(a) === norm(b);
}
