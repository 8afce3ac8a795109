//! Rendering a reel's audio: every clip decoded, converted to 44.1 kHz stereo, evened to
//! [`TARGET_LUFS`], faded at both cuts, with a short tone between clips. The audio (WAV or MP3,
//! see [`super::encode`]) is written to a hidden temporary name in the output folder and renamed
//! into place only once complete, so a failed, cancelled or killed render never leaves a file at
//! the target path.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use audioadapter_buffers::direct::InterleavedSlice;
use rayon::prelude::*;
use rubato::{Fft, FixedSync, Resampler};
use serde::Serialize;

use super::encode::{AudioWriter, ReelFormat};
use super::{Clip, ReelError};
use crate::audio::{AudioError, Source};

pub const REEL_RATE: u32 = 44_100;
/// Loudness every clip is brought to (EBU R128 integrated).
pub const TARGET_LUFS: f64 = -16.0;
/// Fade at every cut.
pub const FADE_MS: u32 = 10;
/// Between clips: silence, a soft 880 Hz tone, silence.
pub const SEPARATOR_MS: u32 = 600;
const TONE_MS: u32 = 300;
/// Gain is kept within these bounds so that near-silent clips are not pumped up into noise.
const MAX_GAIN_DB: f64 = 15.0;
const MIN_GAIN_DB: f64 = -20.0;
const PEAK_CEILING: f32 = 0.98;

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub out_dir: PathBuf,
    /// File name without extension (`reel`).
    pub name: String,
    pub format: ReelFormat,
}

/// Where a clip sits in the reel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Chapter {
    /// The first frame of the clip in the reel (44.1 kHz), and the same in ms.
    pub start_frame: u64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub clip: Clip,
    /// Loudness before evening (LUFS), if measurable.
    pub loudness: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendered {
    pub audio: PathBuf,
    pub format: ReelFormat,
    pub duration_ms: i64,
    pub frames: u64,
    pub chapters: Vec<Chapter>,
}

/// Renders `clips` into `<out_dir>/<name>.<wav|mp3>`. `progress(done, total)` follows the clips.
pub fn render(
    clips: &[Clip],
    opts: &RenderOptions,
    progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<Rendered, ReelError> {
    if clips.is_empty() {
        return Err(ReelError::Empty);
    }
    std::fs::create_dir_all(&opts.out_dir)
        .map_err(|source| ReelError::Write { path: opts.out_dir.clone(), source })?;
    let ext = opts.format.extension();
    let target = opts.out_dir.join(format!("{}.{ext}", opts.name));
    let partial = opts.out_dir.join(format!(".{}.{ext}.partial-{}", opts.name, std::process::id()));
    let result = write_reel(clips, opts.format, &partial, progress, cancel);
    match result {
        Ok((frames, chapters)) => {
            std::fs::rename(&partial, &target).map_err(|source| {
                let _ = std::fs::remove_file(&partial);
                ReelError::Write { path: target.clone(), source }
            })?;
            Ok(Rendered {
                audio: target,
                format: opts.format,
                duration_ms: frames_to_ms(frames),
                frames,
                chapters,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn frames_to_ms(frames: u64) -> i64 {
    (frames as f64 * 1000.0 / REEL_RATE as f64).round() as i64
}

fn write_reel(
    clips: &[Clip],
    format: ReelFormat,
    partial: &Path,
    progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<(u64, Vec<Chapter>), ReelError> {
    let write_err = |source| ReelError::Write { path: partial.to_path_buf(), source };
    let mut out = AudioWriter::create(format, partial).map_err(write_err)?;
    let mut chapters = Vec::with_capacity(clips.len());
    progress(0, clips.len());
    // Clips are prepared in parallel a few at a time (memory stays bounded), then written in
    // order.
    let window = rayon::current_num_threads().max(1) * 2;
    for (w, group) in clips.chunks(window).enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(ReelError::Cancelled);
        }
        let prepared: Vec<Result<Prepared, AudioError>> = group
            .par_iter()
            .map(|clip| {
                let mut audio = decode_clip(clip)?;
                let loudness = even_loudness(&mut audio);
                fade(&mut audio);
                Ok(Prepared { audio, loudness })
            })
            .collect();
        for (k, (clip, result)) in group.iter().zip(prepared).enumerate() {
            let index = w * window + k;
            if cancel.load(Ordering::Relaxed) {
                return Err(ReelError::Cancelled);
            }
            let Prepared { audio, loudness } = result.map_err(|source| ReelError::Clip {
                index: index + 1,
                path: PathBuf::from(&clip.path),
                source,
            })?;
            if index > 0 {
                out.write(&separator()).map_err(write_err)?;
            }
            let start = out.frames();
            out.write(&audio).map_err(write_err)?;
            chapters.push(Chapter {
                start_frame: start,
                start_ms: frames_to_ms(start),
                end_ms: frames_to_ms(out.frames()),
                clip: clip.clone(),
                loudness,
            });
            progress(index + 1, clips.len());
        }
    }
    let frames = out.finish().map_err(write_err)?;
    Ok((frames, chapters))
}

/// A clip ready to be written: evened and faded, with its measured loudness.
struct Prepared {
    audio: Vec<f32>,
    loudness: Option<f64>,
}

/// A clip as 44.1 kHz interleaved stereo.
fn decode_clip(clip: &Clip) -> Result<Vec<f32>, AudioError> {
    let path = Path::new(&clip.path);
    let (mut source, setup) = Source::open(path)?;
    let rate = setup.params.sample_rate.unwrap_or(REEL_RATE);
    let frame = |ms: i64| (ms.max(0) as f64 * rate as f64 / 1000.0).round() as u64;
    source.seek(frame(clip.start_ms))?;
    source.set_end(Some(frame(clip.end_ms)));
    let mut stereo = Vec::new();
    let mut src_rate = rate;
    while let Some(block) = source.next_block()? {
        src_rate = block.sample_rate;
        let (l, r) = match block.planes {
            [mono] => (mono, mono),
            [l, r, ..] => (l, r),
            [] => continue,
        };
        for (a, b) in l.iter().zip(r) {
            stereo.push(*a);
            stereo.push(*b);
        }
    }
    if src_rate == REEL_RATE || stereo.is_empty() {
        return Ok(stereo);
    }
    let frames = stereo.len() / 2;
    let mut resampler =
        Fft::<f32>::new(src_rate as usize, REEL_RATE as usize, 1024, 2, FixedSync::Input)
            .map_err(|e| AudioError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    let input = InterleavedSlice::new(&stereo, 2, frames)
        .map_err(|e| AudioError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    let out = resampler
        .process_all(&input, frames, None)
        .map_err(|e| AudioError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    Ok(out.take_data())
}

/// Brings the clip to [`TARGET_LUFS`] within the gain bounds and under the peak ceiling.
/// Returns the measured loudness.
fn even_loudness(audio: &mut [f32]) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(2, REEL_RATE, ebur128::Mode::I).ok()?;
    meter.add_frames_f32(audio).ok()?;
    let lufs = meter.loudness_global().ok().filter(|l| l.is_finite())?;
    let gain_db = (TARGET_LUFS - lufs).clamp(MIN_GAIN_DB, MAX_GAIN_DB);
    let mut gain = 10f64.powf(gain_db / 20.0) as f32;
    let peak = audio.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if peak * gain > PEAK_CEILING {
        gain = PEAK_CEILING / peak;
    }
    audio.iter_mut().for_each(|v| *v *= gain);
    Some(lufs)
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

/// The separator: 150 ms silence, a 300 ms 880 Hz tone at -18 dBFS with fades, 150 ms silence.
fn separator() -> Vec<f32> {
    let total = (REEL_RATE * SEPARATOR_MS / 1000) as usize;
    let tone = (REEL_RATE * TONE_MS / 1000) as usize;
    let lead = (total - tone) / 2;
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
