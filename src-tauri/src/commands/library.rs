use gamefilm::library::recordings::{self, LibraryInfo, ListFilter};
use gamefilm::library::{CallView, RecordingPage, Waveform};
use tauri::State;

use crate::error::{AppError, AppResult};
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
