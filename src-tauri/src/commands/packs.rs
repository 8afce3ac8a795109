//! Sharing without a server: review packs out (*Share…*) and in (*Open pack…*, a dropped
//! `.gamefilm` file), a call's audio found again (*Locate…*), and notes in and out of other
//! tools (Audacity labels, WebVTT, SRT, CSV).

use std::path::PathBuf;

use gamefilm::import;
use gamefilm::library::interchange::{self, NotesFormat, NotesImported};
use gamefilm::library::{Library, NoteKind, Person, Recording, people, recordings};
use gamefilm::pack::{self, ExportOptions, Limits, PackExportSummary, PackImportSummary};
use tauri::{State, Window};

use super::test_hook;
use crate::error::{AppError, AppResult};
use crate::events::ChangeSource;
use crate::state::{Jobs, LibraryService, blocking};

/// Read by [`files_pick_open`] in debug builds only: files (separated by `:`) a file dialog
/// answers with; it takes the first whose extension is among those asked for.
pub const TEST_OPEN_ENV: &str = "GAMEFILM_TEST_OPEN";

/// Asks for one file to open, of the given extensions (without dots; none: the audio files
/// Gamefilm imports). `None` when cancelled.
#[tauri::command]
pub async fn files_pick_open(
    window: Window,
    title: String,
    kind: String,
    extensions: Vec<String>,
) -> AppResult<Option<String>> {
    let extensions: Vec<String> = if extensions.is_empty() {
        import::AUDIO_EXTENSIONS.iter().map(|e| e.to_string()).collect()
    } else {
        extensions.iter().map(|e| e.to_lowercase()).collect()
    };
    if let Some(paths) = test_hook(TEST_OPEN_ENV) {
        return Ok(std::env::split_paths(&paths)
            .find(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
                extensions.contains(&ext)
            })
            .map(|p| p.display().to_string()));
    }
    let picked = rfd::AsyncFileDialog::new()
        .set_parent(&window)
        .set_title(&title)
        .add_filter(&kind, &extensions)
        .add_filter("All files", &["*"])
        .pick_file()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}

/// Writes a review pack for the person named `to` at `path`: the calls `calls`, or those since
/// `since` (Unix ms), both, or neither (what changed since the last pack exchanged with them).
/// Runs on its own connection: a pack with audio takes a while to write.
#[tauri::command]
pub async fn packs_export(
    lib: State<'_, LibraryService>,
    jobs: State<'_, Jobs>,
    to: String,
    calls: Option<Vec<i64>>,
    since: Option<i64>,
    without_audio: bool,
    path: String,
) -> AppResult<PackExportSummary> {
    let guard = jobs.pack.start()?;
    let library = lib.path().clone();
    let (me, recipient) =
        lib.run_as(move |l, me| Ok((me.clone(), people::named(l.conn(), "to", &to)?))).await?;
    blocking(move || {
        let _guard = guard;
        let mut own = Library::open(&library)?;
        let opts = ExportOptions { calls, since, without_audio };
        Ok(pack::export(&mut own, &me, &recipient, &opts, &PathBuf::from(path))?)
    })
    .await
}

/// Merges the pack at `path` into the library: all of it or, on any error, nothing. Needs no
/// current person: a fresh library becomes the pack's recipient's.
#[tauri::command]
pub async fn packs_import(
    lib: State<'_, LibraryService>,
    jobs: State<'_, Jobs>,
    path: String,
) -> AppResult<PackImportSummary> {
    let guard = jobs.pack.start()?;
    lib.with(|_| Ok(()))?;
    let library = lib.path().clone();
    let done = blocking(move || {
        let _guard = guard;
        let mut own = Library::open(&library)?;
        Ok(pack::import(&mut own, &PathBuf::from(path), &Limits::default())?)
    })
    .await?;
    for source in [
        ChangeSource::Import,
        ChangeSource::Notes,
        ChangeSource::Reviews,
        ChangeSource::Steps,
        ChangeSource::People,
    ] {
        lib.changed(source);
    }
    // The calls whose audio came show the pack's coarse waveform until their files are decoded:
    // that follows in the background, and the views hear of it when done.
    refine_in_background(lib.inner().clone());
    Ok(done)
}

/// *Locate…*: gives call `id` its audio from `path` (the very file: same content).
#[tauri::command]
pub async fn recordings_locate(
    lib: State<'_, LibraryService>,
    id: i64,
    path: String,
) -> AppResult<Recording> {
    let out = lib
        .try_run(move |l| {
            let me = current(l)?;
            import::locate(l, me.scope(), id, &PathBuf::from(path))?;
            Ok::<_, AppError>(recordings::get(l.conn(), id)?)
        })
        .await?;
    lib.changed(ChangeSource::Import);
    Ok(out)
}

/// Writes the notes of `ids` (those the current person may see) as `format` at `path`; a failed
/// write leaves nothing there.
#[tauri::command]
pub async fn notes_export(
    lib: State<'_, LibraryService>,
    ids: Vec<i64>,
    format: NotesFormat,
    path: String,
) -> AppResult<()> {
    if ids.is_empty() {
        return Err(AppError::invalid("ids", "choose at least one call"));
    }
    lib.run_as(move |l, me| {
        let text = interchange::export(l.conn(), me.scope(), &ids, format)?;
        interchange::write(&text, &PathBuf::from(path))
    })
    .await
}

/// Adds the notes in the Audacity labels or CSV file at `path` to call `id`, as the current
/// person's: all of them, or none when a row is bad (the error names its line).
#[tauri::command]
pub async fn notes_import(
    lib: State<'_, LibraryService>,
    id: i64,
    path: String,
    kind: Option<NoteKind>,
) -> AppResult<NotesImported> {
    let out = lib
        .try_run(move |l| {
            let me = current(l)?;
            Ok::<_, AppError>(interchange::import(l, &me, id, &PathBuf::from(path), kind)?)
        })
        .await?;
    lib.changed(ChangeSource::Notes);
    Ok(out)
}

/// The library's current person, or the refusal the window answers with its first run.
fn current(l: &Library) -> AppResult<Person> {
    people::default_person(l.conn())?.ok_or_else(|| {
        AppError::invalid("as", "nobody is using this library yet: say who you are first")
    })
}

/// Decodes, off the UI thread, the audio of the calls that still have a review pack's coarse
/// waveform (after a merge, and at start for what an interrupted run left), then tells the views.
pub fn refine_in_background(service: LibraryService) {
    tauri::async_runtime::spawn_blocking(move || {
        let refined = Library::open(service.path())
            .map_err(|e| e.to_string())
            .and_then(|mut own| import::refine_peaks(&mut own).map_err(|e| e.to_string()));
        match refined {
            Ok(r) => {
                for f in &r.failed {
                    eprintln!("gamefilm: call {} keeps its coarse waveform: {}", f.id, f.message);
                }
                if r.refined > 0 {
                    service.changed(ChangeSource::Import);
                }
            }
            Err(e) => eprintln!("gamefilm: the full waveforms of calls from packs: {e}"),
        }
    });
}
