//! Types that exist only at the IPC boundary: command inputs and event payloads. Rows of the
//! library are the core's own types (`gamefilm::library::model`).

use gamefilm::import::{FileResult, Outcome};
use gamefilm::library::NoteKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LibraryInfo {
    pub path: String,
    pub schema_version: i64,
    pub recordings: i64,
}

/// A new note from the window.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NoteInput {
    pub recording_id: i64,
    pub start_ms: i64,
    #[ts(optional)]
    pub end_ms: Option<i64>,
    pub kind: NoteKind,
    pub text: String,
    pub author: String,
}

/// Changes to a note; absent fields stay as they are. `clearEnd` turns a range into a point.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct NoteUpdate {
    #[ts(optional)]
    pub text: Option<String>,
    #[ts(optional)]
    pub kind: Option<NoteKind>,
    #[ts(optional)]
    pub start_ms: Option<i64>,
    #[ts(optional)]
    pub end_ms: Option<i64>,
    #[ts(as = "Option<bool>", optional)]
    pub clear_end: bool,
}

#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FileStatus {
    Imported,
    Relinked,
    Duplicate,
    AlreadyImported,
    Failed,
}

/// Import progress, sent as it happens.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum ImportEvent {
    /// The walk is done: this many results will follow.
    Discovered { files: u32 },
    /// One file is finished.
    #[serde(rename_all = "camelCase")]
    File {
        path: String,
        status: FileStatus,
        recording_id: Option<i64>,
        code: Option<String>,
        message: Option<String>,
    },
}

impl From<&FileResult> for ImportEvent {
    fn from(r: &FileResult) -> Self {
        let (status, id, code, message) = match &r.outcome {
            Outcome::Imported { id, .. } => (FileStatus::Imported, Some(*id), None, None),
            Outcome::Relinked { id, .. } => (FileStatus::Relinked, Some(*id), None, None),
            Outcome::Duplicate { id, .. } => (FileStatus::Duplicate, Some(*id), None, None),
            Outcome::AlreadyImported { id } => (FileStatus::AlreadyImported, Some(*id), None, None),
            Outcome::Failed { code, error } => {
                (FileStatus::Failed, None, Some(code.to_string()), Some(error.to_string()))
            }
        };
        ImportEvent::File {
            path: r.path.to_string_lossy().into_owned(),
            status,
            recording_id: id,
            code,
            message,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    pub imported: u32,
    pub relinked: u32,
    pub duplicates: u32,
    pub failed: u32,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlayerInfo {
    pub duration_ms: i64,
    pub device_rate: u32,
    pub device_channels: u32,
}

/// What a new reel starts from: the default is the positive notes of the last 7 days, all reps.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReelPlan {
    pub title: String,
    #[ts(optional)]
    pub since_ms: Option<i64>,
    #[ts(optional)]
    pub until_ms: Option<i64>,
    #[ts(optional)]
    pub rep: Option<String>,
    /// Positive only when empty.
    #[serde(default)]
    #[ts(as = "Option<Vec<NoteKind>>", optional)]
    pub kinds: Vec<NoteKind>,
}

/// A search over note text, for adding notes to a reel by hand.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NoteSearch {
    pub text: String,
    #[ts(optional)]
    pub kind: Option<NoteKind>,
    #[ts(optional)]
    pub limit: Option<usize>,
    #[ts(optional)]
    pub offset: Option<usize>,
}

/// Reel export progress.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum RenderEvent {
    /// `done` of `total` clips are in the file.
    Progress { done: u32, total: u32 },
}

/// The files an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReelExport {
    pub audio: String,
    pub html: String,
    pub vtt: String,
    pub json: String,
    pub duration_ms: i64,
}
