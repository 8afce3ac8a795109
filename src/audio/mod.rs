//! Audio: probing and decoding with symphonia 0.6, and waveform peaks.
//!
//! [`analyze`] is the import's one pass over a file: probe the container, read the tags, decode
//! every packet of the default audio track, count the exact frames and build the peak pyramid.
//! It never holds more than one decoded packet in memory. Errors name the file and say what to do.

pub mod mp4;
pub mod peaks;
pub mod player;
pub mod sniff;
pub mod source;
pub mod voice;

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{Coded, ErrorCode};
use rayon::prelude::*;
use symphonia::core::codecs::audio::{AudioCodecParameters, well_known as codec};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, StandardTag};
use symphonia::default::{get_probe, register_enabled_codecs};

pub use peaks::Peaks;
pub use source::Source;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: cannot read the file ({source})")]
    Unreadable { path: PathBuf, source: std::io::Error },
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
    #[error("{path}: not a regular file ({kind}); Gamefilm reads audio files only")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error(
        "{path}: a {container} file, which Gamefilm cannot read yet; convert it to WAV or MP3 \
         (for example: ffmpeg -i IN OUT.wav)"
    )]
    UnsupportedContainer { path: PathBuf, container: &'static str },
    #[error("{path}: a {container} file whose contents could not be read ({reason})")]
    UnreadableContainer { path: PathBuf, container: &'static str, reason: String },
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
            | AudioError::Corrupt { path, .. }
            | AudioError::NotAFile { path, .. }
            | AudioError::UnsupportedContainer { path, .. }
            | AudioError::UnreadableContainer { path, .. } => path,
        }
    }

    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            AudioError::Unreadable { .. } => ErrorCode::AudioUnreadable,
            AudioError::Empty { .. } => ErrorCode::AudioEmpty,
            AudioError::NotAudio { .. } => ErrorCode::AudioNotAudio,
            AudioError::NoAudioTrack { .. } => ErrorCode::AudioNoAudioTrack,
            AudioError::UnsupportedCodec { .. } => ErrorCode::AudioUnsupportedCodec,
            AudioError::Truncated { .. } => ErrorCode::AudioTruncated,
            AudioError::Corrupt { .. } => ErrorCode::AudioCorrupt,
            AudioError::NotAFile { .. } => ErrorCode::AudioNotAFile,
            AudioError::UnsupportedContainer { .. } => ErrorCode::AudioUnsupportedContainer,
            AudioError::UnreadableContainer { .. } => ErrorCode::AudioUnreadableContainer,
        }
    }
}

impl Coded for AudioError {
    fn code(&self) -> ErrorCode {
        AudioError::code(self)
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
    /// Voice activity of the first two channels (empty when not measured).
    pub voice: voice::VoiceFrames,
}

/// A decoder fails this share of packets or more: the file is corrupt, not merely damaged.
const MAX_BAD_PACKET_SHARE: f64 = 0.2;

/// Files at least this long (declared) are decoded in parallel segments.
const PARALLEL_MIN_SECONDS: u64 = 120;

/// An opened file: the format reader and the chosen track. Shared by analysis and playback.
pub struct Opened {
    pub reader: Box<dyn FormatReader>,
    pub track_id: u32,
    pub container: String,
}

/// Opens a file and probes its container.
/// Refuses what is not a regular file, by its type, before anything opens it: opening a named
/// pipe waits for a writer, forever.
pub fn regular_file(path: &Path, meta: &std::fs::Metadata) -> Result<(), AudioError> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    let special = {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            Some("a named pipe")
        } else if t.is_socket() {
            Some("a socket")
        } else if t.is_block_device() || t.is_char_device() {
            Some("a device")
        } else {
            None
        }
    };
    #[cfg(not(unix))]
    let special = None;
    let kind = special.unwrap_or(if t.is_dir() { "a folder" } else { "not a file" });
    Err(AudioError::NotAFile { path: path.to_path_buf(), kind })
}

pub fn open(path: &Path) -> Result<Opened, AudioError> {
    let unreadable = |source| AudioError::Unreadable { path: path.to_path_buf(), source };
    regular_file(path, &std::fs::metadata(path).map_err(unreadable)?)?;
    let mut file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len == 0 {
        return Err(AudioError::Empty { path: path.to_path_buf() });
    }
    let head = read_head(&mut file).map_err(unreadable)?;
    let sniffed = sniff::container(&head);
    if let Some(c) = sniffed.filter(|c| !c.supported) {
        return Err(AudioError::UnsupportedContainer {
            path: path.to_path_buf(),
            container: c.name,
        });
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let reader = get_probe()
        .probe(&hint, mss, FormatOptions::default(), MetadataOptions::default())
        .map_err(|e| match e {
            SymError::IoError(source) if source.kind() != ErrorKind::UnexpectedEof => {
                AudioError::Unreadable { path: path.to_path_buf(), source }
            }
            // The file says what it is, but its reader refused it: say so, with why.
            e => match sniffed {
                _ if let Some(codec) = sniff::wav_foreign_codec(&head) => {
                    AudioError::UnsupportedCodec { path: path.to_path_buf(), codec: codec.into() }
                }
                Some(c) => AudioError::UnreadableContainer {
                    path: path.to_path_buf(),
                    container: c.name,
                    reason: e.to_string(),
                },
                None => AudioError::NotAudio { path: path.to_path_buf() },
            },
        })?;
    let track_id = reader
        .default_track(TrackType::Audio)
        .map(|t| t.id)
        .ok_or_else(|| AudioError::NoAudioTrack { path: path.to_path_buf() })?;
    let container = reader.format_info().short_name.to_string();
    Ok(Opened { reader, track_id, container })
}

/// The file's first 4 KiB (its signature and, for a WAV, its first chunks), leaving the file at
/// its start.
fn read_head(file: &mut File) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut head = Vec::with_capacity(4096);
    file.by_ref().take(4096).read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(head)
}

/// Probes, decodes and measures a whole file; see the module docs.
///
/// A long file whose container declares its length is cut into one segment per core, each
/// decoded by its own reader from a seek point a little before the segment (see
/// [`source::SEEK_PREROLL_FRAMES`]); segments start on peak-bucket borders, so joining their peaks
/// gives exactly the single-pass result. Anything unexpected on that path (a failed seek, a
/// segment ending early) falls back to one sequential pass, which also produces the errors.
pub fn analyze(path: &Path) -> Result<Analysis, AudioError> {
    analyze_with(path, true)
}

/// [`analyze`] without the voice activity: `gamefilm import --no-insights`, and the benchmarks'
/// baseline.
pub fn analyze_without_voice(path: &Path) -> Result<Analysis, AudioError> {
    analyze_with(path, false)
}

/// [`analyze`], measuring the voice activity or not (`false`: the benchmarks' baseline).
pub fn analyze_with(path: &Path, voice: bool) -> Result<Analysis, AudioError> {
    let mut opened = open(path)?;
    let tags = read_tags(opened.reader.as_mut());
    let mut plan = Plan::new(path, &opened)?;
    plan.voice = voice;
    let segments = rayon::current_num_threads().max(1) as u64;
    if let Some(total) = plan.parallel_frames(segments) {
        let out = plan.output_frames(total);
        let bucket = plan.spb as u64;
        let bounds: Vec<u64> =
            (0..=segments).map(|k| (out * k / segments) / bucket * bucket).collect();
        let mut first = Some(opened);
        let readers: Vec<Option<Opened>> = (0..segments).map(|_| first.take()).collect();
        let results: Vec<Result<Segment, AudioError>> = readers
            .into_iter()
            .enumerate()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(k, reader)| {
                let opened = match reader {
                    Some(o) => o,
                    None => open(path)?,
                };
                let end = if k as u64 + 1 == segments { None } else { Some(bounds[k + 1]) };
                plan.decode(opened, bounds[k], end)
            })
            .collect();
        if let Ok(segs) = results.into_iter().collect::<Result<Vec<_>, _>>() {
            let complete = segs
                .iter()
                .zip(bounds.windows(2))
                .take(segs.len() - 1)
                .all(|(s, w)| s.frames == w[1] - w[0]);
            // The last segment runs to the end of the file, whose exact length only decoding
            // tells; but one that found (nearly) nothing after its seek is a seek that went wrong
            // (symphonia 0.6.1 seeks ADPCM WAVs by the block size per frame), not a truncated
            // file: the sequential pass decides.
            let expected_last = out - bounds[segments as usize - 1];
            let last_found = segs.last().is_some_and(|s| s.frames * 2 >= expected_last);
            if complete && last_found {
                return plan.finish(segs, tags);
            }
        }
        // Fall through: one sequential pass decides.
        opened = open(path)?;
    }
    let seg = plan.decode(opened, 0, None)?;
    plan.finish(vec![seg], tags)
}

/// What is known before decoding: codec parameters, edit-list trim, bucket size.
struct Plan<'a> {
    path: &'a Path,
    container: String,
    params: AudioCodecParameters,
    codec: String,
    declared_frames: Option<u64>,
    trim: mp4::Trim,
    spb: u32,
    voice: bool,
}

/// The result of decoding one span of the output timeline.
struct Segment {
    values: Vec<i16>,
    voice: voice::VoiceFrames,
    frames: u64,
    raw_end: u64,
    sample_rate: u32,
    channels: usize,
    packets: u64,
    bad_packets: u64,
    last_bad: String,
    cut_short: bool,
}

impl<'a> Plan<'a> {
    fn new(path: &'a Path, opened: &Opened) -> Result<Self, AudioError> {
        let setup = source::TrackSetup::of(path, opened)?;
        let codec = codecs()
            .get_audio_decoder(setup.params.codec)
            .map(|d| d.codec.info.short_name.to_string())
            .ok_or_else(|| AudioError::UnsupportedCodec {
                path: path.to_path_buf(),
                codec: codec_name(setup.params.codec),
            })?;
        Ok(Plan {
            path,
            container: opened.container.clone(),
            codec,
            declared_frames: setup.declared_frames,
            spb: peaks::base_samples_per_bucket(setup.params.sample_rate.unwrap_or(1).max(1)),
            params: setup.params,
            trim: setup.trim,
            voice: false,
        })
    }

    /// The declared raw length when the file is worth decoding in `segments` parallel parts.
    ///
    /// AAC is always decoded in one pass: its noise substitution (PNS) draws from a generator
    /// whose state depends on every earlier frame, so a segment decoded after a seek differs
    /// slightly from the single pass (and from ffmpeg) wherever PNS is used.
    fn parallel_frames(&self, segments: u64) -> Option<u64> {
        if self.params.codec == codec::CODEC_ID_AAC {
            return None;
        }
        let rate = self.params.sample_rate? as u64;
        let total = self.declared_frames?;
        (segments > 1 && total >= rate * PARALLEL_MIN_SECONDS).then_some(total)
    }

    /// Output frames for a raw length, after the edit-list trim.
    fn output_frames(&self, raw: u64) -> u64 {
        let after_skip = raw.saturating_sub(self.trim.skip);
        self.trim.keep.map_or(after_skip, |k| after_skip.min(k))
    }

    fn corrupt(&self, reason: String) -> AudioError {
        AudioError::Corrupt { path: self.path.to_path_buf(), reason }
    }

    /// Decodes output frames `[start, end)` (to the end of the stream when `end` is `None`).
    /// `start` must be a multiple of the bucket size.
    fn decode(&self, opened: Opened, start: u64, end: Option<u64>) -> Result<Segment, AudioError> {
        let mut source = Source::new(self.path, opened, &self.params, self.trim)?;
        source.set_end(end);
        if start > 0 {
            source.seek(start)?;
        }
        let mut builder: Option<peaks::PeakBuilder> = None;
        let mut voice: Option<voice::VoiceBuilder> = None;
        let mut frames = 0u64;
        while let Some(block) = source.next_block()? {
            let (rate, chans) = (block.sample_rate, block.planes.len());
            let spb = peaks::base_samples_per_bucket(rate);
            builder
                .get_or_insert_with(|| peaks::PeakBuilder::new(chans, spb))
                .push_planar(block.planes);
            if self.voice {
                voice
                    .get_or_insert_with(|| voice::VoiceBuilder::new(chans, spb))
                    .push_planar(block.planes);
            }
            frames += block.frames() as u64;
        }
        let s = source.stats;
        Ok(Segment {
            values: builder.map(peaks::PeakBuilder::finish_base).unwrap_or_default(),
            voice: voice.map(voice::VoiceBuilder::finish).unwrap_or_default(),
            frames,
            raw_end: s.raw_end,
            sample_rate: s.sample_rate,
            channels: s.channels,
            packets: s.packets,
            bad_packets: s.bad_packets,
            last_bad: s.last_bad,
            cut_short: s.cut_short,
        })
    }

    /// Joins segments, checks the whole, and builds the result.
    fn finish(&self, segs: Vec<Segment>, tags: Tags) -> Result<Analysis, AudioError> {
        let path = self.path;
        let last = segs.last().expect("at least one segment");
        let (packets, bad): (u64, u64) =
            segs.iter().fold((0, 0), |(p, b), s| (p + s.packets, b + s.bad_packets));
        let last_bad = segs
            .iter()
            .rev()
            .find(|s| !s.last_bad.is_empty())
            .map(|s| s.last_bad.clone())
            .unwrap_or_default();
        let frames: u64 = segs.iter().map(|s| s.frames).sum();
        let (sample_rate, channels) = (segs[0].sample_rate, segs[0].channels);
        if frames == 0 || sample_rate == 0 {
            if last.cut_short {
                return Err(AudioError::Truncated {
                    path: path.to_path_buf(),
                    reason: "the file ends before its first audio frame".into(),
                });
            }
            return Err(self.corrupt(if bad > 0 {
                format!("none of {packets} packets could be decoded ({last_bad})")
            } else {
                "no audio frames could be decoded".into()
            }));
        }
        if packets > 0 && bad as f64 / packets as f64 >= MAX_BAD_PACKET_SHARE {
            return Err(
                self.corrupt(format!("{bad} of {packets} packets failed to decode ({last_bad})"))
            );
        }
        // A container that declares its length lets a cut file be recognised: allow one
        // packet's worth of slack for codec delay and padding.
        if let Some(declared) = self.declared_frames {
            let slack = self.params.max_frames_per_packet.unwrap_or(4096).max(4096);
            if declared > last.raw_end + slack {
                return Err(AudioError::Truncated {
                    path: path.to_path_buf(),
                    reason: format!(
                        "the header promises {:.2} s but only {:.2} s of audio is present",
                        declared as f64 / sample_rate as f64,
                        last.raw_end as f64 / sample_rate as f64
                    ),
                });
            }
        }
        if last.cut_short && self.declared_frames.is_none() && bad > 0 {
            return Err(AudioError::Truncated {
                path: path.to_path_buf(),
                reason: format!("the last packet is cut off ({last_bad})"),
            });
        }
        let mut values = Vec::new();
        let mut voice = voice::VoiceFrames::default();
        for s in segs {
            if (s.sample_rate, s.channels) != (sample_rate, channels) && s.frames > 0 {
                return Err(self.corrupt("segments disagree on the stream format".into()));
            }
            values.extend(s.values);
            voice.append(s.voice);
        }
        let spb = peaks::base_samples_per_bucket(sample_rate);
        Ok(Analysis {
            stream: StreamInfo {
                container: self.container.clone(),
                codec: self.codec.clone(),
                sample_rate,
                channels: channels as u32,
                frames,
            },
            tags,
            peaks: peaks::Peaks::from_base(channels, spb, values),
            voice,
        })
    }
}

fn read_tags(reader: &mut dyn FormatReader) -> Tags {
    let mut tags = Tags::default();
    let mut metadata = reader.metadata();
    let Some(rev) = metadata.skip_to_latest() else {
        return tags;
    };
    let all =
        rev.media.tags.iter().chain(rev.per_track.iter().flat_map(|t| t.metadata.tags.iter()));
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

/// The decoders Gamefilm uses: symphonia's, and Opus through libopus.
pub(crate) fn codecs() -> &'static CodecRegistry {
    static CODECS: std::sync::OnceLock<CodecRegistry> = std::sync::OnceLock::new();
    CODECS.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        register_enabled_codecs(&mut registry);
        registry.register_audio_decoder::<symphonia_adapter_libopus::OpusDecoder>();
        registry
    })
}

/// A readable name for a codec symphonia knows of but may not decode.
pub(crate) fn codec_name(id: symphonia::core::codecs::audio::AudioCodecId) -> String {
    if let Some(reg) = codecs().get_audio_decoder(id) {
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
