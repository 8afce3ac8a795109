//! The app's services, each registered once with `app.manage`:
//! - [`LibraryService`]: the one writer connection to the library (or why it could not open),
//!   and the [`LIBRARY_CHANGED`] event every write raises;
//! - [`PlayerService`]: the player of the open call, if any;
//! - [`Jobs`]: one import and one reel render at a time, with their cancel flags.
//!
//! Each service is a cheap `Clone` (an `Arc` inside) so that commands can move it into
//! blocking work.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use gamefilm::audio::player::{Player, PlayerError};
use gamefilm::error::ErrorCode;
use gamefilm::jobs::Slot;
use gamefilm::library::{Library, LibraryError, Person, people, search};
use gamefilm::team;
use serde::Serialize;
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::error::{AppError, AppResult, internal};
use crate::events::{ChangeSource, LIBRARY_CHANGED, LibraryChanged};

/// Runs blocking core work on Tauri's blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(internal)?
}

#[derive(Clone)]
pub struct LibraryService {
    path: PathBuf,
    conn: Arc<Mutex<Result<Library, AppError>>>,
    /// Where change events go; set once the app runs.
    app: Arc<OnceLock<AppHandle>>,
    /// Whether the notes of calls whose rep changed are being re-indexed ([`Self::refresh_search`]).
    refreshing: Arc<AtomicBool>,
    /// The team sync worker, while the library is joined to a team.
    team: Arc<Mutex<Option<team::Worker>>>,
}

impl LibraryService {
    /// Opens the library; a library that cannot open (too new, not a library, unreadable) is
    /// kept as its error, which every command returns and the window shows in plain words.
    pub fn open(explicit: Option<PathBuf>) -> LibraryService {
        let (path, conn) = match Library::resolve_path(explicit.as_deref()) {
            Ok(p) => {
                let lib = Library::open(&p).map_err(AppError::from);
                (p, lib)
            }
            Err(e) => (PathBuf::new(), Err(AppError::from(e))),
        };
        LibraryService {
            path,
            conn: Arc::new(Mutex::new(conn)),
            app: Arc::default(),
            refreshing: Arc::default(),
            team: Arc::default(),
        }
    }

    /// Sends change events to the app's views from now on.
    pub fn attach(&self, app: AppHandle) {
        let _ = self.app.set(app);
    }

    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Runs `f` on the library connection, off the UI thread.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Library) -> Result<T, LibraryError> + Send + 'static,
    ) -> AppResult<T> {
        let lib = self.clone();
        blocking(move || lib.with(f)).await
    }

    /// Like [`run`](Self::run) for a write: when it succeeds, every view hears what changed.
    pub async fn write<T: Send + 'static>(
        &self,
        source: ChangeSource,
        f: impl FnOnce(&mut Library) -> Result<T, LibraryError> + Send + 'static,
    ) -> AppResult<T> {
        let out = self.run(f).await?;
        self.changed(source);
        Ok(out)
    }

    /// Runs `f` as the library's current person (its default person, whom the first run and the
    /// switch choose); nobody chosen yet is a refusal the window answers with its first run.
    pub async fn run_as<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Library, &Person) -> Result<T, LibraryError> + Send + 'static,
    ) -> AppResult<T> {
        let lib = self.clone();
        blocking(move || lib.with_as(f)).await
    }

    /// [`run_as`](Self::run_as) on this thread.
    pub fn with_as<T>(
        &self,
        f: impl FnOnce(&mut Library, &Person) -> Result<T, LibraryError>,
    ) -> AppResult<T> {
        self.with(|l| {
            let me = people::default_person(l.conn())?.ok_or_else(|| LibraryError::NotAllowed {
                field: "as",
                reason: "nobody is using this library yet: say who you are first".into(),
            })?;
            f(l, &me)
        })
    }

    /// Like [`run_as`](Self::run_as) for a write: when it succeeds, every view hears of it.
    pub async fn write_as<T: Send + 'static>(
        &self,
        source: ChangeSource,
        f: impl FnOnce(&mut Library, &Person) -> Result<T, LibraryError> + Send + 'static,
    ) -> AppResult<T> {
        let out = self.run_as(f).await?;
        self.changed(source);
        Ok(out)
    }

    /// Sends `event` with `payload` to every view (when the app runs).
    pub fn emit<T: Serialize + Clone>(&self, event: &str, payload: T) {
        if let Some(app) = self.app.get() {
            let _ = app.emit(event, payload);
        }
    }

    /// Tells every view that `source` changed the library.
    pub fn changed(&self, source: ChangeSource) {
        if let Some(app) = self.app.get() {
            // A window that is gone has nobody to tell.
            let _ = app.emit(LIBRARY_CHANGED, LibraryChanged { source });
        }
        self.refresh_search();
        if source != ChangeSource::Team
            && let Some(w) = self.team.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
        {
            w.poke();
        }
    }

    /// Starts the team sync worker when the library is joined to a team (again, after a
    /// connect); each round is told to the views (`team-status`), and records that arrived as
    /// a change.
    pub fn start_team(&self) {
        let joined =
            self.with_any(|l| team::status(l, false).map(|s| s.url.is_some())).unwrap_or(false);
        let mut slot = self.team.lock().unwrap_or_else(PoisonError::into_inner);
        // The old one stops first (joins its thread, after its round).
        drop(slot.take());
        if !joined {
            return;
        }
        let me = self.clone();
        *slot = Some(team::Worker::start(self.path.clone(), move |round| {
            if let Ok(r) = round
                && r.pulled > 0
            {
                me.changed(ChangeSource::Team);
            }
            if let Ok(status) = me.with_any(|l| team::status(l, false)) {
                me.emit(TEAM_STATUS, TeamEvent { status, running: true });
            }
        }));
    }

    /// Stops the team sync worker (after its round in hand).
    pub fn stop_team(&self) {
        let worker = self.team.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(worker);
    }

    /// Asks the team sync worker for a round now.
    pub fn poke_team(&self) {
        if let Some(w) = self.team.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            w.poke();
        }
    }

    pub fn team_running(&self) -> bool {
        self.team.lock().unwrap_or_else(PoisonError::into_inner).is_some()
    }

    /// Re-indexes, off the UI thread, the notes of calls whose rep changed (a bulk edit lists
    /// them and returns at once: `search::refresh_rep_facets`), a small transaction at a time so
    /// that a note being saved never waits long. Search is exact meanwhile. One at a time.
    pub fn refresh_search(&self) {
        if self.refreshing.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            loop {
                match me.with(|l| search::refresh_rep_facets(l, search::REFRESH_CALLS)) {
                    Ok(0) => {}
                    Ok(_) => continue,
                    Err(e) => {
                        // Left for the next change or start; search stays exact meanwhile.
                        eprintln!("gamefilm: re-indexing notes for search: {e}");
                        me.refreshing.store(false, Ordering::SeqCst);
                        return;
                    }
                }
                me.refreshing.store(false, Ordering::SeqCst);
                // A change committed after the last look found the flag still set: look again.
                let more = me.with(|l| search::rep_facets_stale(l.conn())).unwrap_or(false);
                if !more || me.refreshing.swap(true, Ordering::SeqCst) {
                    return;
                }
            }
        });
    }

    /// Like [`run`](Self::run) for core work whose errors are not the library's (a pack, an
    /// import step): any coded error.
    pub async fn try_run<T: Send + 'static, E: Into<AppError> + Send + 'static>(
        &self,
        f: impl FnOnce(&mut Library) -> Result<T, E> + Send + 'static,
    ) -> AppResult<T> {
        let lib = self.clone();
        blocking(move || lib.with_any(f)).await
    }

    /// Runs `f` on the library connection, on this thread.
    pub fn with<T>(&self, f: impl FnOnce(&mut Library) -> Result<T, LibraryError>) -> AppResult<T> {
        self.with_any(f)
    }

    /// [`with`](Self::with) for any coded error.
    ///
    /// A command that panicked while holding the connection poisons the lock; the connection is
    /// still sound (its transaction rolled back when the panic unwound through it), so the next
    /// command takes it as it is instead of every later command failing until a restart.
    pub fn with_any<T, E: Into<AppError>>(
        &self,
        f: impl FnOnce(&mut Library) -> Result<T, E>,
    ) -> AppResult<T> {
        let mut guard = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *guard {
            Ok(lib) => f(lib).map_err(Into::into),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The event a team sync round ends with.
pub const TEAM_STATUS: &str = "team-status";

/// Where the library stands with its team, and whether the sync worker runs.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TeamEvent {
    pub status: team::TeamStatus,
    pub running: bool,
}

#[derive(Clone, Default)]
pub struct PlayerService {
    current: Arc<Mutex<Option<Player>>>,
}

impl PlayerService {
    /// Replaces the current player (the old one stops and closes its device).
    pub fn set(&self, player: Option<Player>) -> AppResult<()> {
        let old = std::mem::replace(&mut *self.lock()?, player);
        drop(old);
        Ok(())
    }

    pub fn with<T>(&self, f: impl FnOnce(&Player) -> Result<T, PlayerError>) -> AppResult<T> {
        match &*self.lock()? {
            Some(p) => f(p).map_err(AppError::from),
            None => Err(AppError::new(ErrorCode::PlayerClosed, "no call is open in the player")),
        }
    }

    /// A panic while the player was held leaves at worst a player that reports `Stopped`;
    /// the next open replaces it.
    fn lock(&self) -> AppResult<MutexGuard<'_, Option<Player>>> {
        Ok(self.current.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// What the watch folders brought since the app started, for the library's status line.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WatchStatus {
    /// The folders watched (absolute paths).
    pub folders: Vec<String>,
    /// Recordings imported (or relinked) from them since the app started.
    pub arrived: u32,
    /// The last file that could not be imported, and why.
    pub last_failure: Option<String>,
}

/// The Tauri event (payload [`WatchStatus`]) sent after each batch a watch folder brought.
pub const WATCH_NEWS: &str = "watch-news";

/// The watch folders' thread: one at a time, stopped and started again when the folders change.
#[derive(Clone, Default)]
pub struct WatchService {
    running: Arc<Mutex<Option<gamefilm::jobs::CancelFlag>>>,
    status: Arc<Mutex<WatchStatus>>,
}

impl WatchService {
    pub fn status(&self) -> WatchStatus {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Watches `folders` from now on (none: stops watching), importing into `library`'s file on
    /// a connection of its own; every batch tells the views (`library-changed` and
    /// [`WATCH_NEWS`]).
    pub fn restart(&self, library: LibraryService, folders: Vec<String>) {
        use gamefilm::import::FileDone;
        use gamefilm::import::watch::{WatchEvent, WatchOptions, watch};
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(old) = running.take() {
            old.cancel();
        }
        self.status.lock().unwrap_or_else(PoisonError::into_inner).folders = folders.clone();
        if folders.is_empty() {
            return;
        }
        let stop = gamefilm::jobs::CancelFlag::default();
        *running = Some(stop.clone());
        let status = self.status.clone();
        std::thread::spawn(move || {
            let dirs: Vec<PathBuf> = folders.iter().map(PathBuf::from).collect();
            let mut own = match Library::open(library.path()) {
                Ok(l) => l,
                Err(e) => return eprintln!("gamefilm: watch folders: {e}"),
            };
            let on = |e: WatchEvent| {
                let mut st = status.lock().unwrap_or_else(PoisonError::into_inner);
                match e {
                    WatchEvent::File {
                        result: FileDone::Imported { .. } | FileDone::Relinked { .. },
                        ..
                    } => {
                        st.arrived += 1;
                    }
                    WatchEvent::File { result: FileDone::Failed { message, .. }, .. } => {
                        st.last_failure = Some(message);
                    }
                    WatchEvent::Warning(w) => st.last_failure = Some(w),
                    WatchEvent::Batch { .. } => {
                        let news = st.clone();
                        drop(st);
                        library.changed(ChangeSource::Import);
                        library.emit(WATCH_NEWS, news);
                    }
                    _ => {}
                }
            };
            if let Err(e) = watch(&mut own, &dirs, &WatchOptions::default(), &stop, on) {
                let mut st = status.lock().unwrap_or_else(PoisonError::into_inner);
                st.last_failure = Some(e.to_string());
                let news = st.clone();
                drop(st);
                library.emit(WATCH_NEWS, news);
            }
        });
    }
}

/// The long jobs: importing, rendering a reel, and writing or merging a review pack.
#[derive(Clone)]
pub struct Jobs {
    pub import: Slot,
    pub render: Slot,
    pub pack: Slot,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            import: Slot::new(ErrorCode::ImportBusy, "an import"),
            render: Slot::new(ErrorCode::ReelBusy, "a reel export"),
            pack: Slot::new(ErrorCode::PackBusy, "a review pack"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_the_library_is_held_leaves_it_usable_and_loses_nothing() {
        let dir = std::env::temp_dir().join(format!("gamefilm-state-{}", std::process::id()));
        let lib = LibraryService::open(Some(dir.join("library.sqlite")));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lib.with(|l| {
                l.write(|tx| -> Result<(), LibraryError> {
                    tx.execute("INSERT INTO people (name, role) VALUES ('X', 'rep')", [])?;
                    panic!("a bug in the middle of a write")
                })
            })
        }));
        assert!(panicked.is_err());
        let count = |l: &mut Library| -> Result<i64, LibraryError> {
            Ok(l.conn().query_row("SELECT count(*) FROM people", [], |r| r.get(0))?)
        };
        assert_eq!(lib.with(count).unwrap(), 0, "the write rolled back; the library still answers");
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A rep change only lists the call (migration 10); any write's change event then
    /// re-indexes its notes under the new rep in the background, until none is left.
    #[test]
    fn after_a_rep_change_the_notes_are_reindexed_in_the_background() {
        let dir = std::env::temp_dir().join(format!("gamefilm-refresh-{}", std::process::id()));
        let lib = LibraryService::open(Some(dir.join("library.sqlite")));
        let facet = |rep: i64| -> i64 {
            let q =
                format!("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'facets : r{rep}'");
            lib.with(|l| Ok(l.conn().query_row(&q, [], |r| r.get(0))?)).unwrap()
        };
        lib.with(|l| {
            l.write(|tx| {
                tx.execute_batch(
                    "INSERT INTO people (id, name, role) VALUES (1, 'Ana', 'rep'), (2, 'Ben', 'rep');
                     INSERT INTO recordings (id, path, content_hash, size_bytes, container, codec,
                         sample_rate, channels, frames, duration_ms, title, call_time, rep_id,
                         imported_at, updated_at)
                     VALUES (1, '/calls/a.wav', x'01', 1, 'wav', 'pcm', 8000, 1, 8000, 1000, 'A',
                         0, 1, 0, 0);
                     INSERT INTO notes (uuid, recording_id, start_ms, kind, text, author,
                         created_at, updated_at)
                     VALUES ('n1', 1, 0, 'positive', 'pricing', 'Coach', 0, 0),
                            ('n2', 1, 10, 'improvement', 'pace', 'Coach', 0, 0);
                     UPDATE recordings SET rep_id = 2 WHERE id = 1;",
                )?;
                Ok(())
            })
        })
        .unwrap();
        assert_eq!((facet(1), facet(2)), (2, 0), "the edit itself re-indexed nothing");
        lib.changed(ChangeSource::Recordings);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while facet(2) < 2 {
            assert!(std::time::Instant::now() < deadline, "the notes were never re-indexed");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(facet(1), 0);
        assert!(!lib.with(|l| search::rep_facets_stale(l.conn())).unwrap());
        let _ = std::fs::remove_dir_all(dir);
    }
}
