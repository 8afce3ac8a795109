//! A decoded stream on the output timeline: symphonia's gapless trim plus the MP4 edit list,
//! frame-accurate seeks, and an optional end. Import analysis and playback both read audio
//! through it, so they agree on where every frame lies.
//!
//! Errors follow CONVENTIONS 9: a `DecodeError` on one packet is counted and skipped,
//! `ResetRequired` resets the decoder, anything else stops with a typed error.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatReader, SeekMode, SeekTo};
use symphonia::core::units::Timestamp;

use super::{AudioError, Opened, codec_name, mp4};

/// Decoding restarts this many frames before a seek target so that codec state (MP3's bit
/// reservoir and overlap, AAC and Vorbis overlap) has settled when the target frame comes out.
pub const SEEK_PREROLL_FRAMES: u64 = 16 * 1152;

/// What decoding has met so far.
#[derive(Debug, Clone, Default)]
pub struct DecodeStats {
    pub packets: u64,
    pub bad_packets: u64,
    pub last_bad: String,
    /// The stream ended in the middle of a packet.
    pub cut_short: bool,
    /// One past the last raw frame decoded (symphonia's timeline, before the edit list).
    pub raw_end: u64,
    /// Rate and channel count of the decoded audio (0 until the first frame).
    pub sample_rate: u32,
    pub channels: usize,
}

/// The chosen track's codec parameters, declared length and edit-list trim.
pub struct TrackSetup {
    pub params: AudioCodecParameters,
    pub declared_frames: Option<u64>,
    pub trim: mp4::Trim,
}

impl TrackSetup {
    /// Output frames as declared by the container, after the edit list.
    pub fn output_frames(&self) -> Option<u64> {
        let after_skip = self.declared_frames.map(|f| f.saturating_sub(self.trim.skip));
        match (after_skip, self.trim.keep) {
            (Some(f), Some(k)) => Some(f.min(k)),
            (f, k) => f.or(k),
        }
    }

    pub fn of(path: &Path, opened: &Opened) -> Result<TrackSetup, AudioError> {
        let no_track = || AudioError::NoAudioTrack { path: path.to_path_buf() };
        let track =
            opened.reader.tracks().iter().find(|t| t.id == opened.track_id).ok_or_else(no_track)?;
        let params =
            track.codec_params.as_ref().and_then(|p| p.audio()).ok_or_else(no_track)?.clone();
        let trim = match (opened.container.as_str(), params.sample_rate) {
            ("isomp4", Some(r)) => mp4::edit_list_trim(path, r).unwrap_or_default(),
            _ => mp4::Trim::default(),
        };
        Ok(TrackSetup { params, declared_frames: track.num_frames, trim })
    }
}

/// Decoded audio: one plane per channel, all of the same length.
pub struct Block<'a> {
    /// The output frame of the first frame.
    pub start: u64,
    pub sample_rate: u32,
    pub planes: &'a [Vec<f32>],
}

impl Block<'_> {
    pub fn frames(&self) -> usize {
        self.planes.first().map_or(0, Vec::len)
    }
}

pub struct Source {
    path: PathBuf,
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    codec: String,
    trim: mp4::Trim,
    /// Output frames before this one are dropped (a seek target).
    start: u64,
    /// Output frames from this one on are not delivered.
    end: Option<u64>,
    planes: Vec<Vec<f32>>,
    pub stats: DecodeStats,
}

impl Source {
    /// Wraps an opened file whose track uses `params`.
    pub fn new(
        path: &Path,
        opened: Opened,
        params: &AudioCodecParameters,
        trim: mp4::Trim,
    ) -> Result<Source, AudioError> {
        let decoder = super::codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(|_| AudioError::UnsupportedCodec {
            path: path.to_path_buf(),
            codec: codec_name(params.codec),
        })?;
        Ok(Source {
            path: path.to_path_buf(),
            codec: decoder.codec_info().short_name.to_string(),
            reader: opened.reader,
            decoder,
            track_id: opened.track_id,
            trim,
            start: 0,
            end: trim.keep,
            planes: Vec::new(),
            stats: DecodeStats::default(),
        })
    }

    /// Opens a file for playback: probe, codec, edit list.
    pub fn open(path: &Path) -> Result<(Source, TrackSetup), AudioError> {
        let opened = super::open(path)?;
        let setup = TrackSetup::of(path, &opened)?;
        Ok((Source::new(path, opened, &setup.params, setup.trim)?, setup))
    }

    fn corrupt(&self, reason: String) -> AudioError {
        AudioError::Corrupt { path: self.path.clone(), reason }
    }

    /// Delivers nothing at or after output frame `end` (besides the edit list's own end).
    pub fn set_end(&mut self, end: Option<u64>) {
        self.end = match (end, self.trim.keep) {
            (Some(e), Some(k)) => Some(e.min(k)),
            (e, k) => e.or(k),
        };
    }

    /// Positions the stream so that the next frame delivered is output frame `frame`.
    pub fn seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let raw = frame + self.trim.skip;
        let ts = raw.saturating_sub(SEEK_PREROLL_FRAMES);
        self.reader
            .seek(
                SeekMode::Accurate,
                SeekTo::Timestamp { ts: Timestamp::from(ts as i64), track_id: self.track_id },
            )
            .map_err(|e| self.corrupt(format!("cannot seek to frame {frame}: {e}")))?;
        self.decoder.reset();
        self.start = frame;
        Ok(())
    }

    /// The next block of planar audio; `None` at the end.
    pub fn next_block(&mut self) -> Result<Option<Block<'_>>, AudioError> {
        loop {
            let packet = match self.reader.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(None),
                Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                    self.stats.cut_short = true;
                    return Ok(None);
                }
                Err(SymError::ResetRequired) => {
                    self.decoder.reset();
                    continue;
                }
                Err(SymError::IoError(source)) => {
                    return Err(AudioError::Unreadable { path: self.path.clone(), source });
                }
                Err(e) => return Err(self.corrupt(format!("cannot read the next packet: {e}"))),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            // Where this packet's first output frame lies on the output timeline.
            let raw_pos = (packet.pts.get() + packet.trim_start.get() as i64).max(0) as u64;
            let pos = raw_pos as i64 - self.trim.skip as i64;
            if self.end.is_some_and(|e| pos >= e as i64) {
                return Ok(None);
            }
            self.stats.packets += 1;
            let buf = match self.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(SymError::DecodeError(msg)) => {
                    self.stats.bad_packets += 1;
                    self.stats.last_bad = msg.to_string();
                    continue;
                }
                Err(SymError::ResetRequired) => {
                    self.decoder.reset();
                    continue;
                }
                Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                    self.stats.cut_short = true;
                    return Ok(None);
                }
                Err(SymError::Unsupported(what)) => {
                    return Err(AudioError::UnsupportedCodec {
                        path: self.path.clone(),
                        codec: format!("{} ({what})", self.codec),
                    });
                }
                Err(e) => {
                    return Err(AudioError::Corrupt {
                        path: self.path.clone(),
                        reason: e.to_string(),
                    });
                }
            };
            let n = buf.frames() as i64;
            if n == 0 {
                continue;
            }
            let (rate, chans) = (buf.spec().rate(), buf.spec().channels().count());
            let stats = &mut self.stats;
            if stats.sample_rate == 0 {
                (stats.sample_rate, stats.channels) = (rate, chans);
            } else if (stats.sample_rate, stats.channels) != (rate, chans) {
                let reason = format!(
                    "the stream changes format midway ({} Hz × {} → {rate} Hz × {chans})",
                    stats.sample_rate, stats.channels
                );
                return Err(AudioError::Corrupt { path: self.path.clone(), reason });
            }
            stats.raw_end = raw_pos + n as u64;
            // Keep the part of [pos, pos + n) inside [start, end).
            let lo = (self.start as i64).max(pos);
            let hi = self.end.map_or(pos + n, |e| (e as i64).min(pos + n));
            if hi <= lo {
                continue;
            }
            buf.copy_to_vecs_planar::<f32>(&mut self.planes);
            let (a, z) = ((lo - pos) as usize, (hi - pos) as usize);
            for p in self.planes.iter_mut() {
                p.truncate(z);
                p.drain(..a);
            }
            return Ok(Some(Block { start: lo as u64, sample_rate: rate, planes: &self.planes }));
        }
    }
}
