// The window's only door to the shell: one typed function per command of docs/app-contract.md.
// Nothing else in the UI calls `invoke` or creates a `Channel`, so the contract lives here.
//
// Every function rejects with an `AppError` `{ code, message }`: the shell's own rejections
// already have that shape; anything else (an IPC failure, a bug) is wrapped as `app.internal`,
// so callers can always show `message` and branch on `code`, comparing it with the generated
// `ErrorCodes` (one Rust enum, src/error.rs), never with a string literal.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";

import type { AnalysisStatus } from "./bindings/AnalysisStatus";
import type { NewLogin } from "./bindings/NewLogin";
import type { SyncReport } from "./bindings/SyncReport";
import type { TeamEvent } from "./bindings/TeamEvent";
import type { TeamFetch } from "./bindings/TeamFetch";
import type { AppError } from "./bindings/AppError";
import type { CallSpeech } from "./bindings/CallSpeech";
import type { RepChannel } from "./bindings/RepChannel";
import type { Stats } from "./bindings/Stats";
import type { CallEdit } from "./bindings/CallEdit";
import type { CallOutcome } from "./bindings/CallOutcome";
import type { CallView } from "./bindings/CallView";
import type { DetailValues } from "./bindings/DetailValues";
import type { DueBoard } from "./bindings/DueBoard";
import type { Edited } from "./bindings/Edited";
import type { ErrorCode } from "./bindings/ErrorCode";
import { ErrorCodes } from "./bindings/errorCodes";
import type { FocusArea } from "./bindings/FocusArea";
import type { ChannelMode } from "./bindings/ChannelMode";
import type { ImportEvent } from "./bindings/ImportEvent";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { LibraryInfo } from "./bindings/LibraryInfo";
import type { LibraryChanged } from "./bindings/LibraryChanged";
import type { ListFilter } from "./bindings/ListFilter";
import type { Note } from "./bindings/Note";
import type { NewNote } from "./bindings/NewNote";
import type { NewStep } from "./bindings/NewStep";
import type { NoteEdit } from "./bindings/NoteEdit";
import type { NoteKind } from "./bindings/NoteKind";
import type { NotesFormat } from "./bindings/NotesFormat";
import type { NotesImported } from "./bindings/NotesImported";
import type { PackExportSummary } from "./bindings/PackExportSummary";
import type { PackImportSummary } from "./bindings/PackImportSummary";
import type { Person } from "./bindings/Person";
import type { PlayerEvent } from "./bindings/PlayerEvent";
import type { PlayerInfo } from "./bindings/PlayerInfo";
import type { Progress } from "./bindings/Progress";
import type { ProgressQuery } from "./bindings/ProgressQuery";
import type { Recording } from "./bindings/Recording";
import type { RecordingPage } from "./bindings/RecordingPage";
import type { ReelDetail } from "./bindings/ReelDetail";
import type { ReelFormat } from "./bindings/ReelFormat";
import type { ReelQuery } from "./bindings/ReelQuery";
import type { ReelSummary } from "./bindings/ReelSummary";
import type { RemovedClip } from "./bindings/RemovedClip";
import type { RenderEvent } from "./bindings/RenderEvent";
import type { Rendered } from "./bindings/Rendered";
import type { Reply } from "./bindings/Reply";
import type { Review } from "./bindings/Review";
import type { Role } from "./bindings/Role";
import type { SearchPage } from "./bindings/SearchPage";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { SelfAssessment } from "./bindings/SelfAssessment";
import type { Settings } from "./bindings/Settings";
import type { Step } from "./bindings/Step";
import type { StepFilter } from "./bindings/StepFilter";
import type { StepState } from "./bindings/StepState";
import type { Waveform } from "./bindings/Waveform";
import type { WatchStatus } from "./bindings/WatchStatus";

export type { AppError, ErrorCode };
export { ErrorCodes };

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && KNOWN_CODES.has(code);
}

/** Turns any rejection into an `AppError`. */
export function toAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && typeof message === "string") return { code, message };
    if (typeof message === "string") return { code: ErrorCodes.AppInternal, message };
  }
  return { code: ErrorCodes.AppInternal, message: String(e) };
}

export function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    isErrorCode((e as AppError).code) &&
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

// Notes and replies (written as the current person)

export const notesCreate = (input: NewNote) => call<Note>("notes_create", { input });

/** Absent fields stay as they are; `endMs: null` turns a range note into a point. */
export const notesUpdate = (id: string, update: NoteEdit) => call<Note>("notes_update", { id, update });

export const notesDelete = (id: string) => call<Note>("notes_delete", { id });

/** `null` restores the most recently deleted note. */
export const notesRestore = (id: string | null) => call<Note>("notes_restore", { id });

export const notesMarkSeen = (id: string) => call<Note>("notes_mark_seen", { id });

export const repliesCreate = (noteId: string, text: string) => call<Reply>("replies_create", { noteId, text });

// People: every command acts as the library's current person; with nobody chosen, those that
// need one reject with `library.not_allowed`.

export const peopleList = () => call<Person[]>("people_list");

/** Who is using the library; null until somebody was introduced (first run). */
export const peopleCurrent = () => call<Person | null>("people_current");

/** Adds the person if new and makes them the current person. */
export const peopleIntroduce = (name: string, role: Role) => call<Person>("people_introduce", { name, role });

/** Makes someone already in the library the current person. */
export const peopleSwitch = (name: string) => call<Person>("people_switch", { name });

// Reviews, self-assessments, focus areas

export const focusList = () => call<FocusArea[]>("focus_list");

/** Coach only. */
export const focusAdd = (name: string) => call<FocusArea>("focus_add", { name });

/** Coach only: marks the call reviewed (possible with no notes at all). */
export const reviewsMark = (recordingId: number, focusArea: string, summary: string, closePrevious: boolean) =>
  call<Review>("reviews_mark", { recordingId, focusArea, summary, closePrevious });

/** Undo of `reviewsMark`. */
export const reviewsWithdraw = (recordingId: number) => call<Review>("reviews_withdraw", { recordingId });

/**
 * Rep only: a draft (`submit` false) or the submitted self-assessment, which reveals the coach's
 * notes once the call is reviewed. Edits after submitting are kept as revisions.
 */
export const assessmentsSave = (recordingId: number, focusArea: string, text: string, submit: boolean) =>
  call<SelfAssessment>("assessments_save", { recordingId, focusArea, text, submit });

// Next steps

/** *Overdue* and *Due this week*, per person the current person may see. */
export const stepsBoard = () => call<DueBoard>("steps_board");

export const stepsList = (filter: StepFilter) => call<Step[]>("steps_list", { filter });

export const stepsAdd = (step: NewStep) => call<Step>("steps_add", { step });

export const stepsSetState = (id: string, state: StepState, outcome: string | null = null) =>
  call<Step>("steps_set_state", { id, state, outcome });

export const stepsDelete = (id: string) => call<Step>("steps_delete", { id });

/** Undo of `stepsDelete`. */
export const stepsRestore = (id: string) => call<null>("steps_restore", { id });

/** Writes one step (`id`), or every open step the person may see (null), as an iCalendar file; resolves to how many. */
export const stepsExportIcs = (id: string | null, path: string) => call<number>("steps_export_ics", { id, path });

// Outcomes and progress

/** Coach only: sets (or, with null, clears) the outcome of calls. */
export const recordingsSetOutcome = (ids: number[], outcome: CallOutcome | null) =>
  call<Recording[]>("recordings_set_outcome", { ids, outcome });

/** Coach only: each call's own edit of its details, all or none; `undo` puts them back. */
export const recordingsEdit = (edits: CallEdit[]) => call<Edited>("recordings_edit", { edits });

/** Every call id of the filtered list, in its order (Select all). */
export const recordingsIds = (query: Omit<ListFilter, "offset" | "limit">) => call<number[]>("recordings_ids", { query });

/** Takes calls out of the library (their files stay); `recordingsRestore` brings them back. */
export const recordingsRemove = (ids: number[]) => call<number[]>("recordings_remove", { ids });

export const recordingsRestore = (ids: number[]) => call<number[]>("recordings_restore", { ids });

/** Of these calls (the rows on screen), those whose file is gone from where it was. */
export const recordingsMissing = (ids: number[]) => call<number[]>("recordings_missing", { ids });

/** The reps, counterparts and tags in use, for completion. */
export const recordingsDetailValues = () => call<DetailValues>("recordings_detail_values");

export const progressGet = (query: ProgressQuery) => call<Progress>("progress_get", { query });

export const progressExportCsv = (query: ProgressQuery, path: string) =>
  call<null>("progress_export_csv", { query, path });

/** The current person's settings (playback; the library list's sort and filters). */
export const settingsGet = () => call<Settings>("settings_get");

/** Saves the current person's settings whole. */
export const settingsSave = (settings: Settings) => call<Settings>("settings_save", { settings });

/** The native save dialog suggesting `name`; null when cancelled. */
export const filesPickSave = (name: string, extension: string) =>
  call<string | null>("files_pick_save", { name, extension });

/** The native open dialog for one file of `extensions` (no dots; `kind` names them; none: the
 *  audio files Gamefilm imports); null when cancelled. */
export const filesPickOpen = (title: string, kind: string, extensions: string[]) =>
  call<string | null>("files_pick_open", { title, kind, extensions });

// Review packs and notes files

/**
 * Writes a review pack for the person named `to` at `path`: the calls `calls`, those since
 * `since` (Unix ms), both, or neither (what changed since the last pack exchanged with them).
 */
export const packsExport = (
  to: string,
  calls: number[] | null,
  since: number | null,
  withoutAudio: boolean,
  path: string,
) => call<PackExportSummary>("packs_export", { to, calls, since, withoutAudio, path });

/** Merges a pack: all of it, or nothing on an error. `library-changed` follows. */
export const packsImport = (path: string) => call<PackImportSummary>("packs_import", { path });

/** *Locate…*: the call's own audio file (same content), found at `path`. */
export const recordingsLocate = (id: number, path: string) =>
  call<Recording>("recordings_locate", { id, path });

export const notesExport = (ids: number[], format: NotesFormat, path: string) =>
  call<null>("notes_export", { ids, format, path });

/** Audacity labels or CSV onto call `id`; `kind` for rows that name none. All rows or none. */
export const notesImport = (id: number, path: string, kind: NoteKind | null) =>
  call<NotesImported>("notes_import", { id, path, kind });

// Import

/** Opens the native picker; an empty list when the user cancelled. */
export const importPick = (folder: boolean) => call<string[]>("import_pick", { folder });

/**
 * Imports files and folders; `onEvent` hears how many files there are, progress (about ten times
 * a second) and every file that failed. Resolves with the counts when done.
 */
export function importStart(paths: string[], onEvent: (e: ImportEvent) => void): Promise<ImportSummary> {
  const channel = new Channel<ImportEvent>(onEvent);
  return call<ImportSummary>("import_start", { paths, onEvent: channel });
}

export const importCancel = () => call<void>("import_cancel");

/**
 * The files given to the app (*Open with Gamefilm*) not taken yet, each once: the first launch's,
 * and those of a later launch on this library (announced by `onOpenFiles`).
 */
export const importLaunchFiles = () => call<string[]>("import_launch_files");

/**
 * A second launch of the app on this library brought files (the running window gets them instead
 * of a second window opening): take them with `importLaunchFiles`. Resolves to the function that
 * stops listening.
 */
export async function onOpenFiles(handler: () => void): Promise<() => void> {
  return listen("open-files", () => handler());
}

// Watch folders

/** The watch folders and what they brought since the app started. */
export const watchGet = () => call<WatchStatus>("watch_get");

/** Sets the library's watch folders (none: stop watching); `library.invalid` names a bad one. */
export const watchSet = (folders: string[]) => call<WatchStatus>("watch_set", { folders });

/** After each batch a watch folder brought (`library-changed` `import` comes with it). */
export async function onWatchNews(handler: (s: WatchStatus) => void): Promise<() => void> {
  return listen<WatchStatus>("watch-news", (e) => handler(e.payload));
}

// The team library

/** Where the library stands with its team (asks the server whether it answers). */
export const teamStatus = () => call<TeamEvent>("team_status");

/** Joins the library to a team database: `postgres://USER:PASSWORD@HOST:PORT/DATABASE`. */
export const teamConnect = (url: string) => call<SyncReport>("team_connect", { url });

/** A sync round now. */
export const teamSyncNow = () => call<void>("team_sync_now");

/** Coach with an administrator's login: a login of their own for `name`; hand them its URL. */
export const teamAddPerson = (name: string, role: Role) => call<NewLogin>("team_add_person", { name, role });

/** Leaves the team (the library keeps what it holds). */
export const teamDisconnect = () => call<void>("team_disconnect");

/** After every sync round of the background worker. */
export async function onTeamStatus(handler: (s: TeamEvent) => void): Promise<() => void> {
  return listen<TeamEvent>("team-status", (e) => handler(e.payload));
}

/** A call's audio coming from the team on first play. */
export async function onTeamFetch(handler: (f: TeamFetch) => void): Promise<() => void> {
  return listen<TeamFetch>("team-fetch", (e) => handler(e.payload));
}

// Call insights

/** A call's figures (talk ratio, monologue, story, patience…). */
export const insightsStats = (id: number) => call<Stats>("insights_stats", { id });

/** Who spoke when on a call: the speaker strip. */
export const insightsSpeech = (id: number) => call<CallSpeech>("insights_speech", { id });

export const insightsRepChannelGet = () => call<RepChannel>("insights_rep_channel_get");

/** Coach: which channel is the rep on the library's stereo calls (a call's own choice wins). */
export const insightsRepChannelSet = (channel: RepChannel) => call<RepChannel>("insights_rep_channel_set", { channel });

export const analysisStatus = () => call<AnalysisStatus>("analysis_status");

/** Stops the background analysis of older calls (it resumes at the next start, or with Resume). */
export const analysisCancel = () => call<void>("analysis_cancel");

export const analysisResume = () => call<void>("analysis_resume");

/** The background analysis of older calls, as it goes. */
export async function onAnalysisProgress(handler: (s: AnalysisStatus) => void): Promise<() => void> {
  return listen<AnalysisStatus>("analysis-progress", (e) => handler(e.payload));
}

// Player

/**
 * Opens the recording paused at `fromMs`; positions and the end arrive through `onEvent`.
 * `toMs` ends playback there (a reel clip): `ended` is sent when it is reached. Null or
 * undefined plays to the end of the recording.
 */
export function playerOpen(
  recordingId: number,
  fromMs: number,
  toMs: number | null | undefined,
  onEvent: (e: PlayerEvent) => void,
): Promise<PlayerInfo> {
  const channel = new Channel<PlayerEvent>(onEvent);
  return call<PlayerInfo>("player_open", {
    recordingId,
    fromMs: Math.max(0, Math.round(fromMs)),
    toMs: toMs === null || toMs === undefined ? null : Math.max(0, Math.round(toMs)),
    onEvent: channel,
  });
}

export const playerPlay = () => call<void>("player_play");
export const playerPause = () => call<void>("player_pause");
export const playerClose = () => call<void>("player_close");
export const playerSeek = (ms: number) => call<void>("player_seek", { ms: Math.max(0, Math.round(ms)) });
export const playerSetSpeed = (speed: number) => call<void>("player_set_speed", { speed });
export const playerSetSkipSilence = (on: boolean) => call<void>("player_set_skip_silence", { on });
export const playerSetChannel = (mode: ChannelMode) => call<void>("player_set_channel", { mode });

// Reels

/** Every reel, most recently created first. */
export const reelsList = () => call<ReelSummary[]>("reels_list");

export const reelsGet = (id: number) => call<ReelDetail>("reels_get", { id });

/** A new reel titled `title` from the notes of a period (positive only unless `kinds` says otherwise); may be empty. */
export function reelsCreate({ title, ...query }: ReelQuery & { title: string }): Promise<ReelDetail> {
  return call<ReelDetail>("reels_create", { title, query });
}

export const reelsRename = (id: number, title: string) => call<ReelDetail>("reels_rename", { id, title });

/**
 * Adds a note of any kind (how a coach puts an improvement in a reel on purpose) at `position`,
 * or at the end. Its span is the one planning gives: a range note's range, a point padded.
 */
export const reelsAddNote = (id: number, noteId: string, position?: number | null) =>
  call<ReelDetail>("reels_add_note", { id, noteId, position: position ?? null });

export const reelsRemoveClip = (id: number, position: number) =>
  call<ReelDetail>("reels_remove_clip", { id, position });

/** Undo of `reelsRemoveClip`: the clip as it was read before (a `ReelClip` will do), back in one step. */
export const reelsRestoreClip = (id: number, clip: RemovedClip) =>
  call<ReelDetail>("reels_restore_clip", { id, clip });

/** Moves the clip at `from` so that it ends up at `to`. */
export const reelsMoveClip = (id: number, from: number, to: number) =>
  call<ReelDetail>("reels_move_clip", { id, from, to });

export const reelsTrimClip = (id: number, position: number, startMs: number, endMs: number) =>
  call<ReelDetail>("reels_trim_clip", { id, position, startMs: Math.round(startMs), endMs: Math.round(endMs) });

/** Deletes the reel (the notes and recordings stay); `reelsRestore` undoes it for 7 days. */
export const reelsDelete = (id: number) => call<void>("reels_delete", { id });

/** Brings back a deleted reel, clips and all. */
export const reelsRestore = (id: number) => call<ReelSummary>("reels_restore", { id });

/** Full-text search over note text (and, without `kind`, recording titles). */
export const notesSearch = (query: SearchQuery) => call<SearchPage>("notes_search", { query });

/** Asks for the export folder (native dialog); null when cancelled. */
export const reelsPickFolder = () => call<string | null>("reels_pick_folder");

/** Renders the reel and its companion files into `outDir`, reporting clips done through `onEvent`. */
export function reelsRender(
  id: number,
  format: ReelFormat,
  outDir: string,
  onEvent: (e: RenderEvent) => void,
): Promise<Rendered> {
  const channel = new Channel<RenderEvent>(onEvent);
  return call<Rendered>("reels_render", { id, format, outDir, onEvent: channel });
}

/** Stops the running export: `reels_render` then rejects with `reel.cancelled`. */
export const reelsRenderCancel = () => call<void>("reels_render_cancel");

// Changes

/**
 * Every write to the library (a note, an import, a reel…) is announced once, naming what it
 * touched; views reload what they show when it concerns them. Resolves to the function that
 * stops listening.
 */
export async function onLibraryChanged(handler: (e: LibraryChanged) => void): Promise<() => void> {
  return listen<LibraryChanged>("library-changed", (event) => handler(event.payload));
}

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
