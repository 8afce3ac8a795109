use std::path::PathBuf;

use gamefilm::import::{self, FileResult, ImportOptions, Progress};
use gamefilm::library::Library;
use tauri::ipc::Channel;
use tauri::{State, Window};

use super::blocking;
use crate::dto::{ImportEvent, ImportSummary};
use crate::error::{AppError, AppResult};
use crate::state::{Jobs, LibraryService};

/// Read by [`import_pick`] only: paths to return instead of opening the native dialog, which
/// WebDriver cannot click (PLATFORM-NOTES.md). Separated by `:`.
pub const TEST_PICK_ENV: &str = "GAMEFILM_TEST_PICK";

/// Asks the user for audio files (or one folder) with the native dialog. Empty when cancelled.
#[tauri::command]
pub async fn import_pick(window: Window, folder: bool) -> AppResult<Vec<String>> {
    if let Some(paths) = std::env::var_os(TEST_PICK_ENV) {
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

struct ChannelProgress(Channel<ImportEvent>);

impl Progress for ChannelProgress {
    fn discovered(&self, files: usize) {
        let _ = self.0.send(ImportEvent::Discovered { files: files as u32 });
    }
    fn file_done(&self, result: &FileResult) {
        let _ = self.0.send(ImportEvent::from(result));
    }
}

/// Imports files and folders; progress goes to `on_event` file by file. Runs on its own
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
    let guard = jobs.import.start("import.busy", "an import")?;
    let cancel = jobs.import.cancel_flag();
    // Surfaces a library that could not open, before any work.
    lib.with(|_| Ok(()))?;
    let path = lib.path().clone();
    blocking(move || {
        let _guard = guard;
        let mut own = Library::open(&path)?;
        let inputs: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
        let report = import::import(
            &mut own,
            &inputs,
            &ImportOptions::default(),
            &ChannelProgress(on_event),
            &cancel,
        )?;
        Ok(ImportSummary {
            imported: report.imported() as u32,
            relinked: report.relinked() as u32,
            duplicates: report.duplicates() as u32,
            failed: report.failed() as u32,
            cancelled: report.cancelled,
        })
    })
    .await
}

#[tauri::command]
pub async fn import_cancel(jobs: State<'_, Jobs>) -> AppResult<()> {
    jobs.import.cancel();
    Ok(())
}
