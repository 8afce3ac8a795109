use std::path::PathBuf;

use gamefilm::library::reels::{self, ReelDetail, ReelSummary};
use gamefilm::library::search::{self, SearchPage, SearchQuery};
use gamefilm::reel::encode::ReelFormat;
use gamefilm::reel::{self, ReelQuery, RenderOptions};
use tauri::ipc::Channel;
use tauri::{State, Window};

use super::blocking;
use crate::dto::{NoteSearch, ReelExport, ReelPlan, RenderEvent};
use crate::error::{AppError, AppResult};
use crate::state::{Jobs, LibraryService};

/// Read by [`reels_pick_folder`] only: the folder to return instead of opening the native
/// dialog (WebDriver cannot click a GTK file chooser).
pub const TEST_EXPORT_DIR_ENV: &str = "GAMEFILM_TEST_EXPORT_DIR";

#[tauri::command]
pub async fn reels_list(lib: State<'_, LibraryService>) -> AppResult<Vec<ReelSummary>> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::list(l.conn()))).await
}

#[tauri::command]
pub async fn reels_get(lib: State<'_, LibraryService>, id: i64) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::get(l.conn(), id))).await
}

/// A new reel from a query (positive notes of a period by default); it may start empty and be
/// filled by hand.
#[tauri::command]
pub async fn reels_create(lib: State<'_, LibraryService>, plan: ReelPlan) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    let q = ReelQuery {
        since_ms: plan.since_ms,
        until_ms: plan.until_ms,
        rep: plan.rep.filter(|r| !r.trim().is_empty()),
        kinds: plan.kinds,
    };
    blocking(move || {
        lib.with(|l| {
            let clips = reel::plan(l.conn(), &q)?;
            let id = reels::save(l, &plan.title, &clips)?;
            reels::get(l.conn(), id)
        })
    })
    .await
}

#[tauri::command]
pub async fn reels_rename(
    lib: State<'_, LibraryService>,
    id: i64,
    title: String,
) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::rename(l, id, &title))).await
}

/// Adds a note (of any kind: this is how a coach includes an improvement on purpose).
#[tauri::command]
pub async fn reels_add_note(
    lib: State<'_, LibraryService>,
    id: i64,
    note_id: String,
    position: Option<usize>,
) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::add_note(l, id, &note_id, position))).await
}

#[tauri::command]
pub async fn reels_remove_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    position: usize,
) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::remove_clip(l, id, position))).await
}

#[tauri::command]
pub async fn reels_move_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    from: usize,
    to: usize,
) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::move_clip(l, id, from, to))).await
}

#[tauri::command]
pub async fn reels_trim_clip(
    lib: State<'_, LibraryService>,
    id: i64,
    position: usize,
    start_ms: i64,
    end_ms: i64,
) -> AppResult<ReelDetail> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::trim_clip(l, id, position, start_ms, end_ms))).await
}

#[tauri::command]
pub async fn reels_delete(lib: State<'_, LibraryService>, id: i64) -> AppResult<()> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::delete(l, id))).await
}

/// Undo of `reels_delete`.
#[tauri::command]
pub async fn reels_restore(lib: State<'_, LibraryService>, id: i64) -> AppResult<ReelSummary> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reels::restore(l, id))).await
}

/// Notes to add to a reel by hand: a full-text search over note text.
#[tauri::command]
pub async fn notes_search(
    lib: State<'_, LibraryService>,
    query: NoteSearch,
) -> AppResult<SearchPage> {
    let lib = lib.inner().clone();
    let q = SearchQuery {
        text: query.text,
        kind: query.kind,
        limit: query.limit.unwrap_or(50).clamp(1, 200),
        offset: query.offset.unwrap_or(0),
        ..Default::default()
    };
    blocking(move || lib.with(|l| search::search(l.conn(), &q))).await
}

/// Asks for the folder a reel is exported to. `None` when cancelled.
#[tauri::command]
pub async fn reels_pick_folder(window: Window) -> AppResult<Option<String>> {
    if let Some(dir) = std::env::var_os(TEST_EXPORT_DIR_ENV) {
        return Ok(Some(PathBuf::from(dir).display().to_string()));
    }
    let picked = rfd::AsyncFileDialog::new()
        .set_parent(&window)
        .set_title("Export the reel to…")
        .pick_folder()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}

/// A file name from a title: letters, digits and dashes.
fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(80).collect::<String>();
    if out.is_empty() { "reel".into() } else { out }
}

/// Renders a saved reel into `out_dir`: the audio (written under a temporary name, renamed into
/// place when complete), the review page, WebVTT chapters and the JSON manifest. Progress goes
/// to `on_event`; [`reels_render_cancel`] stops it and leaves nothing at the target.
#[tauri::command]
pub async fn reels_render(
    lib: State<'_, LibraryService>,
    jobs: State<'_, Jobs>,
    id: i64,
    format: ReelFormat,
    out_dir: String,
    on_event: Channel<RenderEvent>,
) -> AppResult<ReelExport> {
    if out_dir.trim().is_empty() {
        return Err(AppError::invalid("outDir", "choose a folder to export to"));
    }
    let guard = jobs.render.start("reel.busy", "a reel export")?;
    let cancel = jobs.render.cancel_flag();
    let lib = lib.inner().clone();
    blocking(move || {
        let _guard = guard;
        let (detail, clips) =
            lib.with(|l| Ok((reels::get(l.conn(), id)?, reels::clips_for_render(l.conn(), id)?)))?;
        let opts = RenderOptions {
            out_dir: PathBuf::from(out_dir),
            name: file_stem(&detail.title),
            format,
            title: detail.title.clone(),
            created_at: detail.created_at,
        };
        let mut last = std::time::Instant::now() - std::time::Duration::from_secs(1);
        let mut progress = |done: usize, total: usize| {
            // About ten updates a second at most, and always the last one.
            if done == total || last.elapsed().as_millis() >= 100 {
                last = std::time::Instant::now();
                let _ =
                    on_event.send(RenderEvent::Progress { done: done as u32, total: total as u32 });
            }
        };
        let rendered = reel::render(&clips, &opts, &mut progress, &cancel)
            .map_err(|e| AppError::new(e.code(), e.to_string()))?;
        Ok(ReelExport {
            audio: rendered.audio.display().to_string(),
            html: rendered.html.display().to_string(),
            vtt: rendered.vtt.display().to_string(),
            json: rendered.json.display().to_string(),
            duration_ms: rendered.duration_ms,
        })
    })
    .await
}

#[tauri::command]
pub async fn reels_render_cancel(jobs: State<'_, Jobs>) -> AppResult<()> {
    jobs.render.cancel();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn titles_become_plain_file_names() {
        assert_eq!(file_stem("Week 47: highlights!"), "week-47-highlights");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("   "), "reel");
        assert_eq!(file_stem("Ünïcode café"), "ünïcode-café");
    }
}
