//! The player's vocabulary, shared by the handle ([`super::Player`]), the converter chain
//! ([`super::pipeline`]) and the device callback ([`super::output`]): options, events, errors,
//! and the atomics the callback shares with the player thread.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audio::AudioError;
use crate::error::{Coded, ErrorCode};

/// Which channels of the recording are heard. Stereo call recordings often put the rep on one
/// side and the prospect on the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ChannelMode {
    /// Every channel as recorded (mono is heard on both sides).
    #[default]
    Mix,
    /// The left (first) channel only, on every speaker.
    Left,
    /// The right (second) channel only, on every speaker.
    Right,
}

/// Slowest and fastest playback speed.
pub const MIN_SPEED: f64 = 0.5;
pub const MAX_SPEED: f64 = 3.0;

#[derive(Debug, Clone)]
pub struct PlayerOptions {
    pub from_ms: i64,
    pub to_ms: Option<i64>,
    pub speed: f64,
    pub skip_silence: bool,
    pub channel: ChannelMode,
    /// Ask the device for this rate; `None` takes the device's default.
    pub device_rate: Option<u32>,
    pub start_paused: bool,
}

impl Default for PlayerOptions {
    fn default() -> Self {
        PlayerOptions {
            from_ms: 0,
            to_ms: None,
            speed: 1.0,
            skip_silence: false,
            channel: ChannelMode::Mix,
            device_rate: None,
            start_paused: false,
        }
    }
}

impl PlayerOptions {
    /// A span of a recording of `duration_ms`, kept inside it: from `from_ms` (clamped to the
    /// recording) to `to_ms` if given (a reel clip; clamped after the start). How the app and
    /// the CLI open a recording of the library wherever the request points.
    pub fn within(duration_ms: i64, from_ms: i64, to_ms: Option<i64>) -> PlayerOptions {
        let from_ms = from_ms.clamp(0, duration_ms.max(0));
        let to_ms = to_ms.map(|t| t.clamp(from_ms + 1, duration_ms.max(from_ms + 1)));
        PlayerOptions { from_ms, to_ms, ..Default::default() }
    }
}

/// What the window learns about an opened player.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlayerInfo {
    pub duration_ms: i64,
    pub device_rate: u32,
    pub device_channels: u32,
}

/// What listeners hear about, at 30 Hz while playing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum PlayerEvent {
    Position {
        ms: i64,
    },
    Ended,
    /// Playback stopped on an error; the player is gone.
    #[serde(rename_all = "camelCase")]
    Failed {
        code: ErrorCode,
        message: String,
    },
}

impl PlayerEvent {
    pub(super) fn failed(e: &PlayerError) -> PlayerEvent {
        PlayerEvent::Failed { code: e.code(), message: e.to_string() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlayerError {
    #[error("no audio output device ({reason}); Gamefilm can still show and annotate calls")]
    NoDevice { reason: String },
    #[error("the audio device failed: {reason}")]
    Device { reason: String },
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("the player has stopped")]
    Stopped,
    #[error("the player crashed ({message}); open the call again to play it")]
    Crashed { message: String },
}

impl PlayerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PlayerError::NoDevice { .. } => ErrorCode::PlayerNoDevice,
            PlayerError::Device { .. } => ErrorCode::PlayerDevice,
            PlayerError::Audio(e) => e.code(),
            PlayerError::Invalid { .. } => ErrorCode::PlayerInvalid,
            PlayerError::Stopped => ErrorCode::PlayerStopped,
            PlayerError::Crashed { .. } => ErrorCode::PlayerCrashed,
        }
    }
}

impl Coded for PlayerError {
    fn code(&self) -> ErrorCode {
        PlayerError::code(self)
    }
}

/// A block in the ring: `frames` device frames whose first one plays source time `start_us`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct BlockInfo {
    pub(super) frames: u32,
    pub(super) start_us: i64,
    pub(super) us_per_frame: f64,
    /// The end of the stream.
    pub(super) last: bool,
}

/// State shared with the callback: atomics only.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) paused: AtomicBool,
    /// Source time of the frame being heard (the device's depth behind what was handed).
    pub(super) position_us: AtomicI64,
    /// Source time of the frame handed to the device last: where a restart that must not
    /// replay anything (speed, channel, skip silence) picks up.
    pub(super) queued_us: AtomicI64,
    pub(super) played_frames: AtomicU64,
    pub(super) underruns: AtomicU64,
    /// The last frame of the stream has been heard.
    pub(super) ended: AtomicBool,
    /// Blocks with an index below this are stale (queued before a seek) and are dropped.
    pub(super) stale_blocks: AtomicU64,
    /// Set by a restart until the device takes its first new block: an empty ring then is
    /// the seek's own gap, not an underrun.
    pub(super) refilling: AtomicBool,
    pub(super) device_lost: AtomicBool,
}

#[cfg(test)]
mod tests {
    use super::PlayerOptions;

    #[test]
    fn a_span_is_kept_inside_the_recording() {
        let span = |from, to| {
            let o = PlayerOptions::within(60_000, from, to);
            (o.from_ms, o.to_ms)
        };
        assert_eq!(span(5_000, None), (5_000, None));
        assert_eq!(span(-10, Some(3_000)), (0, Some(3_000)));
        assert_eq!(span(70_000, None), (60_000, None));
        assert_eq!(span(10_000, Some(90_000)), (10_000, Some(60_000)));
        assert_eq!(span(10_000, Some(5_000)), (10_000, Some(10_001)), "never an empty span");
    }
}
