//! Gamefilm core: everything the app can do, without a window.
//!
//! - [`library`]: the on-disk SQLite library (recordings, peaks, notes, search, migrations).
//! - [`audio`]: probing and decoding with symphonia, waveform peaks.
//! - [`import`]: files and folders → probe, hash, peaks → one transaction per file.
//! - [`pack`]: review packs, one file carrying calls and notes between two libraries.
//! - [`reel`]: highlight reels: clips from notes, rendered audio, review page and chapters.
//! - [`error`]: the one enum of error codes ([`error::ErrorCode`]) and [`error::AppError`],
//!   what a failure looks like across IPC.
//! - [`jobs`]: how long work reports progress (throttled in one place) and is cancelled.
//! - [`timefmt`]: the time and date notations the CLI and the app accept.
//!
//! The core knows nothing of Tauri. Each module has its own typed error; every variant names the
//! file or field and the reason.

pub mod audio;
pub mod error;
pub mod import;
pub mod jobs;
pub mod library;
pub mod pack;
pub mod reel;
pub mod team;
pub mod timefmt;
