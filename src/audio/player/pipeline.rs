//! The decoder thread's work: source → channel choice → silence skipping → resampling to the
//! device rate (rubato) → time-stretch with pitch kept (Signalsmith Stretch) → fixed-size
//! blocks into the ring, each tagged with the source time it starts at.
//!
//! Every reconfiguration (seek, speed, channel, skip silence) restarts the chain at a source
//! position: the converters are reset and the blocks already queued are marked stale.

use std::sync::atomic::Ordering;

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};
use signalsmith_stretch::Stretch;

use super::model::{BlockInfo, ChannelMode, PlayerError, Shared};
use crate::audio::Source;

/// Frames per block in the ring (5.3 ms at 48 kHz): the granularity of position reports.
pub const BLOCK_FRAMES: usize = 256;
/// Input chunk of the resampler, in source frames.
const RESAMPLE_CHUNK: usize = 1024;
/// Source frames fed to the resampler before a restart's target.
const RESAMPLE_PREROLL: u64 = 2 * RESAMPLE_CHUNK as u64;
/// Silence skipping: a 10 ms window is quiet below this peak level (-40 dBFS).
const QUIET_LEVEL: f32 = 0.01;
/// Quiet stretches longer than this are skipped...
const SKIP_AFTER_MS: u64 = 1000;
/// ...keeping this much of them as a natural pause.
const KEEP_PAUSE_MS: u64 = 250;

/// The ring's producer side.
pub struct RingWriter {
    pub audio: rtrb::Producer<f32>,
    pub blocks: rtrb::Producer<BlockInfo>,
}

pub struct Settings {
    pub speed: f64,
    pub channel: ChannelMode,
    pub skip_silence: bool,
}

pub struct Pipeline {
    source: Source,
    src_rate: u32,
    dev_rate: u32,
    dev_channels: usize,
    pub settings: Settings,
    /// Source frames end here (`--to`), for the seek bound.
    end_frame: Option<u64>,
    resampler: Option<Fft<f32>>,
    /// Output frames of the resampler still to drop after a reset (its delay).
    resample_delay: usize,
    /// Since the last reset: source frames fed to the resampler (pre-roll included, padding
    /// not), output frames kept, and how many of the fed frames were pre-roll. At the end of
    /// the source the resampler is drained until every fed frame has come out.
    resample_in: u64,
    resample_kept: u64,
    resample_pre: u64,
    stretch: Option<Stretch>,
    /// Fractional output frames owed by the stretcher.
    stretch_debt: f64,
    /// After a reset the stretcher is first given its input latency's worth of frames as
    /// look-ahead (its `seek`), then its output latency's worth of output is dropped: the
    /// first frame out is then the restart target's, not the stretcher's start-up silence.
    stretch_lookahead: Vec<f32>,
    stretch_primed: bool,
    stretch_drop: usize,
    /// Mapped source-rate frames waiting for a full resampler chunk (interleaved).
    fifo: Vec<f32>,
    /// Device-rate frames waiting to be cut into blocks (interleaved).
    pending: Vec<f32>,
    scratch: Vec<f32>,
    /// The source frame at which the current run of output starts, and the output frames
    /// emitted since (for block positions).
    base_frame: u64,
    out_frames: u64,
    /// Silence skipping: quiet frames held back, and where the hold began.
    held: Vec<f32>,
    skipping: bool,
    /// Output runs that start inside `pending`: (frame index in `pending`, source frame).
    marks: std::collections::VecDeque<(usize, u64)>,
    eof: bool,
    sent_last: bool,
    /// One past the last source frame decoded since the restart.
    decoded_end: u64,
    pushed_blocks: u64,
}

impl Pipeline {
    pub fn new(
        source: Source,
        src_rate: u32,
        dev_rate: u32,
        dev_channels: usize,
        settings: Settings,
    ) -> Pipeline {
        let mut p = Pipeline {
            source,
            src_rate,
            dev_rate,
            dev_channels,
            settings,
            end_frame: None,
            resampler: None,
            resample_delay: 0,
            resample_in: 0,
            resample_kept: 0,
            resample_pre: 0,
            stretch: None,
            stretch_debt: 0.0,
            stretch_lookahead: Vec::new(),
            stretch_primed: false,
            stretch_drop: 0,
            fifo: Vec::new(),
            pending: Vec::new(),
            scratch: Vec::new(),
            base_frame: 0,
            out_frames: 0,
            held: Vec::new(),
            skipping: false,
            marks: Default::default(),
            eof: false,
            sent_last: false,
            decoded_end: 0,
            pushed_blocks: 0,
        };
        p.reset_chain(0);
        p
    }

    pub fn src_rate(&self) -> u32 {
        self.src_rate
    }

    pub fn set_end(&mut self, end_frame: Option<u64>) {
        self.end_frame = end_frame;
        self.source.set_end(end_frame);
    }

    fn reset_chain(&mut self, at_frame: u64) {
        self.resampler = (self.src_rate != self.dev_rate).then(|| {
            Fft::<f32>::new(
                self.src_rate as usize,
                self.dev_rate as usize,
                RESAMPLE_CHUNK,
                self.dev_channels,
                FixedSync::Input,
            )
            .expect("rates and chunk size are valid")
        });
        self.resample_delay = self.resampler.as_ref().map_or(0, |r| r.output_delay());
        self.resample_in = 0;
        self.resample_kept = 0;
        self.resample_pre = 0;
        self.stretch = ((self.settings.speed - 1.0).abs() > 1e-6).then(|| {
            let mut s = Stretch::preset_default(self.dev_channels as u32, self.dev_rate);
            s.reset();
            s
        });
        self.stretch_debt = 0.0;
        self.stretch_lookahead.clear();
        self.stretch_primed = false;
        self.stretch_drop = 0;
        self.fifo.clear();
        self.pending.clear();
        self.held.clear();
        self.skipping = false;
        self.marks.clear();
        self.base_frame = at_frame;
        self.out_frames = 0;
        self.eof = false;
        self.sent_last = false;
        self.decoded_end = at_frame;
    }

    /// Restarts at `frame` and marks everything queued as stale: after this returns, the
    /// device plays nothing decoded before it.
    pub fn restart(&mut self, frame: u64, shared: &Shared) -> Result<(), PlayerError> {
        let frame = self.end_frame.map_or(frame, |e| frame.min(e));
        // The resampler starts from silence: feed it the audio before the target too and drop
        // what that produces, so the first frame out is exactly the target's. The pre-roll is a
        // whole number of rate periods, so it maps to whole output frames (no fractional shift).
        let pre = if self.src_rate != self.dev_rate {
            let period = self.src_rate as u64 / gcd(self.src_rate as u64, self.dev_rate as u64);
            frame.min(RESAMPLE_PREROLL) / period * period
        } else {
            0
        };
        self.source.seek(frame - pre)?;
        self.reset_chain(frame);
        self.resample_pre = pre;
        self.resample_delay += self.to_dev_frames(pre) as usize;
        shared.refilling.store(true, Ordering::Release);
        shared.stale_blocks.store(self.pushed_blocks, Ordering::Release);
        shared.position_us.store(self.frame_to_us(frame), Ordering::Release);
        shared.queued_us.store(self.frame_to_us(frame), Ordering::Release);
        shared.ended.store(false, Ordering::Release);
        Ok(())
    }

    /// Source frames as device frames, rounded.
    fn to_dev_frames(&self, src_frames: u64) -> u64 {
        (src_frames as f64 * self.dev_rate as f64 / self.src_rate as f64).round() as u64
    }

    fn frame_to_us(&self, frame: u64) -> i64 {
        (frame as f64 * 1e6 / self.src_rate as f64) as i64
    }

    /// Fills the ring as far as it has room. Returns whether anything was pushed.
    pub fn produce(&mut self, ring: &mut RingWriter) -> Result<bool, PlayerError> {
        let ch = self.dev_channels;
        let mut pushed = false;
        loop {
            if self.sent_last {
                return Ok(pushed);
            }
            if ring.audio.slots() < BLOCK_FRAMES * ch || ring.blocks.slots() == 0 {
                return Ok(pushed);
            }
            while self.pending.len() < BLOCK_FRAMES * ch && !self.eof {
                self.pull()?;
            }
            if self.marks.front().is_some_and(|m| m.0 == 0) {
                let (_, base) = self.marks.pop_front().expect("checked above");
                self.base_frame = base;
                self.out_frames = 0;
            }
            let frames = (self.pending.len() / ch).min(BLOCK_FRAMES);
            let last = self.eof && self.pending.len() / ch <= BLOCK_FRAMES;
            let us_per_frame = self.settings.speed * 1e6 / self.dev_rate as f64;
            let info = BlockInfo {
                frames: frames as u32,
                // Converter tails (stretch latency) never report a time past the decoded audio.
                start_us: (self.frame_to_us(self.base_frame)
                    + (self.out_frames as f64 * us_per_frame) as i64)
                    .min(self.frame_to_us(self.decoded_end.max(self.base_frame))),
                us_per_frame,
                last,
            };
            if let Ok(chunk) = ring.audio.write_chunk_uninit(frames * ch) {
                chunk.fill_from_iter(self.pending[..frames * ch].iter().copied());
            }
            self.pending.drain(..frames * ch);
            self.out_frames += frames as u64;
            for mark in &mut self.marks {
                mark.0 -= frames;
            }
            // The samples are in before their block is announced: the callback relies on it.
            let _ = ring.blocks.push(info);
            self.pushed_blocks += 1;
            pushed = true;
            if last {
                self.sent_last = true;
            }
        }
    }

    /// Decodes one source block and runs it through the chain into `pending`.
    fn pull(&mut self) -> Result<(), PlayerError> {
        let ch = self.dev_channels;
        let Some(block) = self.source.next_block()? else {
            self.eof = true;
            // Flush what the converters still hold, as if followed by silence.
            if !self.held.is_empty() {
                let held = std::mem::take(&mut self.held);
                self.resample(&held);
            }
            if self.resampler.is_some() {
                // Drain: pad with silence until everything fed has come out (the resampler's
                // own delay included), and keep exactly that.
                let want =
                    self.to_dev_frames(self.resample_in) - self.to_dev_frames(self.resample_pre);
                for _ in 0..8 {
                    if self.resample_kept >= want {
                        break;
                    }
                    let len = self.fifo.len().max(RESAMPLE_CHUNK * ch);
                    self.fifo.resize(len, 0.0);
                    self.run_resampler();
                }
                let excess = self.resample_kept.saturating_sub(want) as usize * ch;
                self.scratch.truncate(self.scratch.len().saturating_sub(excess));
                let out = std::mem::take(&mut self.scratch);
                self.stretch_into_pending(&out);
            }
            if let Some(st) = self.stretch.as_ref() {
                // The last input-latency's worth of frames come out once followed by silence,
                // then the stretcher's own tail.
                let latency = st.input_latency() * ch;
                let unprimed =
                    if self.stretch_primed { 0 } else { latency - self.stretch_lookahead.len() };
                self.stretch_into_pending(&vec![0.0; unprimed + latency]);
            }
            if let Some(st) = self.stretch.as_mut() {
                let tail = st.output_latency() * ch;
                let at = self.pending.len();
                self.pending.resize(at + tail, 0.0);
                st.flush(&mut self.pending[at..]);
                self.drop_stretched(at);
            }
            return Ok(());
        };
        let start = block.start;
        let planes = block.planes;
        self.decoded_end = self.decoded_end.max(start + planes.first().map_or(0, Vec::len) as u64);
        let frames = planes.first().map_or(0, Vec::len);
        let mut mapped = Vec::with_capacity(frames * ch);
        map_channels(planes, self.settings.channel, ch, &mut mapped);
        // Pre-roll before the target is never skipped: its output is dropped by count.
        if self.settings.skip_silence && start >= self.base_frame {
            self.skip_silence(start, mapped)
        } else {
            self.resample(&mapped);
            Ok(())
        }
    }

    /// Holds quiet audio back; a quiet stretch longer than [`SKIP_AFTER_MS`] is cut to
    /// [`KEEP_PAUSE_MS`] and the output continues from where the sound resumes.
    fn skip_silence(&mut self, start: u64, mapped: Vec<f32>) -> Result<(), PlayerError> {
        let ch = self.dev_channels;
        let window = (self.src_rate as usize / 100).max(1);
        let skip_after = self.src_rate as u64 * SKIP_AFTER_MS / 1000;
        let keep = (self.src_rate as u64 * KEEP_PAUSE_MS / 1000) as usize;
        for (w, chunk) in mapped.chunks(window * ch).enumerate() {
            let at = start + (w * window) as u64;
            let quiet = chunk.iter().all(|v| v.abs() < QUIET_LEVEL);
            if quiet {
                if self.skipping {
                    continue;
                }
                self.held.extend_from_slice(chunk);
                if (self.held.len() / ch) as u64 >= skip_after {
                    // Too long: play a short pause, drop the rest.
                    let pause: Vec<f32> = self.held[..keep * ch].to_vec();
                    self.held.clear();
                    self.resample(&pause);
                    self.skipping = true;
                }
            } else {
                if self.skipping {
                    // Sound again: the output jumps here.
                    self.flush_for_jump(at);
                    self.skipping = false;
                } else if !self.held.is_empty() {
                    let held = std::mem::take(&mut self.held);
                    self.resample(&held);
                }
                self.resample(chunk);
            }
        }
        Ok(())
    }

    /// Ends the current run of output at a block border (padding it with a few ms of
    /// silence) and marks that the next block starts at source frame `frame`.
    fn flush_for_jump(&mut self, frame: u64) {
        let ch = self.dev_channels;
        let rem = (self.pending.len() / ch) % BLOCK_FRAMES;
        if rem != 0 {
            self.pending.resize(self.pending.len() + (BLOCK_FRAMES - rem) * ch, 0.0);
        }
        self.marks.push_back((self.pending.len() / ch, frame));
    }

    /// Resamples mapped source-rate frames into the stretcher.
    fn resample(&mut self, mapped: &[f32]) {
        let ch = self.dev_channels;
        if self.resampler.is_none() {
            let data = mapped.to_vec();
            self.stretch_into_pending(&data);
            return;
        }
        self.fifo.extend_from_slice(mapped);
        self.resample_in += (mapped.len() / ch) as u64;
        while self.fifo.len() >= RESAMPLE_CHUNK * ch {
            self.run_resampler();
        }
        let out = std::mem::take(&mut self.scratch);
        self.stretch_into_pending(&out);
    }

    /// Runs one resampler chunk from the fifo, appending to `scratch` (after the delay).
    fn run_resampler(&mut self) {
        let ch = self.dev_channels;
        let Some(r) = self.resampler.as_mut() else {
            return;
        };
        let input = &self.fifo[..RESAMPLE_CHUNK * ch];
        let mut out = vec![0.0f32; r.output_frames_max() * ch];
        let max = r.output_frames_max();
        let (Ok(inp), Ok(mut outp)) = (
            InterleavedSlice::new(input, ch, RESAMPLE_CHUNK),
            InterleavedSlice::new_mut(&mut out, ch, max),
        ) else {
            return;
        };
        if let Ok((_, produced)) = r.process_into_buffer(&inp, &mut outp, None) {
            let skip = self.resample_delay.min(produced);
            self.resample_delay -= skip;
            self.resample_kept += (produced - skip) as u64;
            self.scratch.extend_from_slice(&out[skip * ch..produced * ch]);
        }
        self.fifo.drain(..RESAMPLE_CHUNK * ch);
    }

    /// Time-stretches device-rate frames (or passes them at 1×) into `pending`.
    fn stretch_into_pending(&mut self, mut frames: &[f32]) {
        let ch = self.dev_channels;
        let Some(st) = self.stretch.as_mut() else {
            self.pending.extend_from_slice(frames);
            return;
        };
        if !self.stretch_primed {
            let need = st.input_latency() * ch;
            let take = (need - self.stretch_lookahead.len()).min(frames.len());
            self.stretch_lookahead.extend_from_slice(&frames[..take]);
            frames = &frames[take..];
            if self.stretch_lookahead.len() < need {
                return;
            }
            st.seek(&self.stretch_lookahead, self.settings.speed);
            self.stretch_primed = true;
            self.stretch_drop = st.output_latency();
        }
        let n_in = frames.len() / ch;
        if n_in == 0 {
            return;
        }
        let exact = n_in as f64 / self.settings.speed + self.stretch_debt;
        let n_out = exact.floor() as usize;
        self.stretch_debt = exact - n_out as f64;
        let at = self.pending.len();
        self.pending.resize(at + n_out * ch, 0.0);
        st.process(frames, &mut self.pending[at..]);
        self.drop_stretched(at);
    }

    /// Drops what is still owed of the stretcher's start-up output from `pending[at..]`.
    fn drop_stretched(&mut self, at: usize) {
        let ch = self.dev_channels;
        let n = self.stretch_drop.min((self.pending.len() - at) / ch);
        self.pending.drain(at..at + n * ch);
        self.stretch_drop -= n;
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Maps planar source channels onto the device's channels.
fn map_channels(planes: &[Vec<f32>], mode: ChannelMode, dev_channels: usize, out: &mut Vec<f32>) {
    let frames = planes.first().map_or(0, Vec::len);
    let src = planes.len();
    let pick = |i: usize| -> f32 {
        match (mode, src) {
            (_, 1) => planes[0][i],
            (ChannelMode::Left, _) => planes[0][i],
            (ChannelMode::Right, _) => planes[1][i],
            (ChannelMode::Mix, n) => planes.iter().map(|p| p[i]).sum::<f32>() / n as f32,
        }
    };
    for i in 0..frames {
        if mode == ChannelMode::Mix && src == dev_channels {
            out.extend(planes.iter().map(|p| p[i]));
        } else {
            let v = pick(i);
            out.extend(std::iter::repeat_n(v, dev_channels));
        }
    }
}
