// The window's only door to the shell: one typed function per command of docs/app-contract.md.
// Nothing else in the UI calls `invoke` or creates a `Channel`, so the contract lives here.
//
// Every function rejects with an `AppError` `{ code, message }`: the shell's own rejections
// already have that shape; anything else (an IPC failure, a bug) is wrapped as `ui.unknown`, so
// callers can always show `message` and branch on `code`.

import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";

import type { AppError } from "./bindings/AppError";
import type { CallView } from "./bindings/CallView";
import type { ChannelMode } from "./bindings/ChannelMode";
import type { ImportEvent } from "./bindings/ImportEvent";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { LibraryInfo } from "./bindings/LibraryInfo";
import type { ListFilter } from "./bindings/ListFilter";
import type { Note } from "./bindings/Note";
import type { NoteInput } from "./bindings/NoteInput";
import type { NoteUpdate } from "./bindings/NoteUpdate";
import type { PlayerEvent } from "./bindings/PlayerEvent";
import type { PlayerInfo } from "./bindings/PlayerInfo";
import type { RecordingPage } from "./bindings/RecordingPage";
import type { Reply } from "./bindings/Reply";
import type { SelfReview } from "./bindings/SelfReview";
import type { Waveform } from "./bindings/Waveform";

export type { AppError };

/** Turns any rejection into an `AppError`. */
export function toAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") return { code, message };
    if (e instanceof Error) return { code: "ui.unknown", message: e.message };
  }
  return { code: "ui.unknown", message: String(e) };
}

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).code === "string" &&
    typeof (e as AppError).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// Library

export const libraryInfo = () => call<LibraryInfo>("library_info");

export const recordingsList = (query: ListFilter) => call<RecordingPage>("recordings_list", { query });

export const recordingsGet = (id: number) => call<CallView>("recordings_get", { id });

export const recordingsWaveform = (id: number, fromMs: number, toMs: number, columns: number) =>
  call<Waveform>("recordings_waveform", { id, fromMs, toMs, columns });

export const repsList = () => call<string[]>("reps_list");

// Notes, replies, reviews

export const notesCreate = (input: NoteInput) => call<Note>("notes_create", { input });

export const notesUpdate = (id: string, update: NoteUpdate) => call<Note>("notes_update", { id, update });

export const notesDelete = (id: string) => call<Note>("notes_delete", { id });

/** `null` restores the most recently deleted note. */
export const notesRestore = (id: string | null) => call<Note>("notes_restore", { id });

export const notesMarkSeen = (id: string) => call<Note>("notes_mark_seen", { id });

export const repliesCreate = (noteId: string, author: string, text: string) =>
  call<Reply>("replies_create", { noteId, author, text });

export const reviewsSaveSelf = (recordingId: number, author: string, focusArea: string, text: string) =>
  call<SelfReview>("reviews_save_self", { recordingId, author, focusArea, text });

// Import

/** Opens the native picker; an empty list when the user cancelled. */
export const importPick = (folder: boolean) => call<string[]>("import_pick", { folder });

/** Imports files and folders, reporting each file through `onEvent`; resolves when done. */
export function importStart(paths: string[], onEvent: (e: ImportEvent) => void): Promise<ImportSummary> {
  const channel = new Channel<ImportEvent>(onEvent);
  return call<ImportSummary>("import_start", { paths, onEvent: channel });
}

export const importCancel = () => call<void>("import_cancel");

// Player

/** Opens the recording paused at `fromMs`; positions and the end arrive through `onEvent`. */
export function playerOpen(
  recordingId: number,
  fromMs: number,
  onEvent: (e: PlayerEvent) => void,
): Promise<PlayerInfo> {
  const channel = new Channel<PlayerEvent>(onEvent);
  return call<PlayerInfo>("player_open", { recordingId, fromMs, onEvent: channel });
}

export const playerPlay = () => call<void>("player_play");
export const playerPause = () => call<void>("player_pause");
export const playerClose = () => call<void>("player_close");
export const playerSeek = (ms: number) => call<void>("player_seek", { ms: Math.max(0, Math.round(ms)) });
export const playerSetSpeed = (speed: number) => call<void>("player_set_speed", { speed });
export const playerSetSkipSilence = (on: boolean) => call<void>("player_set_skip_silence", { on });
export const playerSetChannel = (mode: ChannelMode) => call<void>("player_set_channel", { mode });

// Drag and drop

export type DropState = { type: "hover" } | { type: "leave" } | { type: "drop"; paths: string[] };

/**
 * Files dragged onto the window. The webview reports drops with real paths (the DOM's drop event
 * has none), so this goes through Tauri. Resolves to the function that stops listening.
 */
export async function onFileDrop(handler: (state: DropState) => void): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === "enter" || p.type === "over") handler({ type: "hover" });
    else if (p.type === "drop") handler({ type: "drop", paths: p.paths });
    else handler({ type: "leave" });
  });
}
