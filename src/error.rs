//! One vocabulary of failures, from SQLite to TypeScript.
//!
//! Every error that can reach a person carries an [`ErrorCode`]: each core module's error
//! implements [`Coded`], and the app's own refusals (a job already running, no call open, an
//! argument out of range) take codes from the same enum. [`AppError`] is what crosses the IPC
//! boundary, `{ code, message }`; the TypeScript union of codes and a table of their values
//! (`ui/src/api/bindings/ErrorCode.ts`, `errorCodes.ts`) are generated from this file, so the UI
//! compares against generated names, never against string literals.
//!
//! Codes are stable: scripts and the UI branch on them. Add a variant for a new kind of failure;
//! never reuse or rename one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares [`ErrorCode`] with its wire names, kept in one list so the enum, its string form
/// and the generated table for the UI cannot drift apart.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A stable code for each kind of failure (`area.reason`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it crosses IPC and appears in `--json` output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            /// The Rust name of the variant, which the generated TypeScript table uses as key.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => stringify!($variant),)*
                }
            }
        }
    };
}

error_codes! {
    /// The library's folder could not be created.
    LibraryCreateDir = "library.create_dir",
    /// The library file could not be opened.
    LibraryOpen = "library.open",
    /// The file is not an SQLite database.
    LibraryNotALibrary = "library.not_a_library",
    /// A newer Gamefilm wrote the library; it was left untouched.
    LibraryTooNew = "library.too_new",
    LibraryBackup = "library.backup",
    LibraryMigration = "library.migration",
    LibraryNoDataDir = "library.no_data_dir",
    /// An id that names nothing (or something deleted).
    LibraryNotFound = "library.not_found",
    /// A field the library refuses (too long, empty, out of range).
    LibraryInvalid = "library.invalid",
    /// The current person's role may not do this (a review by a rep, an assessment by a coach).
    LibraryNotAllowed = "library.not_allowed",
    /// A name (`--as`, an owner) that is not one of the library's people.
    LibraryUnknownPerson = "library.unknown_person",
    /// An export (a calendar file, a CSV) could not be written; nothing was left at the target.
    LibraryExport = "library.export",
    LibraryDatabase = "library.database",
    /// The disk holding the library is full; the change was not saved, nothing else was lost.
    LibraryDiskFull = "library.disk_full",
    /// The recording came in a review pack without its audio: there is nothing to play here.
    LibraryAudioMissing = "library.audio_missing",
    AudioUnreadable = "audio.unreadable",
    AudioEmpty = "audio.empty",
    AudioNotAudio = "audio.not_audio",
    AudioNoAudioTrack = "audio.no_audio_track",
    AudioUnsupportedCodec = "audio.unsupported_codec",
    AudioTruncated = "audio.truncated",
    AudioCorrupt = "audio.corrupt",
    /// A named pipe, a device, a folder…: only regular files are read (a pipe would block).
    AudioNotAFile = "audio.not_a_file",
    /// A container Gamefilm does not read (RIFX, RF64, TAK, APE…), named.
    AudioUnsupportedContainer = "audio.unsupported_container",
    /// A container Gamefilm reads, whose contents its reader refused, named with the reason.
    AudioUnreadableContainer = "audio.unreadable_container",
    /// No audio output: the app works, without sound.
    PlayerNoDevice = "player.no_device",
    PlayerDevice = "player.device",
    PlayerInvalid = "player.invalid",
    /// The player thread is gone (it failed or was closed).
    PlayerStopped = "player.stopped",
    /// A player command arrived with no call open.
    PlayerClosed = "player.closed",
    /// The player thread panicked; the app goes on without it.
    PlayerCrashed = "player.crashed",
    ImportWalk = "import.walk",
    ImportDecoderPanic = "import.decoder_panic",
    ImportChangedOnDisk = "import.changed_on_disk",
    ImportLibrary = "import.library",
    /// A watch folder that does not exist, cannot be read or cannot be watched.
    ImportWatch = "import.watch",
    /// *Locate…* was given a file whose content is not the call's.
    ImportNotThisCall = "import.not_this_call",
    /// An import is already running.
    ImportBusy = "import.busy",
    /// A reel with no clips cannot be rendered.
    ReelEmpty = "reel.empty",
    ReelClip = "reel.clip",
    ReelWrite = "reel.write",
    /// The disk the reel is exported to is full; nothing was written.
    ReelDiskFull = "reel.disk_full",
    /// The render was cancelled; nothing was written.
    ReelCancelled = "reel.cancelled",
    /// A reel export is already running.
    ReelBusy = "reel.busy",
    /// The file is not a review pack (not a zip, cut short, no manifest).
    PackNotAPack = "pack.not_a_pack",
    /// A pack entry that could escape the library's folder or is not part of a pack (absolute
    /// path, `..`, symlink, twice, unlisted, a size other than declared).
    PackUnsafe = "pack.unsafe",
    /// A pack past the limits (entries, sizes, a zip bomb).
    PackTooLarge = "pack.too_large",
    /// A pack of a newer format version.
    PackTooNew = "pack.too_new",
    /// A record of the pack is malformed or points at nothing.
    PackBadRecord = "pack.bad_record",
    /// An audio file of the pack does not match its hash.
    PackAudioMismatch = "pack.audio_mismatch",
    PackRead = "pack.read",
    /// A pack could not be written; nothing was left at the target.
    PackWrite = "pack.write",
    /// Nothing to put in a pack for that person.
    PackNothing = "pack.nothing",
    /// A review pack is already being written or merged.
    PackBusy = "pack.busy",
    /// A label or CSV file of notes has a bad row; nothing was imported.
    NotesFileInvalid = "notes_file.invalid",
    /// The library is not joined to a team (`gamefilm team connect`).
    TeamNotConnected = "team.not_connected",
    /// A team URL that is not a `postgres://` URL, or lacks what a connection needs.
    TeamUrl = "team.url",
    /// The team server refused or could not be reached (its own words follow).
    TeamServer = "team.server",
    /// The team database has no Gamefilm schema yet, or a newer one.
    TeamSchema = "team.schema",
    /// This connection may not do that (adding people needs an administrator's rights).
    TeamNotAllowed = "team.not_allowed",
    /// The stored credentials could not be read or written.
    TeamCredentials = "team.credentials",
    /// An argument the app refuses before asking the core (also the UI's own checks).
    AppInvalid = "app.invalid",
    /// Something that should not happen: a failed thread, a broken lock, an unknown exception.
    AppInternal = "app.internal",
}

/// The text of a caught panic (`panic!("…")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs `f`, turning a panic inside it into its message: how a worker's panic (a decoder bug on
/// one damaged file) becomes that job's typed error instead of taking the app down.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and scripts compare a code with its wire name.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An error with a stable code. Each core module implements it for its own error (next to its
/// inherent `code()`), so this file depends on no module.
pub trait Coded: std::error::Error {
    fn code(&self) -> ErrorCode;
}

/// What crosses the IPC boundary when a command fails: `code` to branch on, `message` in plain
/// words for the person (the error's own text, which names the file or field and the reason).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into() }
    }

    /// An argument the app refuses: `field: reason`.
    pub fn invalid(field: &str, reason: impl std::fmt::Display) -> Self {
        AppError::new(ErrorCode::AppInvalid, format!("{field}: {reason}"))
    }

    /// Something that should not happen, said plainly.
    pub fn internal(message: impl Into<String>) -> Self {
        AppError::new(ErrorCode::AppInternal, message)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl<E: Coded> From<E> for AppError {
    fn from(e: E) -> Self {
        AppError { code: e.code(), message: e.to_string() }
    }
}

/// The TypeScript table of codes, written next to the ts-rs bindings (`make bindings`).
pub fn typescript_table() -> String {
    let mut ts = String::from(
        "// Generated from `ErrorCode` in src/error.rs by `cargo test -p gamefilm`; do not edit.\n\
         import type { ErrorCode } from \"./ErrorCode\";\n\n\
         /** Every error code by name: compare `err.code` with these, never with a literal. */\n\
         export const ErrorCodes = {\n",
    );
    for code in ErrorCode::ALL {
        ts.push_str(&format!("  {}: \"{}\",\n", code.name(), code.as_str()));
    }
    ts.push_str("} as const satisfies Record<string, ErrorCode>;\n");
    ts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_as_its_wire_name_and_back() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "two variants share a wire name");
    }

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        assert_eq!(catch_panic(|| -> u8 { panic!("boom {}", 1) }), Err("boom 1".to_string()));
        assert_eq!(catch_panic(|| -> u8 { panic!("static") }), Err("static".to_string()));
        let err = catch_panic(|| std::panic::panic_any(5u32)).unwrap_err();
        assert_eq!(err, "unknown panic");
    }

    /// The table the UI compares against (`make check-bindings` fails when it is stale).
    #[test]
    fn export_error_codes_for_the_ui() {
        let Some(dir) = std::env::var_os("TS_RS_EXPORT_DIR") else { return };
        let ts = typescript_table();
        let path = std::path::Path::new(&dir).join("errorCodes.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(&ts) {
            std::fs::write(&path, ts).unwrap();
        }
    }
}
