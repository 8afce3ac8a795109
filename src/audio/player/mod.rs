//! Playback: real-time-safe, on cpal, fed by a decoder thread.
//!
//! Threads:
//! - the caller holds a [`Player`]: a command sender and shared atomics, `Send + Sync`;
//! - the player thread owns the file, the converter chain ([`pipeline`]) and the cpal stream
//!   (created there, because a stream may not move between threads); it fills the rings,
//!   takes commands, and reports position and end-of-file at 30 Hz;
//! - cpal's callback ([`output`]) only copies from the rings and updates atomics.
//!
//! Invariants:
//! - The device's first fill is silence ([`output`]): a device with a deep buffer (a sound
//!   server's queue) takes it in one burst, and the silence it needs comes before the first
//!   sample, never inside the audio.
//! - The position is the source time of the frame being heard: frames handed to the device,
//!   less the device's depth measured on that first fill; never wall-clock time. The end is
//!   reported once the last frame is heard.
//! - After [`Player::seek`] returns, nothing decoded before the seek reaches the device from the
//!   rings; what the device already holds (its depth) is still heard, while the position shows
//!   the target.

mod model;
mod output;
mod pipeline;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use model::Shared;
pub use model::{
    ChannelMode, MAX_SPEED, MIN_SPEED, PlayerError, PlayerEvent, PlayerInfo, PlayerOptions,
};
pub use output::DeviceFormat;
use output::RingReader;
use pipeline::{Pipeline, RingWriter, Settings};

use super::{AudioError, Source};
use crate::error::catch_panic;
use crate::jobs::Job;

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
    /// `events` receives positions at 30 Hz (its progress, throttled to [`EVENT_PERIOD`]), the
    /// end of the file and failures.
    pub fn open(
        path: &Path,
        opts: PlayerOptions,
        events: Job<PlayerEvent>,
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
            .spawn(move || {
                player_thread(
                    &path,
                    opts,
                    thread_shared,
                    command_rx,
                    ready_tx,
                    events.every(EVENT_PERIOD),
                )
            })
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

    /// Source time of the frame being heard.
    pub fn position_ms(&self) -> i64 {
        self.shared.position_us.load(Ordering::Acquire) / 1000
    }

    pub fn is_ended(&self) -> bool {
        self.shared.ended.load(Ordering::Acquire)
    }

    /// Device frames of audio handed to the device (silence while paused or starved not
    /// counted); what the device holds is heard up to its depth later.
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

    pub fn info(&self) -> PlayerInfo {
        PlayerInfo {
            duration_ms: self.duration_ms,
            device_rate: self.device.sample_rate,
            device_channels: self.device.channels as u32,
        }
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

/// What the player thread owns while it plays.
struct Playing {
    pipeline: Pipeline,
    ring: RingWriter,
    /// Kept alive for as long as the thread plays; dropping it closes the device.
    _stream: cpal::Stream,
    shared: Arc<Shared>,
    events: Job<PlayerEvent>,
    ended_sent: bool,
}

/// The player thread: sets up, tells [`Player::open`] how that went, then fills the ring, takes
/// commands and reports until the [`Player`] is dropped or playback fails. A panic in either
/// part (a decoder bug on a damaged file) ends in the same typed error as any failure: the
/// open is refused, or listeners hear `Failed` — never silence.
fn player_thread(
    path: &Path,
    opts: PlayerOptions,
    shared: Arc<Shared>,
    commands: mpsc::Receiver<Command>,
    ready: Ready,
    events: Job<PlayerEvent>,
) {
    let crashed = |message| PlayerError::Crashed { message };
    let set = catch_panic(|| set_up(path, &opts, &shared)).unwrap_or_else(|m| Err(crashed(m)));
    let mut playing = match set {
        Ok((pipeline, ring, stream, format, duration_ms)) => {
            let _ = ready.send(Ok((format, duration_ms)));
            Playing { pipeline, ring, _stream: stream, shared, events, ended_sent: false }
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    if let Err(message) = catch_panic(|| playing.run(&commands)) {
        playing.events.send(PlayerEvent::failed(&crashed(message)));
    }
}

/// Opens the file and the device, and fills the ring before the device starts (so the first
/// callback finds audio). Returns the duration to report: the file's, or up to `to_ms`.
fn set_up(
    path: &Path,
    opts: &PlayerOptions,
    shared: &Arc<Shared>,
) -> Result<(Pipeline, RingWriter, cpal::Stream, DeviceFormat, i64), PlayerError> {
    let (mut source, track) = Source::open(path)?;
    let src_rate = track.params.sample_rate.unwrap_or(0);
    if src_rate == 0 {
        return Err(AudioError::Corrupt {
            path: path.to_path_buf(),
            reason: "no sample rate".into(),
        }
        .into());
    }
    let duration_ms =
        track.output_frames().map_or(i64::MAX, |f| (f as f64 * 1000.0 / src_rate as f64) as i64);
    let (device, config) = output::probe_device(opts.device_rate)?;
    let format =
        DeviceFormat { sample_rate: config.sample_rate(), channels: config.channels() as usize };
    let ring_frames = format.sample_rate as usize * RING_MS / 1000;
    let (audio_tx, audio_rx) = rtrb::RingBuffer::new(ring_frames * format.channels);
    let (blocks_tx, blocks_rx) = rtrb::RingBuffer::new(ring_frames / pipeline::BLOCK_FRAMES + 4);
    let to_frame = |ms: i64| (ms as f64 * src_rate as f64 / 1000.0).round() as u64;
    source.set_end(opts.to_ms.map(to_frame));
    let settings =
        Settings { speed: opts.speed, channel: opts.channel, skip_silence: opts.skip_silence };
    let mut pipeline =
        Pipeline::new(source, src_rate, format.sample_rate, format.channels, settings);
    pipeline.set_end(opts.to_ms.map(to_frame));
    pipeline.restart(to_frame(opts.from_ms), shared)?;
    let mut ring = RingWriter { audio: audio_tx, blocks: blocks_tx };
    pipeline.produce(&mut ring)?;
    let stream = output::start(
        &device,
        &config,
        RingReader { audio: audio_rx, blocks: blocks_rx },
        Arc::clone(shared),
    )?;
    Ok((pipeline, ring, stream, format, duration_ms.min(opts.to_ms.unwrap_or(i64::MAX))))
}

impl Playing {
    /// Fills the ring, takes commands and reports, until the [`Player`] is dropped (its command
    /// sender gone) or playback fails (reported as `Failed`).
    fn run(&mut self, commands: &mpsc::Receiver<Command>) {
        loop {
            let command = match self.pipeline.produce(&mut self.ring) {
                Ok(true) => commands.try_recv().map_err(|e| e == mpsc::TryRecvError::Disconnected),
                Ok(false) => commands
                    .recv_timeout(Duration::from_millis(5))
                    .map_err(|e| e == mpsc::RecvTimeoutError::Disconnected),
                Err(e) => return self.events.send(PlayerEvent::failed(&e)),
            };
            match command {
                Err(true) => return,
                Err(false) => {}
                Ok(c) => {
                    if let Err(e) = self.apply(c) {
                        self.events.send(PlayerEvent::failed(&e));
                    }
                }
            }
            if self.shared.device_lost.load(Ordering::Acquire) {
                let lost = PlayerError::Device { reason: "the output device was lost".into() };
                return self.events.send(PlayerEvent::failed(&lost));
            }
            self.report();
        }
    }

    /// Carries out one command. A seek answers its caller with its own result; the other
    /// commands' errors are the caller's to report.
    fn apply(&mut self, command: Command) -> Result<(), PlayerError> {
        let src_rate = self.pipeline.src_rate() as f64;
        // Restarts that change how the audio sounds go on from what was handed to the device,
        // so the device's depth is not played twice.
        let at = self.shared.queued_us.load(Ordering::Acquire);
        let here = (at as f64 * src_rate / 1e6) as u64;
        match command {
            Command::Play => self.shared.paused.store(false, Ordering::Release),
            Command::Pause => self.shared.paused.store(true, Ordering::Release),
            Command::Seek(ms, reply) => {
                let frame = (ms as f64 * src_rate / 1000.0).round() as u64;
                self.ended_sent = false;
                // The caller gets the seek's own error; the player goes on.
                let _ = reply.send(self.pipeline.restart(frame, &self.shared));
            }
            Command::Speed(s) => {
                self.pipeline.settings.speed = s;
                return self.pipeline.restart(here, &self.shared);
            }
            Command::SkipSilence(on) => {
                self.pipeline.settings.skip_silence = on;
                return self.pipeline.restart(here, &self.shared);
            }
            Command::Channel(m) => {
                self.pipeline.settings.channel = m;
                return self.pipeline.restart(here, &self.shared);
            }
        }
        Ok(())
    }

    /// The position while playing (throttled by the job to [`EVENT_PERIOD`]) and the end, once.
    fn report(&mut self) {
        if !self.shared.paused.load(Ordering::Acquire) {
            let shared = &self.shared;
            self.events.progress(|| PlayerEvent::Position {
                ms: shared.position_us.load(Ordering::Acquire) / 1000,
            });
        }
        if self.shared.ended.load(Ordering::Acquire) && !self.ended_sent {
            self.ended_sent = true;
            self.events.send(PlayerEvent::Ended);
        }
    }
}
