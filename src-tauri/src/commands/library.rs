use gamefilm::library::recordings::{self, ListFilter};
use gamefilm::library::{CallView, RecordingPage, Waveform};
use tauri::State;

use super::blocking;
use crate::dto::LibraryInfo;
use crate::error::{AppError, AppResult};
use crate::state::LibraryService;

/// Largest page the list may ask for.
const MAX_PAGE: i64 = 1000;

#[tauri::command]
pub async fn library_info(lib: State<'_, LibraryService>) -> AppResult<LibraryInfo> {
    let lib = lib.inner().clone();
    blocking(move || {
        lib.with(|l| {
            Ok(LibraryInfo {
                path: l.path().display().to_string(),
                schema_version: l.schema_version()?,
                recordings: recordings::count(l.conn(), &ListFilter::default())?,
            })
        })
    })
    .await
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
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| recordings::page(l.conn(), &query))).await
}

#[tauri::command]
pub async fn recordings_get(lib: State<'_, LibraryService>, id: i64) -> AppResult<CallView> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| recordings::call_view(l.conn(), id))).await
}

#[tauri::command]
pub async fn recordings_waveform(
    lib: State<'_, LibraryService>,
    id: i64,
    from_ms: i64,
    to_ms: i64,
    columns: u32,
) -> AppResult<Waveform> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| recordings::waveform(l.conn(), id, from_ms, to_ms, columns)))
        .await
}

#[tauri::command]
pub async fn reps_list(lib: State<'_, LibraryService>) -> AppResult<Vec<String>> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| recordings::reps(l.conn()))).await
}
