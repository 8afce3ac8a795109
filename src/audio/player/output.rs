//! The output seam: a cpal stream on the default device, fed from the ring buffers.
//!
//! The same code path plays to a sound card in the app and into ALSA's `file` plugin in tests
//! (PLATFORM-NOTES): no fake device exists.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample};

use super::model::{BlockInfo, PlayerError, Shared};

/// The device's side of the ring buffers: interleaved samples and one [`BlockInfo`] per block.
pub struct RingReader {
    pub audio: rtrb::Consumer<f32>,
    pub blocks: rtrb::Consumer<BlockInfo>,
}

/// What the device plays at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceFormat {
    pub sample_rate: u32,
    pub channels: usize,
}

/// Finds the default output device and its format, or says why there is none.
pub fn probe_device(
    preferred_rate: Option<u32>,
) -> Result<(cpal::Device, cpal::SupportedStreamConfig), PlayerError> {
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or_else(|| PlayerError::NoDevice {
        reason: "the system reports no output device".into(),
    })?;
    let config = device
        .default_output_config()
        .map_err(|e| PlayerError::NoDevice { reason: e.to_string() })?;
    let config = match preferred_rate {
        Some(rate) => device
            .supported_output_configs()
            .ok()
            .and_then(|mut all| {
                all.find(|c| {
                    c.min_sample_rate() <= rate
                        && rate <= c.max_sample_rate()
                        && c.sample_format() == config.sample_format()
                        && c.channels() == config.channels()
                })
            })
            .map(|c| c.with_sample_rate(rate))
            .unwrap_or(config),
        None => config,
    };
    Ok((device, config))
}

/// Opens the stream and starts it. The stream must stay on the thread that made it.
pub fn start(
    device: &cpal::Device,
    config: &cpal::SupportedStreamConfig,
    ring: RingReader,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, PlayerError> {
    let mut stream_config: cpal::StreamConfig = config.config();
    // About 10 ms per device period: low latency for seeks and play, without starving.
    let period = (config.sample_rate() / 100).max(64);
    if let cpal::SupportedBufferSize::Range { min, max } = config.buffer_size()
        && *min <= period
        && period <= *max
    {
        stream_config.buffer_size = cpal::BufferSize::Fixed(period);
    }
    let channels = stream_config.channels as usize;
    let stream = match config.sample_format() {
        SampleFormat::F32 => build::<f32>(device, &stream_config, channels, ring, shared),
        SampleFormat::I16 => build::<i16>(device, &stream_config, channels, ring, shared),
        SampleFormat::I32 => build::<i32>(device, &stream_config, channels, ring, shared),
        SampleFormat::U16 => build::<u16>(device, &stream_config, channels, ring, shared),
        SampleFormat::F64 => build::<f64>(device, &stream_config, channels, ring, shared),
        other => {
            return Err(PlayerError::Device {
                reason: format!("unsupported sample format {other}"),
            });
        }
    }?;
    stream.play().map_err(|e| PlayerError::Device { reason: e.to_string() })?;
    Ok(stream)
}

fn build<T: SizedSample + FromSample<f32>>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    channels: usize,
    ring: RingReader,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, PlayerError> {
    let errors = Arc::clone(&shared);
    let mut state = CallbackState::new(ring, shared, config.sample_rate);
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |out: &mut [T], _| state.fill(out, channels),
            move |e| {
                // Not the audio callback: cpal reports stream errors from its own thread.
                if !matches!(e.kind(), cpal::ErrorKind::Xrun) {
                    errors.device_lost.store(true, Ordering::Release);
                }
            },
            None,
        )
        .map_err(|e| match e.kind() {
            cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::HostUnavailable => {
                PlayerError::NoDevice { reason: e.to_string() }
            }
            _ => PlayerError::Device { reason: e.to_string() },
        })
}

/// The block being played and how many of its frames are gone.
#[derive(Clone, Copy)]
struct Current {
    info: BlockInfo,
    consumed: u32,
}

/// A block handed to the device: the device frame (counted from the end of the first fill) its
/// first frame went out as.
#[derive(Clone, Copy)]
struct Handed {
    at: u64,
    info: BlockInfo,
}

impl Handed {
    fn end(&self) -> u64 {
        self.at + self.info.frames as u64
    }
}

/// Blocks remembered until they are heard: enough for a device 20 s deep (256-frame blocks at
/// 48 kHz); beyond that the oldest are forgotten and the position is a little early.
const HANDED_CAPACITY: usize = 4096;

/// The device's first fill. A device with a deep buffer (a sound server's, or a pipe) takes it in
/// one burst of back-to-back callbacks, far faster than real time, and only then asks at the
/// pace of playback. The burst gets silence: any silence the device needs comes before the first
/// sample, never in the middle of the audio, whatever the depth, and however fast the decoder
/// refills. The depth measured here is how far what is heard lags what is handed.
struct Priming {
    first: Option<Instant>,
    /// When the last [`PACE_WINDOW`] callbacks came, oldest first.
    recent: [Option<Instant>; PACE_WINDOW],
    /// Frames asked for so far.
    requested: u64,
    done: bool,
}

/// How many callbacks in a row are looked at to tell the burst from the pace of playback.
const PACE_WINDOW: usize = 5;

/// Callbacks closer together on average than this fraction of their own length are one burst.
/// A device paced at real time (or, in tests, a few times faster) leaves about a period between
/// them, give or take how its writes bunch up; a burst leaves microseconds. Averaging over
/// [`PACE_WINDOW`] callbacks keeps one preempted callback inside a burst from ending it.
const BURST_FRACTION: f64 = 1.0 / 8.0;

struct CallbackState {
    ring: RingReader,
    shared: Arc<Shared>,
    rate: u32,
    current: Option<Current>,
    /// Blocks popped so far; the current block's index is `popped - 1`.
    popped: u64,
    priming: Priming,
    /// Device frames the device holds ahead of what is heard.
    depth: u64,
    /// Device frames handed since the first fill (audio and silence alike).
    handed: u64,
    /// Blocks handed and not yet wholly heard, oldest first. Allocated once, never grown.
    unheard: VecDeque<Handed>,
    /// How many popped blocks had been marked stale when the callback last looked.
    stale_seen: u64,
}

impl CallbackState {
    fn new(ring: RingReader, shared: Arc<Shared>, rate: u32) -> CallbackState {
        CallbackState {
            ring,
            shared,
            rate,
            current: None,
            popped: 0,
            priming: Priming {
                first: None,
                recent: [None; PACE_WINDOW],
                requested: 0,
                done: false,
            },
            depth: 0,
            handed: 0,
            unheard: VecDeque::with_capacity(HANDED_CAPACITY),
            stale_seen: 0,
        }
    }

    /// The real-time callback.
    ///
    /// Contract: it never locks, allocates, logs, blocks or does I/O. It pops from the two
    /// wait-free rings, writes silence for any shortfall, and publishes through atomics
    /// (position, frames played, underruns, end). Reading the monotonic clock is a vDSO call.
    fn fill<T: SizedSample + FromSample<f32>>(&mut self, out: &mut [T], channels: usize) {
        let frames = out.len() / channels;
        if !self.priming.done && self.prime(frames) {
            out.fill(T::EQUILIBRIUM);
            return;
        }
        self.drop_stale(channels);
        let shared = &*self.shared;
        let mut written = 0usize;
        if !shared.paused.load(Ordering::Acquire) {
            while written < frames {
                let cur = match self.current {
                    Some(c) if c.consumed < c.info.frames => c,
                    _ => match self.ring.blocks.pop() {
                        Ok(info) => {
                            self.popped += 1;
                            shared.refilling.store(false, Ordering::Release);
                            if self.unheard.len() == self.unheard.capacity() {
                                self.unheard.pop_front();
                            }
                            self.unheard
                                .push_back(Handed { at: self.handed + written as u64, info });
                            Current { info, consumed: 0 }
                        }
                        Err(_) => {
                            let gap = shared.refilling.load(Ordering::Acquire);
                            let at_end = self.current.is_some_and(|c| c.info.last);
                            if !gap && !at_end {
                                shared.underruns.fetch_add(1, Ordering::Relaxed);
                            }
                            break;
                        }
                    },
                };
                let n = ((cur.info.frames - cur.consumed) as usize).min(frames - written);
                let Ok(chunk) = self.ring.audio.read_chunk(n * channels) else {
                    break;
                };
                let (a, b) = chunk.as_slices();
                let dst = &mut out[written * channels..(written + n) * channels];
                for (d, s) in dst.iter_mut().zip(a.iter().chain(b.iter())) {
                    *d = T::from_sample(*s);
                }
                chunk.commit_all();
                written += n;
                let consumed = cur.consumed + n as u32;
                self.current = Some(Current { info: cur.info, consumed });
                let queued = cur.info.start_us + (consumed as f64 * cur.info.us_per_frame) as i64;
                shared.queued_us.store(queued, Ordering::Release);
            }
            shared.played_frames.fetch_add(written as u64, Ordering::Relaxed);
        }
        for s in &mut out[written * channels..] {
            *s = T::EQUILIBRIUM;
        }
        // What is heard now went out `depth` frames before this callback's first frame.
        self.publish_heard(self.handed.saturating_sub(self.depth));
        self.handed += frames as u64;
    }

    /// Counts the device's first fill. Returns whether this callback is still part of it (and
    /// gets silence); on the first callback that is not, fixes the device's depth.
    fn prime(&mut self, frames: usize) -> bool {
        let now = Instant::now();
        let p = &mut self.priming;
        let first = *p.first.get_or_insert(now);
        let oldest = p.recent[0];
        p.recent.rotate_left(1);
        p.recent[PACE_WINDOW - 1] = Some(now);
        let intervals = PACE_WINDOW as f64;
        let burst_span =
            Duration::from_secs_f64(frames as f64 / self.rate as f64 * BURST_FRACTION * intervals);
        let paced = oldest.is_some_and(|o| now.duration_since(o) >= burst_span);
        if !paced {
            p.requested += frames as u64;
            return true;
        }
        let elapsed = (now.duration_since(first).as_secs_f64() * self.rate as f64) as u64;
        self.depth = p.requested.saturating_sub(elapsed);
        p.done = true;
        false
    }

    /// Publishes the source time of device frame `heard` (and the end once it is heard). Before a
    /// restart's first block is heard the restart's target stays published.
    fn publish_heard(&mut self, heard: u64) {
        while self.unheard.len() > 1 && self.unheard[0].end() <= heard {
            self.unheard.pop_front();
        }
        let Some(h) = self.unheard.front() else {
            return;
        };
        if heard < h.at {
            return;
        }
        let shared = &*self.shared;
        let frames = (heard - h.at).min(h.info.frames as u64);
        let pos = h.info.start_us + (frames as f64 * h.info.us_per_frame) as i64;
        shared.position_us.store(pos, Ordering::Release);
        if h.info.last && heard >= h.end() {
            shared.ended.store(true, Ordering::Release);
        }
    }

    /// Drops every block the decoder marked stale (by a seek), whole or rest of. Blocks handed
    /// before the seek are still heard, but no longer reported: the position stays at the seek's
    /// target until the new audio is heard.
    fn drop_stale(&mut self, channels: usize) {
        let stale = self.shared.stale_blocks.load(Ordering::Acquire);
        if stale != self.stale_seen {
            self.stale_seen = stale;
            self.unheard.clear();
        }
        loop {
            if let Some(cur) = self.current
                && self.popped - 1 < stale
            {
                let rest = (cur.info.frames - cur.consumed) as usize * channels;
                if let Ok(chunk) = self.ring.audio.read_chunk(rest) {
                    chunk.commit_all();
                }
                self.current = None;
            }
            if self.current.is_some() || self.popped >= stale {
                return;
            }
            match self.ring.blocks.pop() {
                Ok(info) => {
                    self.popped += 1;
                    self.current = Some(Current { info, consumed: 0 });
                }
                Err(_) => return,
            }
        }
    }
}
