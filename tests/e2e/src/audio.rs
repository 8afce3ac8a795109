//! What the app plays, captured at real-time pace without a sound card.
//!
//! The app's default ALSA device becomes a `plug` (to 48 kHz S16 stereo) in front of the `file`
//! plugin, which writes raw frames into a FIFO. `tests/support/pace.py --loop` drains the FIFO at
//! 48000 × 4 bytes per second into a file, so the player's device consumes audio exactly as fast
//! as a sound card would, and each player the app opens (one per call, one per restart) is served
//! in turn. Raw rather than WAV output, so that the capture file is one stream of frames with no
//! header per player.
//!
//! ALSA reads its configuration once per process, from `ALSA_CONFIG_PATH`; the app inherits it
//! through tauri-driver and WebKitWebDriver.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::process;

/// The capture's sample rate (frames per second).
pub const RATE: u32 = 48_000;
/// Bytes per second of capture: S16 stereo.
pub const BYTES_PER_SECOND: u32 = RATE * 4;

/// The capture device shared with the core's player tests and bench: everything "default" plays
/// goes, as 48 kHz S16 stereo, into the file put in for `@FILE@` (here the FIFO, raw frames).
const CAPTURE_CONF: &str = include_str!("../../support/alsa-capture.conf");

/// No usable device: the default PCM names a card that does not exist.
const NO_DEVICE_CONF: &str = include_str!("../../support/alsa-no-device.conf");

/// An ALSA setup for the app: a paced capture, or no device at all.
pub struct Audio {
    dir: tempfile::TempDir,
    conf: PathBuf,
    /// The pacer and the file it appends to; `None` without a device.
    pacer: Option<(Child, PathBuf)>,
}

/// What was captured so far.
#[derive(Clone, Copy, Debug)]
pub struct Captured {
    pub bytes: u64,
    /// Root mean square of all samples, full scale = 1.
    pub rms: f64,
    /// Largest absolute sample, full scale = 1.
    pub peak: f64,
}

impl Captured {
    /// Seconds of audio at the capture rate.
    pub fn seconds(&self) -> f64 {
        self.bytes as f64 / f64::from(BYTES_PER_SECOND)
    }

    /// Whether the RMS is above `threshold` (full scale = 1; 0.01 is −40 dBFS).
    pub fn is_non_silent(&self, threshold: f64) -> bool {
        self.rms > threshold
    }
}

impl Audio {
    /// A paced capture in a new temporary directory, ready for a writer.
    pub fn paced() -> Audio {
        let dir = tempdir("gamefilm-e2e-audio-");
        let fifo = dir.path().join("capture.fifo");
        let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(status.success(), "mkfifo {} failed", fifo.display());
        let conf = dir.path().join("asound.conf");
        let fifo_str = fifo.to_str().expect("temporary paths are UTF-8");
        assert!(!fifo_str.contains('"'), "a quote in {fifo_str} would break the ALSA config");
        let text =
            CAPTURE_CONF.replace("@FILE@", &format!("\"{fifo_str}\"")).replace("@FORMAT@", "raw");
        std::fs::write(&conf, text).expect("write the ALSA config");

        let capture = dir.path().join("capture.raw");
        let pace = crate::workspace_dir().join("tests/support/pace.py");
        let mut pacer = Command::new("python3")
            .arg(&pace)
            .arg(BYTES_PER_SECOND.to_string())
            .arg(&fifo)
            .arg(&capture)
            .arg("--loop")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", pace.display()));
        let stdout = pacer.stdout.take().expect("the pacer's stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(line) if line.trim() == "ready" => {}
            other => {
                let _ = pacer.kill();
                let _ = pacer.wait();
                panic!("{} did not report ready (got {other:?})", pace.display());
            }
        }
        Audio { dir, conf, pacer: Some((pacer, capture)) }
    }

    /// An ALSA configuration whose default device does not exist.
    pub fn without_device() -> Audio {
        let dir = tempdir("gamefilm-e2e-nodevice-");
        let conf = dir.path().join("asound.conf");
        std::fs::write(&conf, NO_DEVICE_CONF).expect("write the ALSA config");
        Audio { dir, conf, pacer: None }
    }

    /// The environment the audio process needs: `ALSA_CONFIG_PATH` (system file first).
    pub fn env(&self) -> Vec<(String, OsString)> {
        let mut path = OsString::from("/usr/share/alsa/alsa.conf:");
        path.push(&self.conf);
        vec![("ALSA_CONFIG_PATH".to_string(), path)]
    }

    /// The temporary directory holding the config, the FIFO and the capture.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Bytes captured so far (0 without a device).
    pub fn captured_bytes(&self) -> u64 {
        self.capture_path().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len())
    }

    /// Size, RMS and peak of everything captured so far.
    pub fn captured(&mut self) -> Captured {
        self.check_pacer();
        let bytes = self.capture_path().and_then(|p| std::fs::read(p).ok()).unwrap_or_default();
        let (mut sum, mut peak, mut n) = (0f64, 0f64, 0u64);
        // Raw S16LE frames from offset 0: a trailing partial sample (a write in progress) is
        // simply left out.
        for s in bytes.chunks_exact(2) {
            let v = f64::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0;
            sum += v * v;
            peak = peak.max(v.abs());
            n += 1;
        }
        let rms = if n == 0 { 0.0 } else { (sum / n as f64).sqrt() };
        Captured { bytes: bytes.len() as u64, rms, peak }
    }

    fn capture_path(&self) -> Option<&Path> {
        self.pacer.as_ref().map(|(_, p)| p.as_path())
    }

    /// Panics if the pacer died: the app would then see a broken pipe, not a device.
    fn check_pacer(&mut self) {
        if let Some((pacer, _)) = self.pacer.as_mut()
            && let Ok(Some(status)) = pacer.try_wait()
        {
            panic!("the audio pacer (tests/support/pace.py) exited: {status}");
        }
    }
}

impl Drop for Audio {
    fn drop(&mut self) {
        if let Some((mut pacer, _)) = self.pacer.take() {
            // The pacer holds no state worth a graceful exit: the capture is written unbuffered.
            let _ = pacer.kill();
            let _ = process::wait_timeout(&mut pacer, Duration::from_secs(5));
        }
    }
}

fn tempdir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(prefix).tempdir().expect("create a temporary directory")
}
