//! Rows of the library as the CLI prints them and the app will receive them (serde camelCase).

use serde::Serialize;

use super::LibraryError;

/// A note is praise (`positive`) or a point to work on (`improvement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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

/// Everything the library knows about one recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    pub id: i64,
    pub path: String,
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
    pub outcome: Option<String>,
    pub tags: Vec<String>,
    pub imported_at: i64,
    pub updated_at: i64,
}

/// One row of the recordings list, with its note counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingSummary {
    pub id: i64,
    pub title: String,
    pub call_time: i64,
    pub duration_ms: i64,
    pub rep: Option<String>,
    pub counterpart: Option<String>,
    pub outcome: Option<String>,
    pub positives: i64,
    pub improvements: i64,
    pub path: String,
}

/// A timestamped note on a recording: a point (`end_ms` is `None`) or a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
}
