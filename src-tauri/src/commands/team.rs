//! The team library (src/team in the core): joining a team database, its status, a round now,
//! logins for people, leaving. The sync worker itself lives with the library service.

use gamefilm::library::{Library, Role};
use gamefilm::team::{self, NewLogin, SyncReport};
use tauri::State;

use crate::error::AppResult;
use crate::events::ChangeSource;
use crate::state::{LibraryService, TeamEvent};

#[tauri::command]
pub async fn team_status(lib: State<'_, LibraryService>) -> AppResult<TeamEvent> {
    let running = lib.team_running();
    let path = lib.path().clone();
    // Asks the server whether it answers: off the UI thread, on a library connection of its own
    // (a server that does not answer keeps nobody else waiting).
    crate::state::blocking(move || {
        let own = Library::open(&path)?;
        Ok(TeamEvent { status: team::status(&own, true)?, running })
    })
    .await
}

/// Joins the library to the team database at `url` (its password in it), runs the first round,
/// and starts the sync worker.
#[tauri::command]
pub async fn team_connect(lib: State<'_, LibraryService>, url: String) -> AppResult<SyncReport> {
    let lib = lib.inner().clone();
    let report = lib.try_run(move |l| team::connect(l, &url, None)).await?;
    lib.changed(ChangeSource::Team);
    lib.start_team();
    Ok(report)
}

/// A round now (the worker runs one; without a worker, here).
#[tauri::command]
pub async fn team_sync_now(lib: State<'_, LibraryService>) -> AppResult<()> {
    let lib = lib.inner().clone();
    if lib.team_running() {
        lib.changed(ChangeSource::Team);
        lib.poke_team();
        return Ok(());
    }
    lib.try_run(team::sync).await?;
    lib.changed(ChangeSource::Team);
    lib.start_team();
    Ok(())
}

/// A coach with an administrator's login gives `name` a login of their own.
#[tauri::command]
pub async fn team_add_person(
    lib: State<'_, LibraryService>,
    name: String,
    role: Role,
) -> AppResult<NewLogin> {
    let lib = lib.inner().clone();
    let login = lib.try_run(move |l| team::add_person(l, &name, role)).await?;
    lib.changed(ChangeSource::People);
    Ok(login)
}

/// Leaves the team (the library keeps what it holds).
#[tauri::command]
pub async fn team_disconnect(lib: State<'_, LibraryService>) -> AppResult<()> {
    let lib = lib.inner().clone();
    lib.stop_team();
    lib.try_run(team::disconnect).await
}
