//! Rendering a reel's audio: every clip decoded, converted to 44.1 kHz stereo, evened to
//! [`TARGET_LUFS`], faded at both cuts, with a short tone between clips. Clips are decoded (and
//! for MP3 encoded) on the rayon pool a few at a time, and written in reel order. The audio (WAV
//! or MP3, see [`super::encode`]) and the review page that embeds it are written together, to
//! hidden temporary names in the output folder; they and the other companion files are renamed
//! into place only once all are complete, so a failed, cancelled or killed render never leaves a
//! file at a target path.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::encode::{
    AudioFile, MP3_MAX_SEAM, Mp3Assembler, Mp3Segment, WavWriter, encode_mp3_segment, mp3_seam,
};
use super::export::{PageWriter, page_after, page_before, partial_name, write_small_companions};
use super::model::{
    Chapter, Clip, REEL_RATE, ReelError, ReelFormat, RenderEvent, RenderOptions, Rendered,
    SEPARATOR_MS,
};
use crate::audio::{AudioError, Source};
use crate::error::catch_panic;
use crate::jobs::Job;

/// Loudness every clip is brought to (EBU R128 integrated).
pub const TARGET_LUFS: f64 = -16.0;
/// Fade at every cut.
pub const FADE_MS: u32 = 10;
const TONE_MS: u32 = 300;
/// Gain is kept within these bounds so that near-silent clips are not pumped up into noise.
const MAX_GAIN_DB: f64 = 15.0;
const MIN_GAIN_DB: f64 = -20.0;
const PEAK_CEILING: f32 = 0.98;

/// Renders `clips` into `<out_dir>/<name>.<wav|mp3>` and its companion files (`.html`, `.vtt`,
/// `.json`). `job` hears how many clips are in (throttled; the last always) and can cancel. Every file is written under a hidden
/// temporary name and renamed into place at the end, so a failed or cancelled render leaves
/// nothing at the target paths (and one killed midway only hidden partial files, which the next
/// render of the same name removes once they have been left alone for [`STALE_PARTIAL`]).
pub fn render(
    clips: &[Clip],
    opts: &RenderOptions,
    job: &Job<RenderEvent>,
) -> Result<Rendered, ReelError> {
    if clips.is_empty() {
        return Err(ReelError::Empty);
    }
    std::fs::create_dir_all(&opts.out_dir)
        .map_err(|source| ReelError::Write { path: opts.out_dir.clone(), source })?;
    let path = |ext: &str| opts.out_dir.join(format!("{}.{ext}", opts.name));
    let (audio, html) = (path(opts.format.extension()), path("html"));
    let (vtt, json) = (path("vtt"), path("json"));
    let files = [&audio, &vtt, &json, &html];
    remove_stale_partials(&opts.out_dir, &opts.name);
    let result = (|| {
        let err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ReelError::Write { path, source }
        };
        let page = PageWriter::create(&partial_name(&html), &page_before(&opts.title, opts.format))
            .map_err(err(&html))?;
        let out = AudioFile::create(&partial_name(&audio), Some(page)).map_err(err(&audio))?;
        report(job, 0, clips.len());
        let (frames, chapters, out) = match opts.format {
            ReelFormat::Wav => write_wav(clips, out, &audio, job)?,
            ReelFormat::Mp3 => write_mp3(clips, out, &audio, job)?,
        };
        let duration_ms = frames_to_ms(frames);
        out.close(&page_after(opts.created_at, &chapters, duration_ms)).map_err(err(&audio))?;
        check_cancel(job)?;
        let rendered = Rendered {
            audio: audio.clone(),
            html: html.clone(),
            vtt: vtt.clone(),
            json: json.clone(),
            format: opts.format,
            duration_ms,
            frames,
            chapters,
        };
        write_small_companions(&opts.title, opts.created_at, &rendered)?;
        for file in files {
            std::fs::rename(partial_name(file), file).map_err(err(file))?;
        }
        Ok(rendered)
    })();
    result.map_err(|e| {
        for file in files {
            let _ = std::fs::remove_file(partial_name(file));
        }
        match e {
            ReelError::Write { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
                ReelError::DiskFull { dir: opts.out_dir.clone() }
            }
            e => e,
        }
    })
}

/// How long a partial file must have gone unwritten to count as left behind by a killed render
/// (a render under way writes its partial files many times a second).
pub const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes the hidden partial files of earlier renders of `name` into `dir` that were killed.
fn remove_stale_partials(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let ours = ["wav", "mp3", "html", "vtt", "json"]
            .iter()
            .any(|ext| rest.strip_prefix(ext).is_some_and(|r| r.starts_with(".partial-")));
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_PARTIAL);
        if ours && idle {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn frames_to_ms(frames: u64) -> i64 {
    (frames as f64 * 1000.0 / REEL_RATE as f64).round() as i64
}

/// How many clips are decoded (or segments encoded) ahead of the one being written: enough to
/// keep every core busy, few enough to bound memory.
fn ahead() -> usize {
    rayon::current_num_threads().max(1) + 1
}

/// The clips, decoded on the rayon pool a few ahead and handed out in reel order.
struct Decoded<'a> {
    clips: &'a [Clip],
    pending: VecDeque<mpsc::Receiver<Result<Prepared, AudioError>>>,
    next: usize,
}

impl<'a> Decoded<'a> {
    fn new(clips: &'a [Clip]) -> Self {
        Decoded { clips, pending: VecDeque::new(), next: 0 }
    }

    /// Clip `index`, the one after the last taken, ready to write.
    fn take(&mut self, index: usize) -> Result<Prepared, ReelError> {
        while self.next < self.clips.len() && self.next < index + ahead() {
            let (tx, rx) = mpsc::sync_channel(1);
            let clip = self.clips[self.next].clone();
            // A panic on the pool would abort the process (rayon's default): a decoder bug on
            // one damaged clip becomes that clip's error instead.
            rayon::spawn(move || {
                let prepared = catch_panic(|| prepare(&clip)).unwrap_or_else(|message| {
                    Err(AudioError::Corrupt {
                        path: clip.file.clone(),
                        reason: format!(
                            "the decoder crashed ({message}); the file is probably damaged"
                        ),
                    })
                });
                let _ = tx.send(prepared);
            });
            self.pending.push_back(rx);
            self.next += 1;
        }
        let clip = &self.clips[index];
        let result = self.pending.pop_front().and_then(|rx| rx.recv().ok()).unwrap_or_else(|| {
            Err(AudioError::Corrupt {
                path: clip.file.clone(),
                reason: "decoding the clip stopped unexpectedly".into(),
            })
        });
        result.map_err(|source| ReelError::Clip {
            index: index + 1,
            path: clip.file.clone(),
            source,
        })
    }
}

fn chapter(clip: &Clip, start: u64, end: u64, loudness: Option<f64>) -> Chapter {
    Chapter {
        start_frame: start,
        start_ms: frames_to_ms(start),
        end_ms: frames_to_ms(end),
        clip: clip.clone(),
        loudness,
    }
}

fn check_cancel(job: &Job<RenderEvent>) -> Result<(), ReelError> {
    if job.is_cancelled() { Err(ReelError::Cancelled) } else { Ok(()) }
}

/// `done` of `total` clips are in the file.
fn report(job: &Job<RenderEvent>, done: usize, total: usize) {
    let event = || RenderEvent::Progress { done: done as u32, total: total as u32 };
    if done == total { job.progress_final(event()) } else { job.progress(event) }
}

/// A written reel: its frames, its chapters, and the audio file (with its page) to close.
type Written = (u64, Vec<Chapter>, AudioFile);

/// What the WAV writer thread is handed, in reel order.
enum ToWriter {
    Audio(Vec<f32>),
    /// Everything is written: complete the file.
    Finish,
}

/// WAV: clips decode on the pool while one writer thread writes them in order.
fn write_wav(
    clips: &[Clip],
    out: AudioFile,
    target: &Path,
    job: &Job<RenderEvent>,
) -> Result<Written, ReelError> {
    let write_err = |source| ReelError::Write { path: target.to_path_buf(), source };
    let out = WavWriter::create(out).map_err(write_err)?;
    let (to_writer, from_main) = mpsc::sync_channel::<ToWriter>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> std::io::Result<Option<(u64, AudioFile)>> {
            let mut out = out;
            for msg in from_main {
                match msg {
                    ToWriter::Audio(audio) => out.write(&audio)?,
                    ToWriter::Finish => return out.finish().map(Some),
                }
            }
            // The sender went away without Finish: cancelled or failed; the caller removes
            // the partial file.
            Ok(None)
        });
        let fed = feed_wav(clips, &to_writer, job);
        if fed.is_ok() {
            let _ = to_writer.send(ToWriter::Finish);
        }
        drop(to_writer);
        let written = writer.join().unwrap_or_else(|_| {
            Err(std::io::Error::other("the reel writer thread panicked; nothing was written"))
        });
        match (fed, written) {
            (Ok(chapters), Ok(Some((frames, out)))) => Ok((frames, chapters, out)),
            // The writer's own error explains a feed that stopped because it went away.
            (_, Err(e)) => Err(write_err(e)),
            (Err(e), _) => Err(e),
            (Ok(_), Ok(None)) => {
                Err(write_err(std::io::Error::other("the reel writer stopped before the end")))
            }
        }
    })
}

/// Sends the clips' audio, separators between them, to the WAV writer in order; returns the
/// chapters. Stops at the first failed clip, at cancel, or when the writer has gone away.
fn feed_wav(
    clips: &[Clip],
    to_writer: &mpsc::SyncSender<ToWriter>,
    job: &Job<RenderEvent>,
) -> Result<Vec<Chapter>, ReelError> {
    let mut decoded = Decoded::new(clips);
    let mut frames = 0u64;
    let mut chapters = Vec::with_capacity(clips.len());
    // The writer went away: its own error is what the caller reports.
    let gone = || ReelError::Write {
        path: PathBuf::new(),
        source: std::io::Error::other("the reel writer stopped"),
    };
    for (index, clip) in clips.iter().enumerate() {
        check_cancel(job)?;
        let Prepared { audio, loudness } = decoded.take(index)?;
        check_cancel(job)?;
        if index > 0 {
            let sep = separator();
            frames += sep.len() as u64 / 2;
            to_writer.send(ToWriter::Audio(sep)).map_err(|_| gone())?;
        }
        let start = frames;
        frames += audio.len() as u64 / 2;
        to_writer.send(ToWriter::Audio(audio)).map_err(|_| gone())?;
        chapters.push(chapter(clip, start, frames, loudness));
        report(job, index + 1, clips.len());
    }
    Ok(chapters)
}

/// Where, in the separator's leading silence, one MP3 segment ends and the next begins (before
/// the seam's own silence, at most [`MP3_MAX_SEAM`] frames, is cut out after it).
const MP3_CUT_FRAMES: usize = 2_000;

/// MP3: one segment per clip, encoded in parallel. Segment `k` is the rest of separator `k-1`,
/// clip `k`, and separator `k`'s first [`MP3_CUT_FRAMES`]. Every segment is a complete MP3
/// stream of its own; decoding their concatenation puts [`mp3_seam`] frames of silence at each
/// seam, so exactly that much is left out of the separator's silence after the cut. The decoded
/// reel therefore has every clip at the same frame as the WAV reel.
fn write_mp3(
    clips: &[Clip],
    out: AudioFile,
    target: &Path,
    job: &Job<RenderEvent>,
) -> Result<Written, ReelError> {
    let write_err = |source| ReelError::Write { path: target.to_path_buf(), source };
    let mut out = Mp3Assembler::create(out);
    let mut decoded = Decoded::new(clips);
    let mut encoding: VecDeque<mpsc::Receiver<std::io::Result<Mp3Segment>>> = VecDeque::new();
    let write_next = |out: &mut Mp3Assembler, rx: mpsc::Receiver<std::io::Result<Mp3Segment>>| {
        let segment = rx
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the MP3 encoder stopped unexpectedly")))
            .map_err(write_err)?;
        out.append(segment).map_err(write_err)
    };
    let sep = separator();
    // The cut and the largest seam stay inside the silence before the tone.
    const { assert!(MP3_CUT_FRAMES + MP3_MAX_SEAM as usize <= separator_lead_frames() - 1_000) };
    let (mut frames, mut seam) = (0u64, 0usize);
    let mut chapters = Vec::with_capacity(clips.len());
    for (index, clip) in clips.iter().enumerate() {
        check_cancel(job)?;
        let Prepared { audio, loudness } = decoded.take(index)?;
        check_cancel(job)?;
        let last = index + 1 == clips.len();
        let mut pcm = Vec::with_capacity(audio.len() + sep.len());
        if index > 0 {
            pcm.extend_from_slice(&sep[(MP3_CUT_FRAMES + seam) * 2..]);
            frames += sep.len() as u64 / 2;
        }
        let start = frames;
        frames += audio.len() as u64 / 2;
        chapters.push(chapter(clip, start, frames, loudness));
        pcm.extend_from_slice(&audio);
        drop(audio);
        if !last {
            pcm.extend_from_slice(&sep[..MP3_CUT_FRAMES * 2]);
        }
        seam = mp3_seam(pcm.len() as u64 / 2) as usize;
        let (tx, rx) = mpsc::sync_channel(1);
        rayon::spawn(move || {
            let segment =
                catch_panic(|| encode_mp3_segment(&pcm, index == 0)).unwrap_or_else(|message| {
                    Err(std::io::Error::other(format!("the MP3 encoder crashed ({message})")))
                });
            let _ = tx.send(segment);
        });
        encoding.push_back(rx);
        while encoding.len() > ahead() {
            if let Some(rx) = encoding.pop_front() {
                write_next(&mut out, rx)?;
            }
        }
        report(job, index + 1, clips.len());
    }
    while let Some(rx) = encoding.pop_front() {
        check_cancel(job)?;
        write_next(&mut out, rx)?;
    }
    let (decoded_frames, out) = out.finish().map_err(write_err)?;
    if decoded_frames != frames {
        let reason = format!("the MP3 decodes to {decoded_frames} frames, not the reel's {frames}");
        return Err(write_err(std::io::Error::other(reason)));
    }
    Ok((frames, chapters, out))
}

/// A clip ready to be written: evened and faded, with its measured loudness.
struct Prepared {
    audio: Vec<f32>,
    loudness: Option<f64>,
}

fn prepare(clip: &Clip) -> Result<Prepared, AudioError> {
    let (mut audio, loudness) = decode_clip(clip)?;
    if let Some(lufs) = loudness {
        apply_gain(&mut audio, lufs);
    }
    fade(&mut audio);
    Ok(Prepared { audio, loudness })
}

/// A clip as 44.1 kHz interleaved stereo, and its loudness (LUFS), measured on the decoded
/// source before conversion: resampling changes nothing audible, and a mono 8 kHz call is an
/// eleventh of the samples to measure (a mono source counts as dual mono, as it will play).
fn decode_clip(clip: &Clip) -> Result<(Vec<f32>, Option<f64>), AudioError> {
    let path = clip.file.as_path();
    if path.as_os_str().is_empty() {
        return Err(AudioError::Unreadable {
            path: std::path::PathBuf::from(&clip.title),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the audio of this call is not on this machine (it came in a review pack \
                 without its audio)",
            ),
        });
    }
    let (mut source, setup) = Source::open(path)?;
    let rate = setup.params.sample_rate.unwrap_or(REEL_RATE);
    let frame = |ms: i64| (ms.max(0) as f64 * rate as f64 / 1000.0).round() as u64;
    source.seek(frame(clip.start_ms))?;
    source.set_end(Some(frame(clip.end_ms)));
    // The source's first one or two channels, interleaved, at its own rate.
    let mut decoded = Vec::new();
    let mut channels = 0u32;
    let mut src_rate = rate;
    while let Some(block) = source.next_block()? {
        src_rate = block.sample_rate;
        match block.planes {
            [mono] => {
                channels = 1;
                decoded.extend_from_slice(mono);
            }
            [l, r, ..] => {
                channels = 2;
                decoded.extend(l.iter().zip(r).flat_map(|(a, b)| [*a, *b]));
            }
            [] => continue,
        }
    }
    let loudness = loudness(&decoded, channels, src_rate);
    // A mono source is resampled before it becomes stereo: half the work.
    let audio = if src_rate == REEL_RATE || decoded.is_empty() {
        decoded
    } else {
        resample(&decoded, channels as usize, src_rate)
            .map_err(|reason| AudioError::Corrupt { path: path.to_path_buf(), reason })?
    };
    let stereo = if channels == 1 { audio.iter().flat_map(|v| [*v, *v]).collect() } else { audio };
    Ok((stereo, loudness))
}

/// Interleaved audio of `channels` channels at `rate`, converted to [`REEL_RATE`].
fn resample(interleaved: &[f32], channels: usize, rate: u32) -> Result<Vec<f32>, String> {
    let frames = interleaved.len() / channels;
    let mut resampler =
        Fft::<f32>::new(rate as usize, REEL_RATE as usize, 1024, channels, FixedSync::Input)
            .map_err(|e| e.to_string())?;
    let input = InterleavedSlice::new(interleaved, channels, frames).map_err(|e| e.to_string())?;
    let out = resampler.process_all(&input, frames, None).map_err(|e| e.to_string())?;
    Ok(out.take_data())
}

/// EBU R128 integrated loudness of interleaved audio (1 channel: dual mono), if measurable.
fn loudness(interleaved: &[f32], channels: u32, rate: u32) -> Option<f64> {
    if channels == 0 || interleaved.is_empty() {
        return None;
    }
    let mut meter = ebur128::EbuR128::new(channels, rate, ebur128::Mode::I).ok()?;
    if channels == 1 {
        meter.set_channel(0, ebur128::Channel::DualMono).ok()?;
    }
    meter.add_frames_f32(interleaved).ok()?;
    meter.loudness_global().ok().filter(|l| l.is_finite())
}

/// Brings a clip measured at `lufs` to [`TARGET_LUFS`], within the gain bounds and under the
/// peak ceiling.
fn apply_gain(audio: &mut [f32], lufs: f64) {
    let gain_db = (TARGET_LUFS - lufs).clamp(MIN_GAIN_DB, MAX_GAIN_DB);
    let mut gain = 10f64.powf(gain_db / 20.0) as f32;
    let peak = audio.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if peak * gain > PEAK_CEILING {
        gain = PEAK_CEILING / peak;
    }
    audio.iter_mut().for_each(|v| *v *= gain);
}

/// Raised-cosine fades over [`FADE_MS`] at both ends.
fn fade(audio: &mut [f32]) {
    let frames = audio.len() / 2;
    let n = ((REEL_RATE * FADE_MS / 1000) as usize).min(frames / 2);
    for i in 0..n {
        let g = 0.5 - 0.5 * (std::f32::consts::PI * i as f32 / n as f32).cos();
        for ch in 0..2 {
            audio[2 * i + ch] *= g;
            audio[2 * (frames - 1 - i) + ch] *= g;
        }
    }
}

/// The separator's leading silence, in frames.
const fn separator_lead_frames() -> usize {
    ((REEL_RATE * SEPARATOR_MS / 1000 - REEL_RATE * TONE_MS / 1000) / 2) as usize
}

/// The separator: 150 ms silence, a 300 ms 880 Hz tone at -18 dBFS with fades, 150 ms silence.
fn separator() -> Vec<f32> {
    let total = (REEL_RATE * SEPARATOR_MS / 1000) as usize;
    let tone = (REEL_RATE * TONE_MS / 1000) as usize;
    let lead = separator_lead_frames();
    let mut out = vec![0.0f32; total * 2];
    let mut t: Vec<f32> = (0..tone)
        .flat_map(|i| {
            let v =
                0.125 * (2.0 * std::f32::consts::PI * 880.0 * i as f32 / REEL_RATE as f32).sin();
            [v, v]
        })
        .collect();
    fade(&mut t);
    out[lead * 2..(lead + tone) * 2].copy_from_slice(&t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech-like test signal: a 300 Hz tone whose level steps every 400 ms.
    fn signal(rate: u32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let level = [0.05, 0.3, 0.1, 0.5][(t / 0.4) as usize % 4];
                level * (2.0 * std::f32::consts::PI * 300.0 * t).sin()
            })
            .collect()
    }

    #[test]
    fn a_mono_source_measures_as_the_dual_mono_stereo_it_becomes() {
        let mono = signal(16_000, 5.0);
        let stereo: Vec<f32> = mono.iter().flat_map(|v| [*v, *v]).collect();
        let as_mono = loudness(&mono, 1, 16_000).unwrap();
        let as_stereo = loudness(&stereo, 2, 16_000).unwrap();
        assert!((as_mono - as_stereo).abs() < 0.01, "mono {as_mono} vs stereo {as_stereo}");
    }

    /// Measuring before resampling moves a clip's gain by a fraction of a dB at most (the
    /// K-weighting filters are a little warped near 8 kHz's Nyquist), far below what a listener
    /// notices (about 1 LU).
    #[test]
    fn loudness_hardly_depends_on_the_sample_rate() {
        let high = loudness(&signal(REEL_RATE, 5.0), 1, REEL_RATE).unwrap();
        for rate in [8_000, 16_000, 22_050] {
            let low = loudness(&signal(rate, 5.0), 1, rate).unwrap();
            assert!((low - high).abs() < 0.3, "{rate} Hz {low} vs 44.1 kHz {high}");
        }
    }

    #[test]
    fn gain_evens_to_the_target_under_the_peak_ceiling() {
        let mut quiet: Vec<f32> = signal(REEL_RATE, 5.0).iter().map(|v| v * 0.1).collect();
        let before = loudness(&quiet, 1, REEL_RATE).unwrap();
        apply_gain(&mut quiet, before);
        let after = loudness(&quiet, 1, REEL_RATE).unwrap();
        let peak = quiet.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak <= PEAK_CEILING + 1e-6);
        assert!((after - TARGET_LUFS).abs() < 0.1 || peak >= PEAK_CEILING - 1e-3, "{after}");
    }
}
