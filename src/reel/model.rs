//! The reel's vocabulary, which the library's planning and the renderer share: clips, chapters,
//! formats, the output rate, the layout between clips, errors and progress. It depends on
//! nothing in the reel module, and on the library only for [`NoteKind`].

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audio::AudioError;
use crate::error::{Coded, ErrorCode};
use crate::library::model::NoteKind;

/// The rendered reel's sample rate (stereo).
pub const REEL_RATE: u32 = 44_100;
/// Between clips: silence, a soft 880 Hz tone, silence.
pub const SEPARATOR_MS: u32 = 600;

#[derive(Debug, thiserror::Error)]
pub enum ReelError {
    #[error(
        "the reel has no clips: no notes match (positive notes of the chosen period by default)"
    )]
    Empty,
    #[error("clip {index} ({path}): {source}")]
    Clip { index: usize, path: PathBuf, source: AudioError },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("the render was cancelled; nothing was written")]
    Cancelled,
    #[error(
        "the disk holding {dir} is full: nothing was written; free some space or choose another \
         folder and export again"
    )]
    DiskFull { dir: PathBuf },
}

impl ReelError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ReelError::Empty => ErrorCode::ReelEmpty,
            ReelError::Clip { .. } => ErrorCode::ReelClip,
            ReelError::Write { .. } => ErrorCode::ReelWrite,
            ReelError::Cancelled => ErrorCode::ReelCancelled,
            ReelError::DiskFull { .. } => ErrorCode::ReelDiskFull,
        }
    }
}

impl Coded for ReelError {
    fn code(&self) -> ErrorCode {
        ReelError::code(self)
    }
}

/// Reel export progress.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum RenderEvent {
    /// `done` of `total` clips are in the file.
    Progress { done: u32, total: u32 },
}

/// The reel's audio format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReelFormat {
    /// 16-bit PCM, 44.1 kHz stereo: lossless, about 10 MB a minute.
    Wav,
    /// 128 kbps CBR MP3: plays everywhere, about 1 MB a minute.
    #[default]
    Mp3,
}

impl ReelFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReelFormat::Wav => "wav",
            ReelFormat::Mp3 => "mp3",
        }
    }

    /// The media type, for the review page's embedded audio.
    pub fn mime(self) -> &'static str {
        match self {
            ReelFormat::Wav => "audio/wav",
            ReelFormat::Mp3 => "audio/mpeg",
        }
    }
}

/// One moment of a reel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Clip {
    pub note_id: String,
    pub recording_id: i64,
    /// The recording's file, as shown (lossily, if its name is not UTF-8). Never serialised:
    /// no file Gamefilm exports (a reel's manifest) carries a local path.
    #[serde(skip)]
    #[ts(skip)]
    pub path: String,
    /// The file, exactly: what the render opens.
    #[serde(skip)]
    #[ts(skip)]
    pub file: PathBuf,
    pub title: String,
    pub rep: Option<String>,
    pub call_time: i64,
    pub kind: NoteKind,
    pub text: String,
    /// The span played, inside the recording.
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Where and how a reel is rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub out_dir: PathBuf,
    /// File name without extension: [`file_stem`] of the title, wherever the render is asked.
    pub name: String,
    pub format: ReelFormat,
    /// The reel's title and creation time (ms since the epoch), for the page and the manifest.
    pub title: String,
    pub created_at: i64,
}

/// Where a clip sits in the reel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Chapter {
    /// The first frame of the clip in the reel (44.1 kHz), and the same in ms.
    pub start_frame: u64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub clip: Clip,
    /// Loudness before evening (LUFS), if measurable.
    pub loudness: Option<f64>,
}

/// What a render wrote: the files, and where every clip sits in the reel.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rendered {
    pub audio: PathBuf,
    /// The companion files: review page, chapter track, manifest.
    pub html: PathBuf,
    pub vtt: PathBuf,
    pub json: PathBuf,
    pub format: ReelFormat,
    pub duration_ms: i64,
    pub frames: u64,
    pub chapters: Vec<Chapter>,
}

/// A reel's file name from its title: lower-case letters, digits and dashes, at most 80
/// characters; `reel` when nothing is left. The app and the CLI name a reel's files with it.
pub fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(80).collect::<String>();
    if out.is_empty() { "reel".into() } else { out }
}

impl RenderOptions {
    /// A reel titled `title` rendered into `out_dir`, its files named after the title.
    pub fn new(out_dir: PathBuf, format: ReelFormat, title: &str, created_at: i64) -> Self {
        RenderOptions {
            out_dir,
            name: file_stem(title),
            format,
            title: title.to_string(),
            created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn titles_become_plain_file_names() {
        assert_eq!(file_stem("Week 47: highlights!"), "week-47-highlights");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("   "), "reel");
        assert_eq!(file_stem("Ünïcode café"), "ünïcode-café");
    }
}
