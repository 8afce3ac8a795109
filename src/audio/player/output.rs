//! The output seam: a cpal stream on the default device, fed from the ring buffers.
//!
//! The same code path plays to a sound card in the app and into ALSA's `file` plugin in tests
//! (PLATFORM-NOTES): no fake device exists.

use std::sync::Arc;
use std::sync::atomic::Ordering;

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
    let mut state = CallbackState { ring, shared, current: None, popped: 0 };
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

struct CallbackState {
    ring: RingReader,
    shared: Arc<Shared>,
    current: Option<Current>,
    /// Blocks popped so far; the current block's index is `popped - 1`.
    popped: u64,
}

impl CallbackState {
    /// The real-time callback.
    ///
    /// Contract: it never locks, allocates, logs, blocks or does I/O. It pops from the two
    /// wait-free rings, writes silence for any shortfall, and publishes through atomics
    /// (position, frames played, underruns, end).
    fn fill<T: SizedSample + FromSample<f32>>(&mut self, out: &mut [T], channels: usize) {
        self.drop_stale(channels);
        let shared = &*self.shared;
        let frames = out.len() / channels;
        let mut written = 0usize;
        if !shared.paused.load(Ordering::Acquire) {
            while written < frames {
                let cur = match self.current {
                    Some(c) if c.consumed < c.info.frames => c,
                    _ => match self.ring.blocks.pop() {
                        Ok(info) => {
                            self.popped += 1;
                            shared.refilling.store(false, Ordering::Release);
                            Current { info, consumed: 0 }
                        }
                        Err(_) => {
                            let gap = shared.refilling.load(Ordering::Acquire);
                            if !gap && !shared.ended.load(Ordering::Acquire) {
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
                let pos = cur.info.start_us + (consumed as f64 * cur.info.us_per_frame) as i64;
                shared.position_us.store(pos, Ordering::Release);
                if consumed == cur.info.frames && cur.info.last {
                    shared.ended.store(true, Ordering::Release);
                }
            }
            shared.played_frames.fetch_add(written as u64, Ordering::Relaxed);
        }
        for s in &mut out[written * channels..] {
            *s = T::EQUILIBRIUM;
        }
    }

    /// Drops every block the decoder marked stale (by a seek), whole or rest of.
    fn drop_stale(&mut self, channels: usize) {
        let stale = self.shared.stale_blocks.load(Ordering::Acquire);
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
