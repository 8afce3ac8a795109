//! Highlight reels: from notes to one audio file anyone can play, with a review page, WebVTT
//! chapters and a JSON manifest.
//!
//! Which notes go into a reel is the library's business ([`crate::library::reels::plan`]:
//! positive notes by default, improvements only when asked for — DESIGN.md: positives are
//! public, improvements one-on-one); this module turns the clips into files.
//!
//! - [`model`] is the vocabulary every other part uses: clips, chapters, formats, errors.
//! - [`render`] decodes every clip through [`crate::audio::Source`], converts it to 44.1 kHz
//!   stereo, evens loudness (EBU R128), fades every cut, puts a short tone between clips, and
//!   writes the audio and its companion files to temporary names that are renamed into place
//!   only when all are complete.
//! - [`encode`] writes that audio as WAV, or as MP3 (LAME, one segment per clip encoded in
//!   parallel, with the delay and padding in one info tag).
//! - [`export`] makes the companion files from the same chapter list; the review page is
//!   written as the audio is, its base64 encoded alongside.
//!
//! Arrows point one way: `render → encode → export → model`, and `render → export`.

pub mod encode;
pub mod export;
pub mod model;
pub mod render;

pub use model::{
    Chapter, Clip, REEL_RATE, ReelError, ReelFormat, RenderEvent, RenderOptions, Rendered,
    SEPARATOR_MS, file_stem,
};
pub use render::render;
