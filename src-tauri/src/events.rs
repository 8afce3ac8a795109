//! Events the shell sends to every view (as opposed to a command's own progress channel).

use serde::Serialize;
use ts_rs::TS;

/// The Tauri event name views listen to for [`LibraryChanged`].
pub const LIBRARY_CHANGED: &str = "library-changed";

/// What part of the library a write touched, so a view can tell whether to reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ChangeSource {
    /// Recordings were added or relinked.
    Import,
    Notes,
    /// Replies, reviews and self-assessments.
    Reviews,
    Reels,
    /// People, and who is using the library.
    People,
    /// Next steps.
    Steps,
    /// Recordings' details (outcome, rep, tags).
    Recordings,
    /// Records of any kind arrived from the team's other machines.
    Team,
}

/// Sent after every write to the library, once per command (an import: once at its end).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LibraryChanged {
    pub source: ChangeSource,
}
