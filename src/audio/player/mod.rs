//! Playback: real-time-safe, on cpal, fed by a decoder thread.
//!
//! Threads:
//! - the caller holds a [`Player`]: a command sender and shared atomics, `Send + Sync`;
//! - the player thread owns the file, the converter chain ([`pipeline`]) and the cpal stream
//!   (created there, because a stream may not move between threads); it fills the rings,
//!   takes commands, and reports position and end-of-file at 30 Hz;
//! - cpal's callback ([`output`]) only copies from the rings and updates atomics.
//!
//! Invariants: the position is the source time of the frame the device last consumed, never
//! wall-clock time. After [`Player::seek`] returns, nothing decoded before the seek reaches the
//! device from the rings (the device's own period buffer, ~10 ms, is out of reach).

mod output;
mod pipeline;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use output::DeviceFormat;
use output::RingReader;
use pipeline::{Pipeline, RingWriter, Settings};

use super::{AudioError, Source};

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

/// What listeners hear about, at 30 Hz while playing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum PlayerEvent {
    Position {
        ms: i64,
    },
    Ended,
    #[serde(rename_all = "camelCase")]
    Failed {
        message: String,
    },
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
}

impl PlayerError {
    pub fn code(&self) -> &'static str {
        match self {
            PlayerError::NoDevice { .. } => "player.no_device",
            PlayerError::Device { .. } => "player.device",
            PlayerError::Audio(e) => e.code(),
            PlayerError::Invalid { .. } => "player.invalid",
            PlayerError::Stopped => "player.stopped",
        }
    }
}

/// A block in the ring: `frames` device frames whose first one plays source time `start_us`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BlockInfo {
    frames: u32,
    start_us: i64,
    us_per_frame: f64,
    /// The end of the stream.
    last: bool,
}

/// State shared with the callback: atomics only.
#[derive(Default)]
pub(crate) struct Shared {
    paused: AtomicBool,
    position_us: AtomicI64,
    played_frames: AtomicU64,
    underruns: AtomicU64,
    ended: AtomicBool,
    /// Blocks with an index below this are stale (queued before a seek) and are dropped.
    stale_blocks: AtomicU64,
    /// Set by a restart until the device takes its first new block: an empty ring then is
    /// the seek's own gap, not an underrun.
    refilling: AtomicBool,
    device_lost: AtomicBool,
}

enum Command {
    Play,
    Pause,
    Seek(i64, mpsc::SyncSender<Result<(), PlayerError>>),
    Speed(f64),
    SkipSilence(bool),
    Channel(ChannelMode),
}

pub struct Player {
    commands: mpsc::Sender<Command>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    device: DeviceFormat,
    duration_ms: i64,
}

/// Ring size, in time.
const RING_MS: usize = 200;
/// How often listeners get the position.
const EVENT_PERIOD: Duration = Duration::from_millis(33);

impl Player {
    /// Opens `path` on the default output device and starts playing (or waits, paused).
    /// `events` receives positions at 30 Hz and the end of the file.
    pub fn open(
        path: &Path,
        opts: PlayerOptions,
        events: Option<mpsc::Sender<PlayerEvent>>,
    ) -> Result<Player, PlayerError> {
        check_speed(opts.speed)?;
        if opts.from_ms < 0 || opts.to_ms.is_some_and(|t| t <= opts.from_ms) {
            return Err(PlayerError::Invalid {
                field: "from/to",
                reason: "the span is empty or negative".into(),
            });
        }
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let (commands, command_rx) = mpsc::channel();
        let shared = Arc::new(Shared::default());
        shared.paused.store(opts.start_paused, Ordering::Release);
        let thread_shared = Arc::clone(&shared);
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("gamefilm-player".into())
            .spawn(move || player_thread(&path, opts, thread_shared, command_rx, ready_tx, events))
            .map_err(|e| PlayerError::Device {
                reason: format!("cannot start the player thread: {e}"),
            })?;
        match ready_rx.recv() {
            Ok(Ok((device, duration_ms))) => {
                Ok(Player { commands, shared, thread: Some(thread), device, duration_ms })
            }
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(PlayerError::Stopped)
            }
        }
    }

    fn send(&self, c: Command) -> Result<(), PlayerError> {
        self.commands.send(c).map_err(|_| PlayerError::Stopped)
    }

    pub fn play(&self) -> Result<(), PlayerError> {
        self.send(Command::Play)
    }

    pub fn pause(&self) -> Result<(), PlayerError> {
        self.send(Command::Pause)
    }

    /// Jumps to `ms`; returns once nothing from before the jump can come out of the rings.
    pub fn seek(&self, ms: i64) -> Result<(), PlayerError> {
        if ms < 0 || ms > self.duration_ms {
            return Err(PlayerError::Invalid {
                field: "position",
                reason: format!("{ms} ms is outside the recording (0 to {} ms)", self.duration_ms),
            });
        }
        let (tx, rx) = mpsc::sync_channel(1);
        self.send(Command::Seek(ms, tx))?;
        rx.recv().map_err(|_| PlayerError::Stopped)?
    }

    pub fn set_speed(&self, speed: f64) -> Result<(), PlayerError> {
        check_speed(speed)?;
        self.send(Command::Speed(speed))
    }

    pub fn set_skip_silence(&self, on: bool) -> Result<(), PlayerError> {
        self.send(Command::SkipSilence(on))
    }

    pub fn set_channel(&self, mode: ChannelMode) -> Result<(), PlayerError> {
        self.send(Command::Channel(mode))
    }

    /// Source time of the frame the device consumed last.
    pub fn position_ms(&self) -> i64 {
        self.shared.position_us.load(Ordering::Acquire) / 1000
    }

    pub fn is_paused(&self) -> bool {
        self.shared.paused.load(Ordering::Acquire)
    }

    pub fn is_ended(&self) -> bool {
        self.shared.ended.load(Ordering::Acquire)
    }

    /// Device frames of audio played (silence while paused or starved not counted).
    pub fn frames_played(&self) -> u64 {
        self.shared.played_frames.load(Ordering::Relaxed)
    }

    /// Callbacks that found the rings empty while playing.
    pub fn underruns(&self) -> u64 {
        self.shared.underruns.load(Ordering::Relaxed)
    }

    pub fn device(&self) -> DeviceFormat {
        self.device
    }

    pub fn duration_ms(&self) -> i64 {
        self.duration_ms
    }

    /// Stops playback and closes the device.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        // Dropping the sender ends the thread's command loop.
        let (tx, _) = mpsc::channel();
        self.commands = tx;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn check_speed(speed: f64) -> Result<(), PlayerError> {
    if !(MIN_SPEED..=MAX_SPEED).contains(&speed) || !speed.is_finite() {
        return Err(PlayerError::Invalid {
            field: "speed",
            reason: format!("{speed} is outside {MIN_SPEED}× to {MAX_SPEED}×"),
        });
    }
    Ok(())
}

type Ready = mpsc::SyncSender<Result<(DeviceFormat, i64), PlayerError>>;

fn player_thread(
    path: &Path,
    opts: PlayerOptions,
    shared: Arc<Shared>,
    commands: mpsc::Receiver<Command>,
    ready: Ready,
    events: Option<mpsc::Sender<PlayerEvent>>,
) {
    let setup = || -> Result<_, PlayerError> {
        let (mut source, track) = Source::open(path)?;
        let src_rate = track.params.sample_rate.unwrap_or(0);
        let duration_ms = track
            .output_frames()
            .map_or(i64::MAX, |f| (f as f64 * 1000.0 / src_rate.max(1) as f64) as i64);
        if src_rate == 0 {
            return Err(AudioError::Corrupt {
                path: path.to_path_buf(),
                reason: "no sample rate".into(),
            }
            .into());
        }
        let (device, config) = output::probe_device(opts.device_rate)?;
        let format = DeviceFormat {
            sample_rate: config.sample_rate(),
            channels: config.channels() as usize,
        };
        let ring_frames = format.sample_rate as usize * RING_MS / 1000;
        let (audio_tx, audio_rx) = rtrb::RingBuffer::new(ring_frames * format.channels);
        let (blocks_tx, blocks_rx) =
            rtrb::RingBuffer::new(ring_frames / pipeline::BLOCK_FRAMES + 4);
        let to_frame = |ms: i64| (ms as f64 * src_rate as f64 / 1000.0).round() as u64;
        source.set_end(opts.to_ms.map(to_frame));
        let settings =
            Settings { speed: opts.speed, channel: opts.channel, skip_silence: opts.skip_silence };
        let mut pipeline =
            Pipeline::new(source, src_rate, format.sample_rate, format.channels, settings);
        pipeline.set_end(opts.to_ms.map(to_frame));
        pipeline.restart(to_frame(opts.from_ms), &shared)?;
        let mut ring = RingWriter { audio: audio_tx, blocks: blocks_tx };
        // Fill the ring before the device starts: the first callback finds audio.
        pipeline.produce(&mut ring)?;
        let stream = output::start(
            &device,
            &config,
            RingReader { audio: audio_rx, blocks: blocks_rx },
            Arc::clone(&shared),
        )?;
        Ok((pipeline, ring, stream, format, duration_ms.min(opts.to_ms.unwrap_or(i64::MAX))))
    };
    let (mut pipeline, mut ring, _stream, format, duration_ms) = match setup() {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok((format, duration_ms)));
    let emit = |e: PlayerEvent| {
        if let Some(tx) = &events {
            let _ = tx.send(e);
        }
    };
    let mut last_event = Instant::now() - EVENT_PERIOD;
    let mut ended_sent = false;
    loop {
        let command = match pipeline.produce(&mut ring) {
            Ok(true) => commands.try_recv().map_err(|e| e == mpsc::TryRecvError::Disconnected),
            Ok(false) => commands
                .recv_timeout(Duration::from_millis(5))
                .map_err(|e| e == mpsc::RecvTimeoutError::Disconnected),
            Err(e) => {
                emit(PlayerEvent::Failed { message: e.to_string() });
                return;
            }
        };
        match command {
            Err(true) => return,
            Err(false) => {}
            Ok(c) => {
                let at = shared.position_us.load(Ordering::Acquire);
                let here = (at as f64 * pipeline.src_rate() as f64 / 1e6) as u64;
                let result = match c {
                    Command::Play => {
                        shared.paused.store(false, Ordering::Release);
                        Ok(())
                    }
                    Command::Pause => {
                        shared.paused.store(true, Ordering::Release);
                        Ok(())
                    }
                    Command::Seek(ms, reply) => {
                        let frame =
                            (ms as f64 * pipeline.src_rate() as f64 / 1000.0).round() as u64;
                        ended_sent = false;
                        // The caller gets the seek's own error; the player goes on.
                        let _ = reply.send(pipeline.restart(frame, &shared));
                        Ok(())
                    }
                    Command::Speed(s) => {
                        pipeline.settings.speed = s;
                        pipeline.restart(here, &shared)
                    }
                    Command::SkipSilence(on) => {
                        pipeline.settings.skip_silence = on;
                        pipeline.restart(here, &shared)
                    }
                    Command::Channel(m) => {
                        pipeline.settings.channel = m;
                        pipeline.restart(here, &shared)
                    }
                };
                if let Err(e) = result {
                    emit(PlayerEvent::Failed { message: e.to_string() });
                }
            }
        }
        if shared.device_lost.load(Ordering::Acquire) {
            emit(PlayerEvent::Failed {
                message: PlayerError::Device { reason: "the output device was lost".into() }
                    .to_string(),
            });
            return;
        }
        if last_event.elapsed() >= EVENT_PERIOD {
            last_event = Instant::now();
            if !shared.paused.load(Ordering::Acquire) {
                emit(PlayerEvent::Position {
                    ms: shared.position_us.load(Ordering::Acquire) / 1000,
                });
            }
            if shared.ended.load(Ordering::Acquire) && !ended_sent {
                ended_sent = true;
                emit(PlayerEvent::Ended);
            }
        }
    }
}
