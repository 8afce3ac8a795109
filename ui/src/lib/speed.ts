// Playback speed steps. Coaches listen at 1.5-2x; `[` and `]` move one step down or up.

// The core plays 0.5–3× (MIN_SPEED, MAX_SPEED); the app offers the same range.
export const SPEEDS: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];

/** Index of the step closest to `speed` (a speed set elsewhere may fall between steps). */
export function nearestSpeedIndex(speed: number): number {
  let best = 0;
  for (let i = 1; i < SPEEDS.length; i++) {
    if (Math.abs(SPEEDS[i] - speed) < Math.abs(SPEEDS[best] - speed)) best = i;
  }
  return best;
}

/** The speed one step up (`dir` 1) or down (-1) from `speed`, staying within the steps. */
export function stepSpeed(speed: number, dir: 1 | -1): number {
  const i = nearestSpeedIndex(speed);
  // Off-step speeds move to the neighbouring step in the asked direction, not past it.
  const onStep = SPEEDS[i] === speed;
  let next = i;
  if (!onStep && Math.sign(SPEEDS[i] - speed) === dir) next = i;
  else next = i + dir;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, next))];
}

/** `1.25×`. */
export function formatSpeed(speed: number): string {
  return `${speed}×`;
}
