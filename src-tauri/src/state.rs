//! The app's services, each registered once with `app.manage`:
//! - [`LibraryService`]: the one writer connection to the library (or why it could not open),
//!   and the [`LIBRARY_CHANGED`] event every write raises;
//! - [`PlayerService`]: the player of the open call, if any;
//! - [`Jobs`]: one import and one reel render at a time, with their cancel flags.
//!
//! Each service is a cheap `Clone` (an `Arc` inside) so that commands can move it into
//! blocking work.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use gamefilm::audio::player::{Player, PlayerError};
use gamefilm::error::ErrorCode;
use gamefilm::jobs::Slot;
use gamefilm::library::{Library, LibraryError};
use tauri::{AppHandle, Emitter};

use crate::error::{AppError, AppResult, internal};
use crate::events::{ChangeSource, LIBRARY_CHANGED, LibraryChanged};

fn poisoned(what: &str) -> AppError {
    AppError::internal(format!("the {what} is unusable after an earlier failure; restart Gamefilm"))
}

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
        LibraryService { path, conn: Arc::new(Mutex::new(conn)), app: Arc::default() }
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

    /// Tells every view that `source` changed the library.
    pub fn changed(&self, source: ChangeSource) {
        if let Some(app) = self.app.get() {
            // A window that is gone has nobody to tell.
            let _ = app.emit(LIBRARY_CHANGED, LibraryChanged { source });
        }
    }

    /// Runs `f` on the library connection, on this thread.
    pub fn with<T>(&self, f: impl FnOnce(&mut Library) -> Result<T, LibraryError>) -> AppResult<T> {
        let mut guard: MutexGuard<'_, _> = self.conn.lock().map_err(|_| poisoned("library"))?;
        match &mut *guard {
            Ok(lib) => f(lib).map_err(AppError::from),
            Err(e) => Err(e.clone()),
        }
    }
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

    fn lock(&self) -> AppResult<MutexGuard<'_, Option<Player>>> {
        self.current.lock().map_err(|_| poisoned("player"))
    }
}

/// The long jobs: importing, and rendering a reel.
#[derive(Clone)]
pub struct Jobs {
    pub import: Slot,
    pub render: Slot,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            import: Slot::new(ErrorCode::ImportBusy, "an import"),
            render: Slot::new(ErrorCode::ReelBusy, "a reel export"),
        }
    }
}
