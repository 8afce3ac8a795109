use gamefilm::library::recordings::{
    self, CallEdit, DetailValues, Edited, LibraryInfo, ListFilter,
};
use gamefilm::library::{CallView, RecordingPage, Waveform};
use tauri::State;

use crate::error::{AppError, AppResult};
use crate::events::ChangeSource::Recordings;
use crate::state::LibraryService;

/// Largest page the list may ask for.
const MAX_PAGE: i64 = 1000;

/// Where the library is, its schema and size; rejects with the reason it could not open.
#[tauri::command]
pub async fn library_info(lib: State<'_, LibraryService>) -> AppResult<LibraryInfo> {
    lib.run(|l| recordings::info(l)).await
}

#[tauri::command]
pub async fn recordings_list(
    lib: State<'_, LibraryService>,
    query: ListFilter,
) -> AppResult<RecordingPage> {
    let limit = query.limit.unwrap_or(200);
    if !(1..=MAX_PAGE).contains(&limit) || query.offset < 0 {
        return Err(AppError::invalid("limit/offset", format!("a page is 1 to {MAX_PAGE} rows")));
    }
    let query = ListFilter { limit: Some(limit), ..query };
    lib.run_as(move |l, me| recordings::page(l.conn(), me.scope(), &query)).await
}

#[tauri::command]
pub async fn recordings_get(lib: State<'_, LibraryService>, id: i64) -> AppResult<CallView> {
    lib.run_as(move |l, me| recordings::call_view(l.conn(), me, id)).await
}

#[tauri::command]
pub async fn recordings_waveform(
    lib: State<'_, LibraryService>,
    id: i64,
    from_ms: i64,
    to_ms: i64,
    columns: u32,
) -> AppResult<Waveform> {
    lib.run_as(move |l, me| recordings::waveform(l.conn(), me.scope(), id, from_ms, to_ms, columns))
        .await
}

#[tauri::command]
pub async fn reps_list(lib: State<'_, LibraryService>) -> AppResult<Vec<String>> {
    lib.run(|l| recordings::reps(l.conn())).await
}

/// Every call id of the filtered list, in its order: *Select all* (Ctrl+A).
#[tauri::command]
pub async fn recordings_ids(
    lib: State<'_, LibraryService>,
    query: ListFilter,
) -> AppResult<Vec<i64>> {
    lib.run_as(move |l, me| recordings::ids(l.conn(), me.scope(), &query)).await
}

/// Edits calls' details (a coach), each its own edit, all or none; returns the edits that undo it.
#[tauri::command]
pub async fn recordings_edit(
    lib: State<'_, LibraryService>,
    edits: Vec<CallEdit>,
) -> AppResult<Edited> {
    lib.write_as(Recordings, move |l, me| {
        me.require_coach("a call's details")?;
        recordings::edit_calls(l, me.scope(), &edits)
    })
    .await
}

/// Takes calls out of the library (the files stay on disk), all or none; undone by
/// [`recordings_restore`].
#[tauri::command]
pub async fn recordings_remove(
    lib: State<'_, LibraryService>,
    ids: Vec<i64>,
) -> AppResult<Vec<i64>> {
    lib.write_as(Recordings, move |l, me| recordings::remove(l, me.scope(), &ids)).await
}

#[tauri::command]
pub async fn recordings_restore(
    lib: State<'_, LibraryService>,
    ids: Vec<i64>,
) -> AppResult<Vec<i64>> {
    lib.write_as(Recordings, move |l, me| recordings::restore(l, me.scope(), &ids)).await
}

/// Of `ids` (the rows on screen), the calls whose file is no longer where it was.
#[tauri::command]
pub async fn recordings_missing(
    lib: State<'_, LibraryService>,
    ids: Vec<i64>,
) -> AppResult<Vec<i64>> {
    lib.run_as(move |l, me| recordings::missing_files(l.conn(), me.scope(), &ids)).await
}

/// The reps, counterparts and tags in use: completion for a call's details.
#[tauri::command]
pub async fn recordings_detail_values(lib: State<'_, LibraryService>) -> AppResult<DetailValues> {
    lib.run_as(|l, me| recordings::detail_values(l.conn(), me.scope())).await
}
