//! Audio: probing and decoding with symphonia 0.6, and waveform peaks.
//!
//! [`analyze`] is the import's one pass over a file: probe the container, read the tags, decode
//! every packet of the default audio track, count the exact frames and build the peak pyramid.
//! It never holds more than one decoded packet in memory. Errors name the file and say what to do.

pub mod mp4;
pub mod peaks;

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use symphonia::core::codecs::audio::{AudioDecoderOptions, well_known as codec};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, StandardTag};
use symphonia::default::{get_codecs, get_probe};

pub use peaks::Peaks;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: cannot read the file ({source})")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (0 bytes)")]
    Empty { path: PathBuf },
    #[error("{path}: not an audio file Gamefilm recognises (no known container format found)")]
    NotAudio { path: PathBuf },
    #[error("{path}: the file has no audio track")]
    NoAudioTrack { path: PathBuf },
    #[error(
        "{path}: unsupported codec {codec}, which Gamefilm cannot decode yet; \
         convert it to MP3, M4A or WAV"
    )]
    UnsupportedCodec { path: PathBuf, codec: String },
    #[error("{path}: truncated: {reason}")]
    Truncated { path: PathBuf, reason: String },
    #[error("{path}: corrupt audio: {reason}")]
    Corrupt { path: PathBuf, reason: String },
}

impl AudioError {
    pub fn path(&self) -> &Path {
        match self {
            AudioError::Unreadable { path, .. }
            | AudioError::Empty { path }
            | AudioError::NotAudio { path }
            | AudioError::NoAudioTrack { path }
            | AudioError::UnsupportedCodec { path, .. }
            | AudioError::Truncated { path, .. }
            | AudioError::Corrupt { path, .. } => path,
        }
    }

    /// A stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AudioError::Unreadable { .. } => "audio.unreadable",
            AudioError::Empty { .. } => "audio.empty",
            AudioError::NotAudio { .. } => "audio.not_audio",
            AudioError::NoAudioTrack { .. } => "audio.no_audio_track",
            AudioError::UnsupportedCodec { .. } => "audio.unsupported_codec",
            AudioError::Truncated { .. } => "audio.truncated",
            AudioError::Corrupt { .. } => "audio.corrupt",
        }
    }
}

/// What the container says about the stream, with the exact decoded length.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    /// Container short name, e.g. `wave`, `mp3`, `isomp4`, `flac`, `ogg`.
    pub container: String,
    /// Codec short name, e.g. `pcm_s16le`, `mp3`, `aac`.
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    /// Frames actually decoded (per channel).
    pub frames: u64,
}

impl StreamInfo {
    pub fn duration_ms(&self) -> i64 {
        (self.frames as f64 * 1000.0 / self.sample_rate as f64).round() as i64
    }
}

/// Tags found in the file, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub date: Option<String>,
}

/// The result of one full pass over a file.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub stream: StreamInfo,
    pub tags: Tags,
    pub peaks: Peaks,
}

/// A decoder fails this share of packets or more: the file is corrupt, not merely damaged.
const MAX_BAD_PACKET_SHARE: f64 = 0.2;

/// An opened file: the format reader and the chosen track. Shared by analysis and playback.
pub struct Opened {
    pub reader: Box<dyn FormatReader>,
    pub track_id: u32,
    pub container: String,
}

/// Opens a file and probes its container.
pub fn open(path: &Path) -> Result<Opened, AudioError> {
    let file = File::open(path).map_err(|source| AudioError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let len = file
        .metadata()
        .map_err(|source| AudioError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if len == 0 {
        return Err(AudioError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let reader = get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::IoError(source) if source.kind() != ErrorKind::UnexpectedEof => {
                AudioError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }
            }
            _ => AudioError::NotAudio {
                path: path.to_path_buf(),
            },
        })?;
    let track_id = reader
        .default_track(TrackType::Audio)
        .map(|t| t.id)
        .ok_or_else(|| AudioError::NoAudioTrack {
            path: path.to_path_buf(),
        })?;
    let container = reader.format_info().short_name.to_string();
    Ok(Opened {
        reader,
        track_id,
        container,
    })
}

/// Probes, decodes and measures a whole file; see the module docs.
pub fn analyze(path: &Path) -> Result<Analysis, AudioError> {
    let Opened {
        mut reader,
        track_id,
        container,
    } = open(path)?;
    let corrupt = |reason: String| AudioError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let tags = read_tags(reader.as_mut());
    let track = reader
        .tracks()
        .iter()
        .find(|t| t.id == track_id)
        .ok_or_else(|| AudioError::NoAudioTrack {
            path: path.to_path_buf(),
        })?;
    let declared_frames = track.num_frames;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| AudioError::NoAudioTrack {
            path: path.to_path_buf(),
        })?
        .clone();
    let mut decoder = get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| AudioError::UnsupportedCodec {
            path: path.to_path_buf(),
            codec: codec_name(params.codec),
        })?;
    let codec_short = decoder.codec_info().short_name.to_string();

    let mut builder: Option<(peaks::PeakBuilder, u32, usize)> = None;
    let mut planes: Vec<Vec<f32>> = Vec::new();
    let mut frames: u64 = 0;
    // Frames decoded before trimming, and the edit-list trim (MP4 only, known once the rate is).
    let mut raw_frames: u64 = 0;
    let mut trim: Option<mp4::Trim> = None;
    let (mut packets, mut bad_packets) = (0u64, 0u64);
    let mut last_bad = String::new();
    let mut cut_short = false;
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                cut_short = true;
                break;
            }
            Err(SymError::ResetRequired) => {
                decoder.reset();
                continue;
            }
            Err(SymError::IoError(source)) => {
                return Err(AudioError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                });
            }
            Err(e) => return Err(corrupt(format!("cannot read the next packet: {e}"))),
        };
        if packet.track_id != track_id {
            continue;
        }
        packets += 1;
        let buf = match decoder.decode(&packet) {
            Ok(buf) => buf,
            Err(SymError::DecodeError(msg)) => {
                bad_packets += 1;
                last_bad = msg.to_string();
                continue;
            }
            Err(SymError::ResetRequired) => {
                decoder.reset();
                continue;
            }
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                cut_short = true;
                break;
            }
            Err(SymError::Unsupported(what)) => {
                return Err(AudioError::UnsupportedCodec {
                    path: path.to_path_buf(),
                    codec: format!("{codec_short} ({what})"),
                });
            }
            Err(e) => return Err(corrupt(e.to_string())),
        };
        if buf.frames() == 0 {
            continue;
        }
        let spec_rate = buf.spec().rate();
        let spec_channels = buf.spec().channels().count();
        let (b, rate, chans) = builder.get_or_insert_with(|| {
            if container == "isomp4" {
                trim = mp4::edit_list_trim(path, spec_rate);
            }
            let spb = peaks::base_samples_per_bucket(spec_rate);
            (
                peaks::PeakBuilder::new(spec_channels, spb),
                spec_rate,
                spec_channels,
            )
        });
        if *rate != spec_rate || *chans != spec_channels {
            return Err(corrupt(format!(
                "the stream changes format midway ({rate} Hz × {chans} → {spec_rate} Hz × {spec_channels})"
            )));
        }
        buf.copy_to_vecs_planar::<f32>(&mut planes);
        let n = buf.frames() as u64;
        let (from, to) = match trim {
            Some(t) => {
                let end = t.keep.map_or(u64::MAX, |k| t.skip.saturating_add(k));
                (
                    t.skip.clamp(raw_frames, raw_frames + n),
                    end.clamp(raw_frames, raw_frames + n),
                )
            }
            None => (raw_frames, raw_frames + n),
        };
        raw_frames += n;
        if to > from {
            let (a, z) = (
                (from - (raw_frames - n)) as usize,
                (to - (raw_frames - n)) as usize,
            );
            for p in planes.iter_mut() {
                p.truncate(z);
                p.drain(..a);
            }
            b.push_planar(&planes);
            frames += to - from;
        }
    }

    let Some((builder, sample_rate, channels)) = builder else {
        if cut_short {
            return Err(AudioError::Truncated {
                path: path.to_path_buf(),
                reason: "the file ends before its first audio frame".into(),
            });
        }
        return Err(corrupt(if bad_packets > 0 {
            format!("none of {packets} packets could be decoded ({last_bad})")
        } else {
            "no audio frames could be decoded".into()
        }));
    };
    if frames == 0 {
        return Err(corrupt("the edit list leaves no audio to play".into()));
    }
    if packets > 0 && bad_packets as f64 / packets as f64 >= MAX_BAD_PACKET_SHARE {
        return Err(corrupt(format!(
            "{bad_packets} of {packets} packets failed to decode ({last_bad})"
        )));
    }
    // A container that declares its length lets a cut file be recognised: allow one packet's
    // worth of slack for codec delay and padding.
    if let Some(declared) = declared_frames {
        let slack = params.max_frames_per_packet.unwrap_or(4096).max(4096);
        if declared > raw_frames + slack {
            return Err(AudioError::Truncated {
                path: path.to_path_buf(),
                reason: format!(
                    "the header promises {:.2} s but only {:.2} s of audio is present",
                    declared as f64 / sample_rate as f64,
                    raw_frames as f64 / sample_rate as f64
                ),
            });
        }
    }
    if cut_short && declared_frames.is_none() && bad_packets > 0 {
        return Err(AudioError::Truncated {
            path: path.to_path_buf(),
            reason: format!("the last packet is cut off ({last_bad})"),
        });
    }

    Ok(Analysis {
        stream: StreamInfo {
            container,
            codec: codec_short,
            sample_rate,
            channels: channels as u32,
            frames,
        },
        tags,
        peaks: builder.finish(),
    })
}

fn read_tags(reader: &mut dyn FormatReader) -> Tags {
    let mut tags = Tags::default();
    let mut metadata = reader.metadata();
    let Some(rev) = metadata.skip_to_latest() else {
        return tags;
    };
    let all = rev
        .media
        .tags
        .iter()
        .chain(rev.per_track.iter().flat_map(|t| t.metadata.tags.iter()));
    for tag in all {
        match &tag.std {
            Some(StandardTag::TrackTitle(v)) => tags.title.get_or_insert_with(|| v.to_string()),
            Some(StandardTag::Artist(v)) => tags.artist.get_or_insert_with(|| v.to_string()),
            Some(
                StandardTag::RecordingDate(v)
                | StandardTag::RecordingTime(v)
                | StandardTag::ReleaseDate(v)
                | StandardTag::OriginalRecordingDate(v),
            ) => tags.date.get_or_insert_with(|| v.to_string()),
            Some(StandardTag::RecordingYear(y) | StandardTag::ReleaseYear(y)) => {
                tags.date.get_or_insert_with(|| y.to_string())
            }
            _ => continue,
        };
    }
    for v in [&mut tags.title, &mut tags.artist, &mut tags.date] {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *v = None;
        }
    }
    tags
}

/// A readable name for a codec symphonia knows of but may not decode.
fn codec_name(id: symphonia::core::codecs::audio::AudioCodecId) -> String {
    if let Some(reg) = get_codecs().get_audio_decoder(id) {
        return reg.codec.info.short_name.to_string();
    }
    let known = [
        (codec::CODEC_ID_OPUS, "Opus"),
        (codec::CODEC_ID_SPEEX, "Speex"),
        (codec::CODEC_ID_AC3, "AC-3"),
        (codec::CODEC_ID_EAC3, "E-AC-3"),
        (codec::CODEC_ID_WMA, "WMA"),
        (codec::CODEC_ID_DCA, "DTS"),
        (codec::CODEC_ID_WAVPACK, "WavPack"),
        (codec::CODEC_ID_MONKEYS_AUDIO, "Monkey's Audio"),
        (codec::CODEC_ID_TTA, "TTA"),
        (codec::CODEC_ID_MUSEPACK, "Musepack"),
        (codec::CODEC_ID_ADPCM_G722, "G.722"),
        (codec::CODEC_ID_ADPCM_G726, "G.726"),
    ];
    known
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| format!("with id {id}"))
}
