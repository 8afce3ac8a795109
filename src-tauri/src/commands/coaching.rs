//! The coaching loop: who is using the library, the coach's review, the rep's self-assessment,
//! next steps, outcomes and progress. Each command acts as the library's current person.

use std::path::PathBuf;

use gamefilm::library::focus::{self, FocusArea};
use gamefilm::library::progress::{self, Progress, ProgressQuery};
use gamefilm::library::recordings::{self, MetaEdit};
use gamefilm::library::settings::{self, Settings};
use gamefilm::library::steps::{self, DueBoard, NewStep, Step, StepFilter, StepState};
use gamefilm::library::{
    CallOutcome, Person, Recording, Review, Role, SelfAssessment, people, reviews,
};
use tauri::{State, Window};

use super::test_hook;
use crate::error::AppResult;
use crate::events::ChangeSource::{People, Recordings, Reviews, Steps};
use crate::state::LibraryService;

/// Read by [`files_pick_save`] in debug builds only: the folder a save dialog answers with
/// (the file keeps the suggested name).
pub const TEST_SAVE_DIR_ENV: &str = "GAMEFILM_TEST_SAVE_DIR";

#[tauri::command]
pub async fn people_list(lib: State<'_, LibraryService>) -> AppResult<Vec<Person>> {
    lib.run(|l| people::list(l.conn())).await
}

/// Who is using the library (its default person), if anybody was chosen.
#[tauri::command]
pub async fn people_current(lib: State<'_, LibraryService>) -> AppResult<Option<Person>> {
    lib.run(|l| people::default_person(l.conn())).await
}

/// First run, or "someone else": adds the person if new and makes them the current person.
#[tauri::command]
pub async fn people_introduce(
    lib: State<'_, LibraryService>,
    name: String,
    role: Role,
) -> AppResult<Person> {
    lib.write(People, move |l| people::introduce(l, &name, role)).await
}

/// Switches the current person to someone already in the library.
#[tauri::command]
pub async fn people_switch(lib: State<'_, LibraryService>, name: String) -> AppResult<Person> {
    lib.write(People, move |l| people::set_default(l, &name)).await
}

#[tauri::command]
pub async fn focus_list(lib: State<'_, LibraryService>) -> AppResult<Vec<FocusArea>> {
    lib.run(|l| focus::list(l.conn())).await
}

#[tauri::command]
pub async fn focus_add(lib: State<'_, LibraryService>, name: String) -> AppResult<FocusArea> {
    lib.write_as(Reviews, move |l, me| {
        me.require_coach("the list of focus areas")?;
        focus::add(l, &name)
    })
    .await
}

/// Marks a call reviewed by the current coach (possible with no notes at all).
#[tauri::command]
pub async fn reviews_mark(
    lib: State<'_, LibraryService>,
    recording_id: i64,
    focus_area: String,
    summary: String,
    close_previous: bool,
) -> AppResult<Review> {
    lib.write_as(Reviews, move |l, me| {
        reviews::mark_reviewed(l, me, recording_id, &focus_area, &summary, close_previous)
    })
    .await
}

/// Undo of [`reviews_mark`]: the current coach's review of the call is taken back.
#[tauri::command]
pub async fn reviews_withdraw(
    lib: State<'_, LibraryService>,
    recording_id: i64,
) -> AppResult<Review> {
    lib.write_as(Reviews, move |l, me| reviews::withdraw(l, me, recording_id)).await
}

/// Saves the current rep's self-assessment: a draft, or submitted (which reveals the coach's
/// notes once the call is reviewed).
#[tauri::command]
pub async fn assessments_save(
    lib: State<'_, LibraryService>,
    recording_id: i64,
    focus_area: String,
    text: String,
    submit: bool,
) -> AppResult<SelfAssessment> {
    lib.write_as(Reviews, move |l, me| {
        reviews::save_assessment(l, me, recording_id, &focus_area, &text, submit)
    })
    .await
}

/// The first screen's *Overdue* and *Due this week*, per person.
#[tauri::command]
pub async fn steps_board(lib: State<'_, LibraryService>) -> AppResult<DueBoard> {
    lib.run_as(|l, me| steps::due_board(l.conn(), me.scope())).await
}

#[tauri::command]
pub async fn steps_list(
    lib: State<'_, LibraryService>,
    filter: StepFilter,
) -> AppResult<Vec<Step>> {
    lib.run_as(move |l, me| steps::list(l.conn(), me.scope(), &filter)).await
}

#[tauri::command]
pub async fn steps_add(lib: State<'_, LibraryService>, step: NewStep) -> AppResult<Step> {
    lib.write_as(Steps, move |l, me| steps::add(l, me, &step)).await
}

#[tauri::command]
pub async fn steps_set_state(
    lib: State<'_, LibraryService>,
    id: String,
    state: StepState,
    outcome: Option<String>,
) -> AppResult<Step> {
    lib.write_as(Steps, move |l, me| steps::set_state(l, me, &id, state, outcome.as_deref())).await
}

#[tauri::command]
pub async fn steps_delete(lib: State<'_, LibraryService>, id: String) -> AppResult<Step> {
    lib.write_as(Steps, move |l, me| steps::delete(l, me, &id)).await
}

#[tauri::command]
pub async fn steps_restore(lib: State<'_, LibraryService>, id: String) -> AppResult<()> {
    lib.write_as(Steps, move |l, me| steps::restore(l, me, &id)).await
}

/// Writes one step (`id`), or every open step the current person may see, as an iCalendar
/// file at `path`.
#[tauri::command]
pub async fn steps_export_ics(
    lib: State<'_, LibraryService>,
    id: Option<String>,
    path: String,
) -> AppResult<usize> {
    lib.run_as(move |l, me| {
        let list = match id {
            Some(id) => vec![steps::get(l.conn(), me.scope(), &id)?],
            None => {
                steps::list(l.conn(), me.scope(), &StepFilter { open: true, ..Default::default() })?
            }
        };
        steps::write_ics(&list, &PathBuf::from(path))?;
        Ok(list.len())
    })
    .await
}

/// Sets the outcome of one or more calls at once (`None` clears it).
#[tauri::command]
pub async fn recordings_set_outcome(
    lib: State<'_, LibraryService>,
    ids: Vec<i64>,
    outcome: Option<CallOutcome>,
) -> AppResult<Vec<Recording>> {
    lib.write_as(Recordings, move |l, me| {
        me.require_coach("a call's outcome")?;
        let edit = MetaEdit {
            outcome: Some(outcome.map(|o| o.as_str().to_string()).unwrap_or_default()),
            ..Default::default()
        };
        recordings::update_meta_many(l, &ids, &edit)
    })
    .await
}

#[tauri::command]
pub async fn progress_get(
    lib: State<'_, LibraryService>,
    query: ProgressQuery,
) -> AppResult<Progress> {
    lib.run_as(move |l, me| progress::progress(l.conn(), me, &query)).await
}

/// Writes the progress rows as CSV at `path`; a failed write leaves nothing there.
#[tauri::command]
pub async fn progress_export_csv(
    lib: State<'_, LibraryService>,
    query: ProgressQuery,
    path: String,
) -> AppResult<()> {
    lib.run_as(move |l, me| {
        let p = progress::progress(l.conn(), me, &query)?;
        progress::write_csv(&p, &PathBuf::from(path))
    })
    .await
}

/// Asks where to save a file, suggesting `name`. `None` when cancelled.
#[tauri::command]
pub async fn files_pick_save(
    window: Window,
    name: String,
    extension: String,
) -> AppResult<Option<String>> {
    if let Some(dir) = test_hook(TEST_SAVE_DIR_ENV) {
        return Ok(Some(PathBuf::from(dir).join(&name).display().to_string()));
    }
    let picked = rfd::AsyncFileDialog::new()
        .set_parent(&window)
        .set_file_name(&name)
        .add_filter(extension.to_uppercase(), &[extension.as_str()])
        .save_file()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}

/// The current person's settings (playback, the library list's sort and filters).
#[tauri::command]
pub async fn settings_get(lib: State<'_, LibraryService>) -> AppResult<Settings> {
    lib.run_as(|l, me| settings::get(l.conn(), me)).await
}

/// Saves the current person's settings whole (no change event: only this window shows them).
#[tauri::command]
pub async fn settings_save(
    lib: State<'_, LibraryService>,
    settings: Settings,
) -> AppResult<Settings> {
    lib.run_as(move |l, me| settings::save(l, me, &settings)).await
}
