//! Watch folders: new recordings in the folders (recursively) are imported as they appear,
//! through the same import as files picked by hand (hashed, deduplicated, one transaction per
//! file, errors reported per file).
//!
//! - **Only when whole.** A file is imported once its size and modification time have not
//!   changed for the settle window ([`WatchOptions::settle`], 2 s by default): a recorder or a
//!   copy still writing it keeps pushing the window back. Each change event, and a check every
//!   tick, re-read the size and time.
//! - **Only once.** A file already in the library at that path with that content is
//!   "unchanged"; the same content at another path is a duplicate; a file renamed or moved
//!   inside a folder is relinked (its old path is gone), never imported again.
//! - **Nothing missed.** The watches (inotify through the `notify` crate) are set before the
//!   folders are scanned, so files added while nothing watched are found at start, and files
//!   that arrive during the scan are seen by the watch. A folder made inside a watched one is
//!   walked when it appears, for files written into it before its own watch was set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{AUDIO_EXTENSIONS, FileDone, ImportOptions, import};
use crate::error::{Coded, ErrorCode};
use crate::jobs::{CancelFlag, Job};
use crate::library::{Library, LibraryError};

/// How a watch behaves.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How long a file's size and modification time must stay the same before it is imported.
    pub settle: Duration,
    /// How often pending files are checked (and the stop flag read).
    pub tick: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions { settle: Duration::from_secs(2), tick: Duration::from_millis(200) }
    }
}

/// What a watch reports.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// The watches are set and the folders were scanned: `found` files were already there.
    Ready { found: usize },
    /// One file went through the import.
    File { path: PathBuf, result: FileDone },
    /// A batch of files went through the import (after their `File` events): `files` of them.
    Batch { files: usize },
    /// The watch itself reported a problem (a folder removed, too many watches); it goes on.
    Warning(String),
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{path}: cannot watch this folder: {reason}")]
    Folder { path: PathBuf, reason: String },
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl Coded for WatchError {
    fn code(&self) -> ErrorCode {
        match self {
            WatchError::Folder { .. } => ErrorCode::ImportWatch,
            WatchError::Library(e) => e.code(),
        }
    }
}

fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A file's size and modification time, if it is a regular file now.
fn stamp(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| (meta.len(), meta.modified().ok()))
}

/// The audio files under `dir`, recursively (hidden files and folders left out, as import does).
fn audio_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| e.file_type().is_file() && is_audio(e.path()))
        .map(|e| e.into_path())
        .collect()
}

/// A file waiting to be whole.
struct Pending {
    stamp: Option<(u64, Option<SystemTime>)>,
    /// When its size or time last changed (or it last had an event).
    changed: Instant,
}

/// Watches `dirs` until `stop` is raised, importing into `lib` every audio file that appears
/// or changes once it has settled; `on` hears every file's result. Refuses at once, naming
/// it, a folder that does not exist or cannot be read or watched.
pub fn watch(
    lib: &mut Library,
    dirs: &[PathBuf],
    opts: &WatchOptions,
    stop: &CancelFlag,
    mut on: impl FnMut(WatchEvent),
) -> Result<(), WatchError> {
    let folder =
        |path: &Path, reason: String| WatchError::Folder { path: path.to_path_buf(), reason };
    let mut roots = Vec::new();
    for d in dirs {
        let meta = std::fs::metadata(d).map_err(|e| folder(d, e.to_string()))?;
        if !meta.is_dir() {
            return Err(folder(d, "it is not a folder".into()));
        }
        std::fs::read_dir(d).map_err(|e| folder(d, e.to_string()))?;
        roots.push(std::path::absolute(d).unwrap_or_else(|_| d.clone()));
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| folder(roots.first().map_or(Path::new("."), |p| p), e.to_string()))?;
    for d in &roots {
        watcher.watch(d, RecursiveMode::Recursive).map_err(|e| folder(d, e.to_string()))?;
    }
    let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
    let now = Instant::now();
    // What is there already: files that have not changed for the settle window go in now; the
    // others (still being written) wait like new ones.
    let existing: Vec<PathBuf> = roots.iter().flat_map(|d| audio_files(d)).collect();
    let found = existing.len();
    let mut settled = Vec::new();
    for path in existing {
        let s = stamp(&path);
        let age = s
            .and_then(|(_, m)| m)
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or_default();
        if age >= opts.settle {
            settled.push(path);
        } else {
            pending.insert(path, Pending { stamp: s, changed: now });
        }
    }
    import_batch(lib, &settled, &mut on)?;
    on(WatchEvent::Ready { found });
    while !stop.is_cancelled() {
        // Every event that arrived, then a wait of one tick for more.
        let mut events = Vec::new();
        match rx.recv_timeout(opts.tick) {
            Ok(e) => events.push(e),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        events.extend(rx.try_iter());
        let now = Instant::now();
        for event in events {
            let event = match event {
                Ok(e) => e,
                Err(e) => {
                    on(WatchEvent::Warning(e.to_string()));
                    continue;
                }
            };
            if matches!(
                event.kind,
                EventKind::Remove(_) | EventKind::Access(notify::event::AccessKind::Open(_))
            ) {
                continue;
            }
            for path in event.paths {
                if path.is_dir() {
                    // A folder made (or moved) in: what is in it already.
                    for f in audio_files(&path) {
                        pending.insert(f.clone(), Pending { stamp: stamp(&f), changed: now });
                    }
                } else if is_audio(&path)
                    && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
                {
                    let s = stamp(&path);
                    pending.insert(path, Pending { stamp: s, changed: now });
                }
            }
        }
        // Files whose size and time held for the window are whole.
        let mut ready = Vec::new();
        pending.retain(|path, p| {
            let s = stamp(path);
            if s.is_none() {
                return false; // gone again (a temporary file renamed away, a deleted file)
            }
            if s != p.stamp {
                p.stamp = s;
                p.changed = now;
                return true;
            }
            if now.duration_since(p.changed) >= opts.settle {
                ready.push(path.clone());
                return false;
            }
            true
        });
        ready.sort();
        import_batch(lib, &ready, &mut on)?;
    }
    Ok(())
}

fn import_batch(
    lib: &mut Library,
    paths: &[PathBuf],
    on: &mut impl FnMut(WatchEvent),
) -> Result<(), WatchError> {
    if paths.is_empty() {
        return Ok(());
    }
    let report = import(lib, paths, &ImportOptions::default(), &Job::silent())?;
    for r in &report.files {
        on(WatchEvent::File { path: r.path.clone(), result: FileDone::from(&r.outcome) });
    }
    on(WatchEvent::Batch { files: report.files.len() });
    Ok(())
}
