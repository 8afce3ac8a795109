//! Highlight reels: from notes to one audio file anyone can play, with a review page, WebVTT
//! chapters and a JSON manifest.
//!
//! - [`plan`] picks the clips (pure selection over the library): positive notes by default,
//!   improvements only when asked for (DESIGN.md: positives are public, improvements one-on-one).
//! - [`render`] decodes every clip through [`crate::audio::Source`], converts it to 44.1 kHz
//!   stereo, evens loudness (EBU R128), fades every cut, puts a short tone between clips, and
//!   writes the audio and its companion files to temporary names that are renamed into place
//!   only when all are complete.
//! - [`encode`] writes that audio as WAV, or as MP3 (LAME, one segment per clip encoded in
//!   parallel, with the delay and padding in one info tag).
//! - [`export`] makes the companion files from the same chapter list; the review page is
//!   written as the audio is, its base64 encoded alongside.

pub mod encode;
pub mod export;
pub mod plan;
pub mod render;

pub use encode::ReelFormat;
pub use plan::{Clip, ReelQuery, plan};
pub use render::{Chapter, RenderOptions, Rendered, render};

use std::path::PathBuf;

use crate::audio::AudioError;
use crate::library::LibraryError;

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
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl ReelError {
    pub fn code(&self) -> &'static str {
        match self {
            ReelError::Empty => "reel.empty",
            ReelError::Clip { .. } => "reel.clip",
            ReelError::Write { .. } => "reel.write",
            ReelError::Cancelled => "reel.cancelled",
            ReelError::Library(e) => e.code(),
        }
    }
}
