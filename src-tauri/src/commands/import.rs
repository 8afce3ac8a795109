use std::path::PathBuf;

use gamefilm::import::{self, ImportEvent, ImportOptions, ImportSummary};
use gamefilm::jobs::Job;
use gamefilm::library::{Library, settings};
use tauri::ipc::Channel;
use tauri::{State, Window};

use super::test_hook;
use crate::error::{AppError, AppResult};
use crate::events::ChangeSource;
use crate::launch::PendingOpens;
use crate::state::{Jobs, LibraryService, WatchService, WatchStatus, blocking};

/// Read by [`import_pick`] in debug builds only: paths to return instead of opening the native
/// dialog. Separated by `:`.
pub const TEST_PICK_ENV: &str = "GAMEFILM_TEST_PICK";

/// Asks the user for audio files (or one folder) with the native dialog. Empty when cancelled.
#[tauri::command]
pub async fn import_pick(window: Window, folder: bool) -> AppResult<Vec<String>> {
    if let Some(paths) = test_hook(TEST_PICK_ENV) {
        return Ok(std::env::split_paths(&paths).map(|p| p.display().to_string()).collect());
    }
    let dialog = rfd::AsyncFileDialog::new().set_parent(&window);
    let picked = if folder {
        dialog.set_title("Import a folder of calls").pick_folder().await.map(|f| vec![f])
    } else {
        dialog
            .set_title("Import calls")
            .add_filter("Audio", import::AUDIO_EXTENSIONS)
            .add_filter("All files", &["*"])
            .pick_files()
            .await
    };
    Ok(picked.unwrap_or_default().into_iter().map(|f| f.path().display().to_string()).collect())
}

/// Imports files and folders; progress and failures go to `on_event`. Runs on its own
/// connection so that the window stays responsive; one import at a time.
#[tauri::command]
pub async fn import_start(
    lib: State<'_, LibraryService>,
    jobs: State<'_, Jobs>,
    paths: Vec<String>,
    on_event: Channel<ImportEvent>,
) -> AppResult<ImportSummary> {
    if paths.is_empty() {
        return Err(AppError::invalid("paths", "choose at least one file or folder"));
    }
    let guard = jobs.import.start()?;
    // Surfaces a library that could not open, before any work.
    lib.with(|_| Ok(()))?;
    let path = lib.path().clone();
    let job = Job::new(move |e| drop(on_event.send(e))).cancelled_by(guard.cancel_flag());
    let inputs: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let report = blocking(move || {
        let _guard = guard;
        let mut own = Library::open(&path)?;
        Ok(import::import(&mut own, &inputs, &ImportOptions::default(), &job)?)
    })
    .await;
    // Files committed before a failure or a cancel are in the library all the same.
    lib.changed(ChangeSource::Import);
    Ok(report?.summary())
}

/// The files given to the app (*Open with Gamefilm*) that the window has not taken yet: the
/// first launch's, and a second launch's (announced by the `open-files` event). The window
/// imports them and opens the call.
#[tauri::command]
pub async fn import_launch_files(pending: State<'_, PendingOpens>) -> AppResult<Vec<String>> {
    Ok(pending.take())
}

#[tauri::command]
pub async fn import_cancel(jobs: State<'_, Jobs>) -> AppResult<()> {
    jobs.import.cancel();
    Ok(())
}

/// The watch folders and what they brought since the app started.
#[tauri::command]
pub async fn watch_get(watch: State<'_, WatchService>) -> AppResult<WatchStatus> {
    Ok(watch.status())
}

/// Sets the library's watch folders (each must be a readable folder; none stops watching) and
/// watches them from now on. Files already in them are imported now (once whole).
#[tauri::command]
pub async fn watch_set(
    lib: State<'_, LibraryService>,
    watch: State<'_, WatchService>,
    folders: Vec<String>,
) -> AppResult<WatchStatus> {
    let kept = lib.run(move |l| settings::set_watch_folders(l, &folders)).await?;
    watch.restart(lib.inner().clone(), kept);
    Ok(watch.status())
}
