//! Rows of the library as the CLI prints them and the app receives them (serde camelCase), and
//! the library's error. A leaf: every library file and the reel's model use it; it uses none of
//! them.
//! Types that cross into the window derive `ts_rs::TS`: `cargo test` writes their TypeScript
//! twins into `ui/src/api/bindings/` (see `.cargo/config.toml`), and CI fails when they are stale.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Coded, ErrorCode};

/// Environment variable naming the library file, below `--library`, above the default.
pub const LIBRARY_ENV: &str = "GAMEFILM_LIBRARY";

/// Why a library operation failed; every variant names the file or field and the reason.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot create the library folder {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot open the library {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("{path} is not a Gamefilm library (not an SQLite database)")]
    NotALibrary { path: PathBuf },
    #[error(
        "the library {path} was written by a newer Gamefilm (schema version {found}; this version \
         understands up to {supported}); it was left untouched: update Gamefilm to open it"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("cannot back up the library to {path} before migrating: {source}")]
    Backup { path: PathBuf, source: rusqlite::Error },
    #[error("migrating the library to schema version {version} failed: {source}")]
    Migration { version: i64, source: rusqlite::Error },
    #[error(
        "no home folder found for the default library: pass --library PATH or set {LIBRARY_ENV}"
    )]
    NoDataDir,
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("library database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("cannot write {path}: {source}")]
    Export { path: PathBuf, source: std::io::Error },
    #[error("{field}: {reason}")]
    NotAllowed { field: &'static str, reason: String },
    #[error("{field}: nobody named '{name}' in this library; the people are: {known}")]
    UnknownPerson { field: &'static str, name: String, known: String },
    #[error(
        "the disk holding the library {path} is full: this change was not saved (everything saved \
         before is intact); free some space and try again"
    )]
    DiskFull { path: PathBuf },
    #[error(
        "the audio of '{title}' is not on this machine: it came in a review pack without its \
         audio; locate the file (import it, or Locate…) or open a pack that carries it"
    )]
    AudioMissing { title: String },
}

impl LibraryError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            LibraryError::CreateDir { .. } => ErrorCode::LibraryCreateDir,
            LibraryError::Open { .. } => ErrorCode::LibraryOpen,
            LibraryError::NotALibrary { .. } => ErrorCode::LibraryNotALibrary,
            LibraryError::TooNew { .. } => ErrorCode::LibraryTooNew,
            LibraryError::Backup { .. } => ErrorCode::LibraryBackup,
            LibraryError::Migration { .. } => ErrorCode::LibraryMigration,
            LibraryError::NoDataDir => ErrorCode::LibraryNoDataDir,
            LibraryError::NotFound { .. } => ErrorCode::LibraryNotFound,
            LibraryError::Invalid { .. } => ErrorCode::LibraryInvalid,
            LibraryError::Database(_) => ErrorCode::LibraryDatabase,
            LibraryError::DiskFull { .. } => ErrorCode::LibraryDiskFull,
            LibraryError::NotAllowed { .. } => ErrorCode::LibraryNotAllowed,
            LibraryError::Export { .. } => ErrorCode::LibraryExport,
            LibraryError::UnknownPerson { .. } => ErrorCode::LibraryUnknownPerson,
            LibraryError::AudioMissing { .. } => ErrorCode::LibraryAudioMissing,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        LibraryError::Invalid { field, reason: reason.into() }
    }
}

impl Coded for LibraryError {
    fn code(&self) -> ErrorCode {
        LibraryError::code(self)
    }
}

/// A note is praise (`positive`) or a point to work on (`improvement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NoteKind {
    Positive,
    Improvement,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Positive => "positive",
            NoteKind::Improvement => "improvement",
        }
    }

    /// The kind as stored in the `notes.kind` column (a CHECK keeps it to the two values).
    pub(crate) fn from_column(kind: &str) -> NoteKind {
        if kind == "positive" { NoteKind::Positive } else { NoteKind::Improvement }
    }
}

impl std::str::FromStr for NoteKind {
    type Err = LibraryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "positive" | "pos" | "p" => Ok(NoteKind::Positive),
            "improvement" | "imp" | "i" => Ok(NoteKind::Improvement),
            other => Err(LibraryError::invalid(
                "kind",
                format!("unknown note kind '{other}': use positive or improvement"),
            )),
        }
    }
}

impl std::fmt::Display for NoteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a call ended, from a fixed list so that a hit rate can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum CallOutcome {
    MeetingBooked,
    NextStep,
    NotInterested,
    /// Includes voicemail.
    NoAnswer,
    Other,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 5] = [
        CallOutcome::MeetingBooked,
        CallOutcome::NextStep,
        CallOutcome::NotInterested,
        CallOutcome::NoAnswer,
        CallOutcome::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::MeetingBooked => "meeting-booked",
            CallOutcome::NextStep => "next-step",
            CallOutcome::NotInterested => "not-interested",
            CallOutcome::NoAnswer => "no-answer",
            CallOutcome::Other => "other",
        }
    }

    /// The outcome as stored (triggers keep the column to the list).
    pub(crate) fn from_column(s: &str) -> CallOutcome {
        CallOutcome::ALL.into_iter().find(|o| o.as_str() == s).unwrap_or(CallOutcome::Other)
    }

    /// Counts as a hit in the hit rate.
    pub fn is_hit(self) -> bool {
        matches!(self, CallOutcome::MeetingBooked | CallOutcome::NextStep)
    }
}

impl std::str::FromStr for CallOutcome {
    type Err = LibraryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        match norm.as_str() {
            "voicemail" => return Ok(CallOutcome::NoAnswer),
            "booked" | "meeting" => return Ok(CallOutcome::MeetingBooked),
            _ => {}
        }
        CallOutcome::ALL.into_iter().find(|o| o.as_str() == norm).ok_or_else(|| {
            let all: Vec<&str> = CallOutcome::ALL.iter().map(|o| o.as_str()).collect();
            LibraryError::invalid(
                "outcome",
                format!("unknown outcome '{}': use one of {}", s.trim(), all.join(", ")),
            )
        })
    }
}

impl std::fmt::Display for CallOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which channel carries the rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RepChannel {
    Left,
    Right,
}

impl RepChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            RepChannel::Left => "left",
            RepChannel::Right => "right",
        }
    }

    /// The channel index of the rep (0 left, 1 right).
    pub fn index(self) -> usize {
        match self {
            RepChannel::Left => 0,
            RepChannel::Right => 1,
        }
    }
}

impl std::str::FromStr for RepChannel {
    type Err = LibraryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "left" | "l" => Ok(RepChannel::Left),
            "right" | "r" => Ok(RepChannel::Right),
            other => Err(LibraryError::invalid(
                "rep-channel",
                format!("'{other}' is not a channel: use left or right"),
            )),
        }
    }
}

/// Everything the library knows about one recording.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Recording {
    pub id: i64,
    /// The file, as shown (lossily, if its name is not UTF-8); `None` when the recording came
    /// from a review pack without its audio ("audio not on this machine").
    pub path: Option<String>,
    /// The file, exactly: what to open.
    #[serde(skip)]
    #[ts(skip)]
    pub file: Option<std::path::PathBuf>,
    /// blake3 of the file's bytes, hex.
    pub content_hash: String,
    pub size_bytes: i64,
    pub container: String,
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub frames: i64,
    pub duration_ms: i64,
    pub title: String,
    pub artist: Option<String>,
    /// When the call took place (Unix ms): from the tags, else the file's modification time.
    pub call_time: i64,
    pub rep: Option<String>,
    pub counterpart: Option<String>,
    pub outcome: Option<CallOutcome>,
    pub tags: Vec<String>,
    pub imported_at: i64,
    pub updated_at: i64,
    /// This call's own rep channel (`None`: the library's).
    pub rep_channel: Option<RepChannel>,
}

impl Recording {
    /// The audio file to open, or why there is none on this machine.
    pub fn audio_file(&self) -> Result<&std::path::Path, LibraryError> {
        self.file.as_deref().ok_or_else(|| LibraryError::AudioMissing { title: self.title.clone() })
    }
}

/// One row of the recordings list, with its note counts.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordingSummary {
    pub id: i64,
    pub title: String,
    pub call_time: i64,
    pub duration_ms: i64,
    pub rep: Option<String>,
    pub counterpart: Option<String>,
    pub outcome: Option<CallOutcome>,
    pub positives: i64,
    pub improvements: i64,
    /// A coach has marked it reviewed (a coach review exists).
    pub reviewed: bool,
    /// `None`: the audio is not on this machine.
    pub path: Option<String>,
    pub tags: Vec<String>,
    /// Rep speech ÷ all speech; `None` for a mono call or one not analysed.
    pub talk_ratio: Option<f64>,
    /// A side (or a mono call) has under 5 s of speech: voicemail, no answer, hold music.
    pub one_sided: bool,
}

/// One page of the recordings list and how many rows the whole filtered list has.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordingPage {
    pub rows: Vec<RecordingSummary>,
    pub total: i64,
}

/// A timestamped note on a recording: a point (`end_ms` is `None`) or a range.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Note {
    /// Stable UUID.
    pub id: String,
    pub recording_id: i64,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub kind: NoteKind,
    pub text: String,
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
    /// When the rep first replayed it.
    pub seen_by_rep_at: Option<i64>,
    /// The author's person id (UUID); `None` only for rows written by hand.
    pub author_id: Option<String>,
}

/// A reply to a note, usually the rep answering the coach.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Reply {
    pub id: String,
    pub note_id: String,
    pub author: String,
    pub text: String,
    pub created_at: i64,
}

/// More improvement notes than this from one coach on one call gets the Kaizen warning
/// (DESIGN.md, rule 2).
pub const KAIZEN_MAX_IMPROVEMENTS: i64 = 2;

/// A coach's review of a call.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Review {
    pub id: String,
    pub recording_id: i64,
    pub author: String,
    pub focus_area: String,
    pub summary: String,
    /// The focus area of the rep's earlier review this one closed (achieved), if any.
    pub closed_focus_area: Option<String>,
    /// A later review closed this one's focus area.
    pub focus_closed: bool,
    /// Improvement notes of this coach on this call.
    pub improvements: i64,
    /// More than [`KAIZEN_MAX_IMPROVEMENTS`] improvement notes: one step at a time.
    pub kaizen_warning: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One version of a self-assessment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Revision {
    pub focus_area: String,
    pub text: String,
    /// Written once the coach's notes were revealed to the rep.
    pub after_reveal: bool,
    pub created_at: i64,
}

/// The rep's self-assessment of a call.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SelfAssessment {
    pub id: String,
    pub recording_id: i64,
    pub author: String,
    pub focus_area: String,
    pub text: String,
    /// `None` while a draft.
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
    /// What was submitted, then each edit after, oldest first.
    pub revisions: Vec<Revision>,
}

/// Everything the call view shows, read in one go.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CallView {
    pub recording: Recording,
    /// The notes the viewer may see (DESIGN.md, rule 3).
    pub notes: Vec<Note>,
    pub replies: Vec<Reply>,
    /// The coach's review, once the viewer may see it.
    pub review: Option<Review>,
    /// The viewer's own self-assessment (a rep), or the rep's submitted one (a coach).
    pub self_assessment: Option<SelfAssessment>,
    /// The call has a coach review ("reviewed"), whether or not the viewer may read it yet.
    pub reviewed: bool,
    /// The coach's notes and review are revealed to the viewer.
    pub revealed: bool,
    /// A rep opening a reviewed call they have not assessed: assess first.
    pub assess_first: bool,
    /// Improvement notes of the viewing coach on this call (the Kaizen nudge).
    pub my_improvements: i64,
}

/// Waveform columns over `[from_ms, to_ms)`: for each column, for each channel, min then max
/// (−1…1), read from the stored peak pyramid.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Waveform {
    pub channels: u32,
    pub columns: u32,
    pub from_ms: i64,
    pub to_ms: i64,
    pub values: Vec<f32>,
}
