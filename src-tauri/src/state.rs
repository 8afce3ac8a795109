//! The app's services, each registered once with `app.manage`:
//! - [`LibraryService`]: the one writer connection to the library (or why it could not open);
//! - [`PlayerService`]: the player of the open call, if any;
//! - [`Jobs`]: the running import's cancel flag.
//!
//! Each service is a cheap `Clone` (an `Arc` inside) so that commands can move it into
//! `spawn_blocking` work.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use gamefilm::audio::player::Player;
use gamefilm::library::{Library, LibraryError};

use crate::error::{AppError, AppResult};

fn poisoned(what: &str) -> AppError {
    AppError::new(
        "app.internal",
        format!("the {what} is unusable after an earlier failure; restart Gamefilm"),
    )
}

#[derive(Clone)]
pub struct LibraryService {
    path: PathBuf,
    conn: Arc<Mutex<Result<Library, AppError>>>,
}

impl LibraryService {
    /// Opens the library; a library that cannot open (too new, not a library, unreadable) is
    /// kept as its error, which every command returns and the window shows in plain words.
    pub fn open(explicit: Option<PathBuf>) -> LibraryService {
        let path = Library::resolve_path(explicit.as_deref());
        let (path, conn) = match path {
            Ok(p) => {
                let lib = Library::open(&p).map_err(AppError::from);
                (p, lib)
            }
            Err(e) => (PathBuf::new(), Err(AppError::from(e))),
        };
        LibraryService { path, conn: Arc::new(Mutex::new(conn)) }
    }

    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Runs `f` on the library connection.
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

    pub fn with<T>(
        &self,
        f: impl FnOnce(&Player) -> Result<T, gamefilm::audio::player::PlayerError>,
    ) -> AppResult<T> {
        match &*self.lock()? {
            Some(p) => f(p).map_err(AppError::from),
            None => Err(AppError::new("player.closed", "no call is open in the player")),
        }
    }

    fn lock(&self) -> AppResult<MutexGuard<'_, Option<Player>>> {
        self.current.lock().map_err(|_| poisoned("player"))
    }
}

/// One long job of a kind at a time, with its cancel flag.
#[derive(Clone, Default)]
pub struct Slot {
    busy: Arc<AtomicBool>,
    cancel: Arc<AtomicBool>,
}

impl Slot {
    /// Claims the slot; the guard frees it when dropped. `what` names the job in the refusal.
    pub fn start(&self, code: &str, what: &str) -> AppResult<SlotGuard> {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(AppError::new(
                code,
                format!("{what} is already running: wait for it to finish or cancel it"),
            ));
        }
        self.cancel.store(false, Ordering::Release);
        Ok(SlotGuard { slot: self.clone() })
    }

    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Release);
    }
}

pub struct SlotGuard {
    slot: Slot,
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.slot.busy.store(false, Ordering::Release);
    }
}

/// The long jobs: importing, and rendering a reel.
#[derive(Clone, Default)]
pub struct Jobs {
    pub import: Slot,
    pub render: Slot,
}
