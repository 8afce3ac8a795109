//! The reel's audio file: 16-bit PCM WAV written as the clips come, or MP3 through LAME.
//!
//! Both take 44.1 kHz interleaved stereo `f32`, so chapter positions are the same whichever
//! format is chosen.
//!
//! MP3 choices, and why:
//! - **128 kbps CBR, joint stereo.** A chapter button on the review page sets `currentTime`;
//!   players seek in a CBR stream by arithmetic, exactly, whereas VBR seeks go through the Xing
//!   table of contents (100 points: steps of 1 % of the reel, 3 s in a 5-minute one). 128 kbps
//!   is transparent for speech and about 1 MB a minute (V4 VBR would be similar in size).
//! - **A LAME info tag** (Xing "Info" frame with LAME extension) carries the encoder delay (576)
//!   and the end padding, so decoders that read it (ffmpeg and the players built on it, among
//!   others) trim both and every chapter starts at exactly its frame; tests/reel.rs checks this
//!   against ffmpeg.
//! - **Encoded in parallel, one segment per clip.** LAME is single-threaded and was most of an
//!   MP3 render's time. Each segment is a complete MP3 stream ([`encode_mp3_segment`]: its bit
//!   reservoir never reaches into another), so segments concatenate into a valid stream.
//!   Decoding the concatenation adds a known amount of silence at each seam ([`mp3_seam`]: the
//!   segment's end padding plus the next one's encoder delay); the renderer cuts segments inside
//!   a separator's silence and leaves exactly that much silence out, so the decoded reel has
//!   every sample where the WAV has it. [`Mp3Assembler`] writes the segments in order and one
//!   info tag for the whole stream over the first segment's placeholder: LAME's own tag with
//!   the frame and byte counts, seek table, padding and CRCs of the whole file.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::mpsc;

use mp3lame_encoder::{Bitrate, Builder, Encoder, FlushGap, InterleavedPcm, Mode, Quality};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::export::PageWriter;
use super::render::REEL_RATE;

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

/// The reel's audio file, and the review page that embeds it, written together: every byte of
/// audio goes to both.
pub struct AudioFile {
    file: BufWriter<File>,
    page: Option<PageWriter>,
    flusher: Flusher,
}

impl AudioFile {
    pub fn create(path: &Path, page: Option<PageWriter>) -> std::io::Result<AudioFile> {
        let file = File::create(path)?;
        let mut handles = vec![file.try_clone()?];
        if let Some(page) = &page {
            handles.push(page.file()?);
        }
        let flusher = Flusher::start(handles);
        Ok(AudioFile { file: BufWriter::with_capacity(1 << 20, file), page, flusher })
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes)?;
        if let Some(page) = &mut self.page {
            page.write(bytes)?;
        }
        self.flusher.wrote(bytes.len());
        Ok(())
    }

    /// Rewrites the first bytes (a header whose sizes are known at the end).
    fn rewrite_start(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(bytes)?;
        match &mut self.page {
            Some(page) => page.rewrite_start(bytes),
            None => Ok(()),
        }
    }

    /// Completes the page with `page_after` and syncs both files, the two at once.
    pub fn close(self, page_after: &str) -> std::io::Result<()> {
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        let page = self.page.map(|p| p.finish(page_after)).transpose()?;
        // An error the background flush met is reported here: once reported, the kernel may not
        // report it again to the final sync.
        self.flusher.finish()?;
        std::thread::scope(|scope| {
            let page_sync = page.as_ref().map(|p| scope.spawn(|| p.sync_all()));
            file.sync_all()?;
            page_sync.map_or(Ok(()), |h| {
                h.join().unwrap_or_else(|_| Err(std::io::Error::other("syncing the page failed")))
            })
        })
    }
}

/// Audio bytes written between two background flushes.
const FLUSH_EVERY: usize = 8 << 20;

/// Writes files out to disk in the background while they grow, so that the sync at the end has
/// little left to wait for: a WAV reel and its page are well over 100 MB, and syncing them at the
/// end took a tenth of the render's time.
struct Flusher {
    wake: Option<mpsc::SyncSender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    unflushed: usize,
}

impl Flusher {
    /// Without a thread (the system refused one) nothing is flushed early: the sync at the end
    /// does it all, only later.
    fn start(files: Vec<File>) -> Flusher {
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("reel-flush".into())
            .spawn(move || {
                for () in woken {
                    for file in &files {
                        file.sync_data()?;
                    }
                }
                Ok(())
            })
            .ok();
        Flusher { wake: Some(wake), thread, unflushed: 0 }
    }

    /// `n` more bytes written: every [`FLUSH_EVERY`], the flush thread is woken unless it is
    /// still busy.
    fn wrote(&mut self, n: usize) {
        self.unflushed += n;
        if self.unflushed >= FLUSH_EVERY {
            self.unflushed = 0;
            if let Some(wake) = &self.wake {
                let _ = wake.try_send(());
            }
        }
    }

    /// Waits for the flush under way; returns the first error it met.
    fn finish(mut self) -> std::io::Result<()> {
        self.wake = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the reel flush thread panicked"))),
            None => Ok(()),
        }
    }
}

/// A 16-bit stereo WAV written as it goes; the header's sizes are filled in at the end.
pub struct WavWriter {
    out: AudioFile,
    frames: u64,
    bytes: Vec<u8>,
}

impl WavWriter {
    pub fn create(mut out: AudioFile) -> std::io::Result<WavWriter> {
        out.write_all(&wav_header(0))?;
        Ok(WavWriter { out, frames: 0, bytes: Vec::new() })
    }

    pub fn write(&mut self, interleaved: &[f32]) -> std::io::Result<()> {
        // Rounded half away from zero, as `f32::round` does, without its libm call per sample.
        // A plain loop over pairs of bytes rather than a `flat_map`: the compiler vectorises it
        // in part.
        self.bytes.resize(interleaved.len() * 2, 0);
        for (out, v) in self.bytes.chunks_exact_mut(2).zip(interleaved) {
            let x = v.clamp(-1.0, 1.0) * 32767.0;
            out.copy_from_slice(&((x + 0.5f32.copysign(x)) as i32 as i16).to_le_bytes());
        }
        self.out.write_all(&self.bytes)?;
        self.frames += interleaved.len() as u64 / 2;
        Ok(())
    }

    /// Fills in the header's sizes; returns the frames written and the file to close.
    pub fn finish(mut self) -> std::io::Result<(u64, AudioFile)> {
        let data_bytes = self.frames * 4;
        if data_bytes > u32::MAX as u64 - 36 {
            return Err(std::io::Error::other(
                "the reel is longer than a WAV file can hold (about 6.7 hours): choose MP3",
            ));
        }
        self.out.rewrite_start(&wav_header(data_bytes as u32))?;
        Ok((self.frames, self.out))
    }
}

fn wav_header(data_bytes: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    let byte_rate = REEL_RATE * 4;
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data_bytes).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes());
    h[22..24].copy_from_slice(&2u16.to_le_bytes());
    h[24..28].copy_from_slice(&REEL_RATE.to_le_bytes());
    h[28..32].copy_from_slice(&byte_rate.to_le_bytes());
    h[32..34].copy_from_slice(&4u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

/// Frames handed to LAME per call: bounds the output buffer (about 70 kB) whatever the length.
const MP3_CHUNK_FRAMES: usize = 44_100;
/// Samples per MPEG-1 Layer III frame.
const MP3_FRAME: u64 = 1152;
/// LAME's encoder delay: its output starts this many samples before the input.
pub const MP3_ENCODER_DELAY: u64 = 576;

/// The silence LAME's flush appends after `samples` input samples (LAME 3.100,
/// `lame_encode_flush`): up to the next whole frame, and at least a granule (576) so that the
/// last real granule decodes completely. Known before encoding, so that segments can be cut
/// where this silence will fall; [`Mp3Assembler::append`] checks it against the frames LAME
/// actually wrote.
pub fn mp3_padding(samples: u64) -> u64 {
    let pad = MP3_FRAME - (MP3_ENCODER_DELAY + samples) % MP3_FRAME;
    if pad < 576 { pad + MP3_FRAME } else { pad }
}

/// The most silence one seam adds ([`mp3_seam`]).
pub const MP3_MAX_SEAM: u64 = 576 + MP3_FRAME - 1 + MP3_ENCODER_DELAY;

/// Silence a segment boundary adds to the decoded stream: the end padding of one segment and
/// the encoder delay of the next, which only the stream's own ends are trimmed of.
pub fn mp3_seam(samples: u64) -> u64 {
    mp3_padding(samples) + MP3_ENCODER_DELAY
}

fn lame_err(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("the MP3 encoder (LAME) failed to {what}: {e}"))
}

/// One independently encoded piece of an MP3 reel: complete frames, no bit reservoir reaching
/// into another piece. The first piece starts with LAME's placeholder for the info tag.
pub struct Mp3Segment {
    bytes: Vec<u8>,
    /// The first segment's info tag as LAME filled it for that segment alone: the template the
    /// whole file's tag is made from.
    tag: Option<Vec<u8>>,
    /// Input samples (per channel).
    samples: u64,
}

/// Encodes 44.1 kHz interleaved stereo as 128 kbps CBR joint stereo, flushed to complete frames.
pub fn encode_mp3_segment(interleaved: &[f32], first: bool) -> std::io::Result<Mp3Segment> {
    let build = |e| lame_err("start", e);
    let mut b = Builder::new().ok_or_else(|| lame_err("start", "out of memory"))?;
    b.set_num_channels(2).map_err(build)?;
    b.set_sample_rate(REEL_RATE).map_err(build)?;
    b.set_output_sample_rate(std::num::NonZeroU32::new(REEL_RATE)).map_err(build)?;
    b.set_brate(Bitrate::Kbps128).map_err(build)?;
    b.set_mode(Mode::JointStereo).map_err(build)?;
    // LAME's "-q 5" rather than its default "-q 3": measured here on 150 s of stereo, -q 5
    // encodes in 0.88 s, -q 3 in 1.09 s, -q 2 in 1.70 s, with no audible gain on speech at
    // 128 kbps.
    b.set_quality(Quality::Good).map_err(build)?;
    b.set_to_write_vbr_tag(first).map_err(build)?;
    let mut encoder: Encoder = b.build().map_err(build)?;
    let samples = interleaved.len() as u64 / 2;
    let mut bytes = Vec::with_capacity(samples as usize / 2 + 8_000);
    for chunk in interleaved.chunks(MP3_CHUNK_FRAMES * 2) {
        bytes.reserve(mp3lame_encoder::max_required_buffer_size(chunk.len() / 2));
        encoder
            .encode_to_vec(InterleavedPcm(chunk), &mut bytes)
            .map_err(|e| lame_err("encode", e))?;
    }
    // LAME asks for at least 7200 bytes to flush its last frames.
    bytes.reserve(mp3lame_encoder::max_required_buffer_size(0));
    encoder.flush_to_vec::<FlushGap>(&mut bytes).map_err(|e| lame_err("flush", e))?;
    let tag = if first {
        let mut tag = Vec::with_capacity(encoder.lame_tag_size());
        encoder
            .lame_tag_encode_to_vec(&mut tag)
            .ok_or_else(|| lame_err("write its info tag", "no tag frame"))?;
        Some(tag)
    } else {
        None
    };
    Ok(Mp3Segment { bytes, tag, samples })
}

/// The length of the MPEG-1 Layer III frame whose header starts `h`, if it is one.
fn mp3_frame_len(h: &[u8]) -> Option<usize> {
    const KBPS: [usize; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    const RATES: [usize; 3] = [44_100, 48_000, 32_000];
    let [a, b, c, ..] = *h else { return None };
    if a != 0xFF || b & 0xFE != 0xFA {
        return None; // not a sync word, or not MPEG-1 Layer III
    }
    let kbps = *KBPS.get((c >> 4) as usize).filter(|k| **k > 0)?;
    let rate = *RATES.get(((c >> 2) & 3) as usize)?;
    Some(144 * kbps * 1000 / rate + ((c >> 1) & 1) as usize)
}

/// CRC-16/ARC, as the LAME tag uses for the tag itself and for the music.
fn crc16(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        crc ^= b as u16;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xA001 } else { crc >> 1 };
        }
    }
    crc
}

/// Writes [`Mp3Segment`]s in reel order and completes the file with one info tag for the
/// whole stream: frame and byte counts, seek table, music CRC, LAME's encoder delay and the last
/// segment's padding. Decoders trim those two ends; the seams between segments are silence the
/// caller cut out of the separators beforehand ([`mp3_seam`]), so the decoded stream has
/// exactly the samples it was given.
pub struct Mp3Assembler {
    out: AudioFile,
    tag: Option<Vec<u8>>,
    bytes: u64,
    /// Where each audio frame starts (the tag frame excluded).
    frame_offsets: Vec<u64>,
    music_crc: u16,
    /// Decoded samples, seams included; and the last segment's padding.
    samples: u64,
    padding: u64,
}

impl Mp3Assembler {
    pub fn create(out: AudioFile) -> Mp3Assembler {
        Mp3Assembler {
            out,
            tag: None,
            bytes: 0,
            frame_offsets: Vec::new(),
            music_crc: 0,
            samples: 0,
            padding: 0,
        }
    }

    pub fn append(&mut self, segment: Mp3Segment) -> std::io::Result<()> {
        let bad = |what: String| std::io::Error::other(format!("the MP3 encoder's output {what}"));
        let mut at = 0;
        if self.tag.is_none() {
            let tag = segment.tag.ok_or_else(|| bad("lacks its info tag".into()))?;
            if segment.bytes.get(..tag.len()).map(|p| p.len()) != Some(tag.len()) {
                return Err(bad("is shorter than its info tag".into()));
            }
            at = tag.len();
            self.tag = Some(tag);
        }
        let first_audio = self.frame_offsets.len();
        while at < segment.bytes.len() {
            let len = mp3_frame_len(&segment.bytes[at..])
                .filter(|l| at + l <= segment.bytes.len())
                .ok_or_else(|| bad(format!("has no whole frame at byte {at}")))?;
            self.frame_offsets.push(self.bytes + at as u64);
            at += len;
        }
        let frames = (self.frame_offsets.len() - first_audio) as u64;
        let padding = mp3_padding(segment.samples);
        if frames * MP3_FRAME != MP3_ENCODER_DELAY + segment.samples + padding {
            return Err(bad(format!(
                "has {frames} frames for {} samples, not the {} expected",
                segment.samples,
                (MP3_ENCODER_DELAY + segment.samples + padding) / MP3_FRAME
            )));
        }
        let audio_from = if first_audio == 0 { self.tag.as_ref().map_or(0, Vec::len) } else { 0 };
        self.music_crc = crc16(self.music_crc, &segment.bytes[audio_from..]);
        if first_audio > 0 {
            self.samples += self.padding + MP3_ENCODER_DELAY;
        }
        self.samples += segment.samples;
        self.padding = padding;
        self.out.write_all(&segment.bytes)?;
        self.bytes += segment.bytes.len() as u64;
        Ok(())
    }

    /// Writes the info tag over its placeholder; returns the samples a decoder delivers and the
    /// file to close.
    pub fn finish(mut self) -> std::io::Result<(u64, AudioFile)> {
        let mut tag = self.tag.take().ok_or_else(|| std::io::Error::other("no MP3 audio"))?;
        if tag.len() < 192 || &tag[36..40] != b"Info" || &tag[156..160] != b"LAME" {
            return Err(std::io::Error::other("LAME's info tag is not laid out as expected"));
        }
        let n = self.frame_offsets.len();
        let total = self.bytes;
        tag[44..48].copy_from_slice(&(n as u32).to_be_bytes());
        tag[48..52].copy_from_slice(&(total as u32).to_be_bytes());
        // The seek table as LAME computes it: entry i is the share of the audio bytes up to and
        // including the frame at i % of the frames (entry 0 stays 0).
        let audio_start = self.frame_offsets.first().copied().unwrap_or(total);
        let audio_bytes = (total - audio_start).max(1);
        tag[52] = 0;
        for i in 1..100 {
            let idx = (i * n / 100).min(n.saturating_sub(1));
            let end = self.frame_offsets.get(idx + 1).copied().unwrap_or(total);
            tag[52 + i] = (256 * (end - audio_start) / audio_bytes).min(255) as u8;
        }
        let delay_padding = (MP3_ENCODER_DELAY << 12 | self.padding) as u32;
        tag[177..180].copy_from_slice(&delay_padding.to_be_bytes()[1..]);
        tag[184..188].copy_from_slice(&(total as u32).to_be_bytes());
        tag[188..190].copy_from_slice(&self.music_crc.to_be_bytes());
        let tag_crc = crc16(0, &tag[..190]);
        tag[190..192].copy_from_slice(&tag_crc.to_be_bytes());
        self.out.rewrite_start(&tag)?;
        Ok((self.samples, self.out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(frames: usize) -> Vec<f32> {
        let mut x = 1u32;
        (0..frames * 2)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 8) as f32 / (1u32 << 24) as f32 * 0.5 - 0.25
            })
            .collect()
    }

    #[test]
    fn crc16_is_crc16_arc() {
        assert_eq!(crc16(0, b"123456789"), 0xBB3D);
    }

    #[test]
    fn lame_pads_as_predicted_for_every_remainder() {
        for frames in [0, 1, 575, 576, 577, 1151, 1152, 1728, 10_000, 44_100] {
            let segment = encode_mp3_segment(&noise(frames), false).unwrap();
            let mut at = 0;
            let mut count = 0u64;
            while at < segment.bytes.len() {
                at += mp3_frame_len(&segment.bytes[at..]).unwrap();
                count += 1;
            }
            let expected = MP3_ENCODER_DELAY + frames as u64 + mp3_padding(frames as u64);
            assert_eq!(count * MP3_FRAME, expected, "{frames} frames in");
            assert!(mp3_seam(frames as u64) <= MP3_MAX_SEAM);
        }
    }

    /// For a single segment the assembled tag is LAME's own, field for field (the seek table
    /// aside, which is computed from the frame positions instead of LAME's sampled bitrates, and
    /// so the CRC over the tag).
    #[test]
    fn one_segment_gets_the_tag_lame_would_write() {
        let segment = encode_mp3_segment(&noise(100_000), true).unwrap();
        let lame_tag = segment.tag.clone().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.mp3");
        let mut out = Mp3Assembler::create(AudioFile::create(&path, None).unwrap());
        out.append(segment).unwrap();
        let (samples, file) = out.finish().unwrap();
        assert_eq!(samples, 100_000);
        file.close("").unwrap();
        let file = std::fs::read(&path).unwrap();
        let ours = &file[..lame_tag.len()];
        assert_eq!(ours[..52], lame_tag[..52], "header, flags, frames, bytes");
        assert_eq!(ours[152..190], lame_tag[152..190], "LAME extension, delay, padding, music CRC");
        assert_eq!(ours[190..192], crc16(0, &ours[..190]).to_be_bytes(), "the tag's own CRC");
        let toc_diff = ours[52..152].iter().zip(&lame_tag[52..152]).map(|(a, b)| a.abs_diff(*b));
        assert!(toc_diff.max().unwrap() <= 1, "seek tables differ by more than rounding");
    }
}
