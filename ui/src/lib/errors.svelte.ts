// Errors shown to the user in the banner. Every failed call ends up here (never swallowed), with
// the shell's plain-words message and, when it helps, what the app was doing.

import { toAppError, type ErrorCode } from "../api";

export interface ShownError {
  id: number;
  code: ErrorCode;
  message: string;
}

let nextId = 1;

export const errors = $state<{ list: ShownError[] }>({ list: [] });

/** Shows an error; the same message twice in a row is shown once. */
export function reportError(e: unknown, doing?: string): void {
  const err = toAppError(e);
  const message = doing ? `${doing}: ${err.message}` : err.message;
  if (errors.list.some((x) => x.message === message)) return;
  // Keep the banner short: the five most recent.
  errors.list = [...errors.list.slice(-4), { id: nextId++, code: err.code, message }];
}

export function dismissError(id: number): void {
  errors.list = errors.list.filter((e) => e.id !== id);
}
