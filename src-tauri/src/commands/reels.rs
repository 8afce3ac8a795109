use std::path::PathBuf;

use gamefilm::jobs::Job;
use gamefilm::library::reels::{self, IfEmpty, ReelDetail, ReelQuery, ReelSummary, RemovedClip};
use gamefilm::library::search::{self, SearchPage, SearchQuery};
use gamefilm::reel::{self, ReelFormat, RenderEvent, RenderOptions, Rendered};
use tauri::ipc::Channel;
use tauri::{State, Window};

use super::test_hook;
use crate::error::{AppError, AppResult};
use crate::events::ChangeSource::Reels;
use crate::state::{Jobs, LibraryService, blocking};

/// Read by [`reels_pick_folder`] in debug builds only: the folder to return instead of opening
/// the native dialog.
pub const TEST_EXPORT_DIR_ENV: &str = "GAMEFILM_TEST_EXPORT_DIR";

#[tauri::command]
pub async fn reels_list(lib: State<'_, LibraryService>) -> AppResult<Vec<ReelSummary>> {
    lib.run_as(|l, me| reels::list(l.conn(), me.scope())).await
}

#[tauri::command]
pub async fn reels_get(lib: State<'_, LibraryService>, id: i64) -> AppResult<ReelDetail> {
    lib.run_as(move |l, me| reels::get(l.conn(), me.scope(), id)).await
}

/// A new reel from a query (positive notes of a period by default); it may start empty and be
/// filled by hand.
#[tauri::command]
pub async fn reels_create(
    lib: State<'_, LibraryService>,
    title: String,
    query: ReelQuery,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| reels::create(l, me.scope(), &title, &query, IfEmpty::Save))
        .await
}

#[tauri::command]
pub async fn reels_rename(
    lib: State<'_, LibraryService>,
    id: i64,
    title: String,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::rename(l, id, &title)
    })
    .await
}

/// Adds a note (of any kind: this is how a coach includes an improvement on purpose).
#[tauri::command]
pub async fn reels_add_note(
    lib: State<'_, LibraryService>,
    id: i64,
    note_id: String,
    position: Option<usize>,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::add_note(l, me.scope(), id, &note_id, position)
    })
    .await
}

#[tauri::command]
pub async fn reels_remove_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    position: usize,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::remove_clip(l, id, position)
    })
    .await
}

/// Undo of `reels_remove_clip`: the clip as it was, back at its position, in one step.
#[tauri::command]
pub async fn reels_restore_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    clip: RemovedClip,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::restore_clip(l, id, &clip)
    })
    .await
}

#[tauri::command]
pub async fn reels_move_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    from: usize,
    to: usize,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::move_clip(l, id, from, to)
    })
    .await
}

#[tauri::command]
pub async fn reels_trim_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    position: usize,
    start_ms: i64,
    end_ms: i64,
) -> AppResult<ReelDetail> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::trim_clip(l, id, position, start_ms, end_ms)
    })
    .await
}

#[tauri::command]
pub async fn reels_delete(lib: State<'_, LibraryService>, id: i64) -> AppResult<()> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::delete(l, id)
    })
    .await
}

/// Undo of `reels_delete`.
#[tauri::command]
pub async fn reels_restore(lib: State<'_, LibraryService>, id: i64) -> AppResult<ReelSummary> {
    lib.write_as(Reels, move |l, me| {
        reels::require_editable(l.conn(), me, id)?;
        reels::restore(l, id)
    })
    .await
}

/// Notes to add to a reel by hand: a full-text search over note text (50 hits a page unless
/// asked, at most 200).
#[tauri::command]
pub async fn notes_search(
    lib: State<'_, LibraryService>,
    query: SearchQuery,
) -> AppResult<SearchPage> {
    let limit = if query.limit == 0 { 50 } else { query.limit.min(200) };
    let query = SearchQuery { limit, ..query };
    lib.run_as(move |l, me| search::search(l.conn(), me.scope(), &query)).await
}

/// Asks for the folder a reel is exported to. `None` when cancelled.
#[tauri::command]
pub async fn reels_pick_folder(window: Window) -> AppResult<Option<String>> {
    if let Some(dir) = test_hook(TEST_EXPORT_DIR_ENV) {
        return Ok(Some(PathBuf::from(dir).display().to_string()));
    }
    let picked = rfd::AsyncFileDialog::new()
        .set_parent(&window)
        .set_title("Export the reel to…")
        .pick_folder()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}

/// Renders a saved reel into `out_dir`: the audio, the review page, WebVTT chapters and the
/// JSON manifest, named after its title. Progress goes to `on_event`; [`reels_render_cancel`]
/// stops it and leaves nothing at the target.
#[tauri::command]
pub async fn reels_render(
    lib: State<'_, LibraryService>,
    jobs: State<'_, Jobs>,
    id: i64,
    format: ReelFormat,
    out_dir: String,
    on_event: Channel<RenderEvent>,
) -> AppResult<Rendered> {
    if out_dir.trim().is_empty() {
        return Err(AppError::invalid("outDir", "choose a folder to export to"));
    }
    let guard = jobs.render.start()?;
    let job = Job::new(move |e| drop(on_event.send(e))).cancelled_by(guard.cancel_flag());
    let (detail, clips) = lib
        .run_as(move |l, me| {
            Ok((
                reels::get(l.conn(), me.scope(), id)?,
                reels::clips_for_render(l.conn(), me.scope(), id)?,
            ))
        })
        .await?;
    let opts = RenderOptions::new(PathBuf::from(out_dir), format, &detail.title, detail.created_at);
    blocking(move || {
        let _guard = guard;
        Ok(reel::render(&clips, &opts, &job)?)
    })
    .await
}

#[tauri::command]
pub async fn reels_render_cancel(jobs: State<'_, Jobs>) -> AppResult<()> {
    jobs.render.cancel();
    Ok(())
}
