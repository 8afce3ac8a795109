//! The player through the real audio path: cpal → ALSA → the `file` plugin, paced by
//! `tests/support/pace.py` through a FIFO. What ALSA captured is compared with an independent
//! decode by ffmpeg at the device rate.
//!
//! ALSA reads its configuration once per process, so every scenario runs in a child process
//! (this test binary again, running only `player_child`) with its own capture environment. The
//! child drives a [`Player`] through a script and writes what it observed as JSON; the parent
//! analyses the capture. `player_child` is not a test of its own: it is ignored, so a normal run
//! neither runs nor counts it, and the parent runs it with `--ignored --exact player_child`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use gamefilm::audio::player::{ChannelMode, Player, PlayerError, PlayerEvent, PlayerOptions};
use gamefilm::jobs::Job;
use serde::{Deserialize, Serialize};

const RATE: u32 = 48_000;

/// The shared capture device, writing WAV into the file `ALSA_CAPTURE_FILE` names (the FIFO).
fn capture_conf() -> String {
    include_str!("support/alsa-capture.conf")
        .replace(
            "@FILE@",
            r#"{ @func getenv  vars [ ALSA_CAPTURE_FILE ]  default "/tmp/alsa-capture.wav" }"#,
        )
        .replace("@FORMAT@", "wav")
}

/// No usable device: the default PCM names a card that does not exist.
const NO_DEVICE_CONF: &str = include_str!("support/alsa-no-device.conf");

#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
enum Step {
    /// Wait until the player's position reaches this many ms.
    Until(i64),
    Seek(i64),
    Pause,
    Play,
    /// Sleep this long (wall clock).
    Sleep(u64),
    /// Record position and frames played.
    Mark,
}

#[derive(Serialize, Deserialize, Default)]
struct Script {
    file: PathBuf,
    from_ms: i64,
    to_ms: Option<i64>,
    speed: f64,
    skip_silence: bool,
    channel: String,
    steps: Vec<Step>,
    /// Play to the end after the steps.
    to_end: bool,
    /// While playing to the end, sample the position every 10 ms.
    track: bool,
}

#[derive(Serialize, Deserialize, Debug, Default)]
struct Observed {
    error_code: Option<String>,
    error: Option<String>,
    /// (position ms, frames played) at each Mark and right after each Seek returns.
    marks: Vec<(i64, u64)>,
    end_position_ms: i64,
    underruns: u64,
    /// Position events received, and over how long (ms); whether the end was announced.
    position_events: usize,
    events_span_ms: u64,
    ended_event: bool,
    /// With `track`: (wall-clock seconds since the epoch, position ms) while playing to the end,
    /// and when the end was seen.
    timeline: Vec<(f64, i64)>,
    ended_at: f64,
}

fn wall_clock() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

/// A paced capture: FIFO + pacer + ALSA configuration, in a temp dir.
struct Capture {
    dir: tempfile::TempDir,
    pacer: Option<Child>,
    conf: PathBuf,
}

impl Capture {
    /// `speedup`: how many times faster than real time the device consumes audio.
    fn paced(speedup: f64) -> Capture {
        Capture::paced_with(speedup, 4096)
    }

    /// A device `pipe` bytes deep (the FIFO's size; 4 KiB stands for a sound card's few periods,
    /// 64 KiB and more for a sound server's queue): it takes that much in one burst when it
    /// starts, then paces.
    fn paced_with(speedup: f64, pipe: usize) -> Capture {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("asound.conf");
        std::fs::write(&conf, capture_conf()).unwrap();
        let fifo = dir.path().join("capture.fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let pace = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pace.py");
        let bytes_per_s = (RATE as f64 * 4.0 * speedup).to_string();
        let mut pacer = Command::new("python3")
            .arg(pace)
            .arg(bytes_per_s)
            .arg(&fifo)
            .arg(dir.path().join("capture.wav"))
            .args(["--pipe", &pipe.to_string(), "--started"])
            .arg(dir.path().join("started"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the pacer");
        let mut line = String::new();
        BufReader::new(pacer.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready");
        Capture { dir, pacer: Some(pacer), conf }
    }

    fn broken() -> Capture {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("asound.conf");
        std::fs::write(&conf, NO_DEVICE_CONF).unwrap();
        Capture { dir, pacer: None, conf }
    }

    /// Runs `script` in a child process against this capture.
    fn run(&mut self, script: &Script) -> Observed {
        let script_path = self.dir.path().join("script.json");
        let observed_path = self.dir.path().join("observed.json");
        std::fs::write(&script_path, serde_json::to_vec(script).unwrap()).unwrap();
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "player_child", "--nocapture", "--test-threads=1"])
            .env("GAMEFILM_PLAYER_SCRIPT", &script_path)
            .env("GAMEFILM_PLAYER_OBSERVED", &observed_path)
            .env("ALSA_CONFIG_PATH", format!("/usr/share/alsa/alsa.conf:{}", self.conf.display()))
            .env("ALSA_CAPTURE_FILE", self.dir.path().join("capture.fifo"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&std::fs::read(&observed_path).unwrap()).unwrap()
    }

    /// When the pacer read its first byte (wall clock): capture frame N is heard N / RATE later.
    fn started(&self) -> f64 {
        std::fs::read_to_string(self.dir.path().join("started")).unwrap().parse().unwrap()
    }

    /// Waits for the pacer and returns the captured frames (left, right) as f32.
    fn captured(mut self) -> (Vec<f32>, Vec<f32>) {
        if let Some(mut p) = self.pacer.take() {
            let deadline = Instant::now() + Duration::from_secs(60);
            while p.try_wait().unwrap().is_none() {
                assert!(Instant::now() < deadline, "the pacer did not finish");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let bytes = std::fs::read(self.dir.path().join("capture.wav")).unwrap();
        let data = &bytes[44.min(bytes.len())..];
        let (mut l, mut r) = (Vec::new(), Vec::new());
        for f in data.chunks_exact(4) {
            l.push(i16::from_le_bytes([f[0], f[1]]) as f32 / 32768.0);
            r.push(i16::from_le_bytes([f[2], f[3]]) as f32 / 32768.0);
        }
        (l, r)
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(mut p) = self.pacer.take() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

/// The child side: runs the script given in the environment; a no-op without one.
#[test]
#[ignore = "the child process of the player tests, which run it; not a test by itself"]
fn player_child() {
    let Ok(script_path) = std::env::var("GAMEFILM_PLAYER_SCRIPT") else {
        return;
    };
    let observed_path = std::env::var("GAMEFILM_PLAYER_OBSERVED").unwrap();
    let script: Script = serde_json::from_slice(&std::fs::read(script_path).unwrap()).unwrap();
    let channel = match script.channel.as_str() {
        "left" => ChannelMode::Left,
        "right" => ChannelMode::Right,
        _ => ChannelMode::Mix,
    };
    let opts = PlayerOptions {
        from_ms: script.from_ms,
        to_ms: script.to_ms,
        speed: if script.speed == 0.0 { 1.0 } else { script.speed },
        skip_silence: script.skip_silence,
        channel,
        device_rate: Some(RATE),
        start_paused: false,
    };
    let mut seen = Observed::default();
    let (events, received) = std::sync::mpsc::channel();
    let opened_at = Instant::now();
    match Player::open(&script.file, opts, Job::new(move |e| drop(events.send(e)))) {
        Err(e) => {
            seen.error_code = Some(e.code().to_string());
            seen.error = Some(e.to_string());
        }
        Ok(player) => {
            let deadline = Instant::now() + Duration::from_secs(60);
            let wait = |cond: &dyn Fn() -> bool| {
                while !cond() {
                    assert!(Instant::now() < deadline, "timed out");
                    std::thread::sleep(Duration::from_millis(1));
                }
            };
            for step in &script.steps {
                match *step {
                    Step::Until(ms) => wait(&|| player.position_ms() >= ms || player.is_ended()),
                    Step::Seek(ms) => {
                        player.seek(ms).unwrap();
                        seen.marks.push((player.position_ms(), player.frames_played()));
                    }
                    Step::Pause => player.pause().unwrap(),
                    Step::Play => player.play().unwrap(),
                    Step::Sleep(ms) => std::thread::sleep(Duration::from_millis(ms)),
                    Step::Mark => seen.marks.push((player.position_ms(), player.frames_played())),
                }
            }
            if script.to_end {
                let mut sampled = Instant::now();
                while !player.is_ended() {
                    assert!(Instant::now() < deadline, "timed out");
                    if script.track && sampled.elapsed() >= Duration::from_millis(10) {
                        sampled = Instant::now();
                        seen.timeline.push((wall_clock(), player.position_ms()));
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                seen.ended_at = wall_clock();
            }
            seen.end_position_ms = player.position_ms();
            seen.underruns = player.underruns();
            std::thread::sleep(Duration::from_millis(100));
            player.stop();
            seen.events_span_ms = opened_at.elapsed().as_millis() as u64;
            for e in received.try_iter() {
                match e {
                    PlayerEvent::Position { .. } => seen.position_events += 1,
                    PlayerEvent::Ended => seen.ended_event = true,
                    PlayerEvent::Failed { message, .. } => seen.error = Some(message),
                }
            }
        }
    }
    std::fs::write(observed_path, serde_json::to_vec(&seen).unwrap()).unwrap();
}

fn script(file: &str) -> Script {
    Script {
        file: fixture(file),
        speed: 1.0,
        channel: "mix".into(),
        to_end: true,
        ..Default::default()
    }
}

/// ffmpeg's decode at the device rate: (left, right) after `filter` (e.g. a channel pan).
fn reference(file: &str, filter: Option<&str>) -> (Vec<f32>, Vec<f32>) {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-nostdin", "-v", "error", "-i"]).arg(fixture(file));
    if let Some(f) = filter {
        cmd.args(["-af", f]);
    }
    let out = cmd.args(["-ar", "48000", "-ac", "2", "-f", "f32le", "-"]).output().unwrap();
    assert!(out.status.success());
    let s: Vec<f32> =
        out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    (s.iter().step_by(2).copied().collect(), s.iter().skip(1).step_by(2).copied().collect())
}

/// Where `needle` best matches inside `hay` (offset, correlation), stepping coarsely then finely.
fn locate(hay: &[f32], needle: &[f32]) -> (usize, f64) {
    let n = needle.len();
    if hay.len() < n {
        return (0, 0.0);
    }
    let mut best = (0usize, f64::MIN);
    let coarse = 8;
    for off in (0..=hay.len() - n).step_by(coarse) {
        let c = correlation(&hay[off..off + n], needle);
        if c > best.1 {
            best = (off, c);
        }
    }
    let (lo, hi) = (best.0.saturating_sub(coarse), (best.0 + coarse).min(hay.len() - n));
    for off in lo..=hi {
        let c = correlation(&hay[off..off + n], needle);
        if c > best.1 {
            best = (off, c);
        }
    }
    best
}

/// Index of the first sample louder than a whisper.
fn first_sound(x: &[f32]) -> usize {
    x.iter().position(|v| v.abs() > 1e-3).unwrap_or(x.len())
}

/// Seconds of sound: everything but silent runs of 10 ms or more.
fn sound_seconds(x: &[f32]) -> f64 {
    let mut silent = 0usize;
    let mut run = 0usize;
    for v in x {
        if v.abs() <= 1e-3 {
            run += 1;
        } else {
            if run >= RATE as usize / 100 {
                silent += run;
            }
            run = 0;
        }
    }
    if run >= RATE as usize / 100 {
        silent += run;
    }
    (x.len() - silent) as f64 / RATE as f64
}

fn last_sound(x: &[f32]) -> usize {
    x.iter().rposition(|v| v.abs() > 1e-3).map_or(0, |i| i + 1)
}

fn assert_plays_like_ffmpeg(file: &str) {
    let mut cap = Capture::paced(4.0);
    let seen = cap.run(&script(file));
    assert!(seen.error.is_none(), "{:?}", seen.error);
    let (l, r) = cap.captured();
    let (rl, rr) = reference(file, None);
    // The whole of ffmpeg's decode, found in the capture at the start.
    let head = &rl[..rl.len().min(RATE as usize)];
    let (off, c) = locate(&l[..l.len().min(3 * RATE as usize)], head);
    // The device's first fill is silence (10 ms periods until it paces: 4 KiB and two periods
    // at this device's 4×, plus the five periods it takes to see that it paces).
    assert!(off < 6_000, "{file}: playback started {off} frames late");
    let n = rl.len().min(l.len() - off);
    assert!(n + 2_400 >= rl.len(), "{file}: captured {n} of {} frames", rl.len());
    let cl = correlation(&l[off..off + n], &rl[..n]);
    let cr = correlation(&r[off..off + n], &rr[..n]);
    assert!(
        c >= 0.99 && cl >= 0.99 && cr >= 0.99,
        "{file}: correlation {c:.4} head, {cl:.4} left, {cr:.4} right"
    );
    assert_eq!(seen.underruns, 0, "{file}: underruns");
    // Listeners hear the position at 20 Hz or more, and the end.
    let rate = seen.position_events as f64 * 1000.0 / seen.events_span_ms as f64;
    assert!(rate >= 20.0, "{file}: {rate:.1} position events a second");
    assert!(seen.ended_event, "{file}: no end-of-file event");
}

#[test]
fn plays_a_sine_like_ffmpeg_decodes_it() {
    assert_plays_like_ffmpeg("sine_1k_44k.wav");
}

#[test]
fn plays_a_sweep_like_ffmpeg_decodes_it() {
    assert_plays_like_ffmpeg("sweep_22k.wav");
}

#[test]
fn plays_real_speech_like_ffmpeg_decodes_it() {
    assert_plays_like_ffmpeg("mp3_8k_mono.mp3");
}

#[test]
fn after_a_seek_the_first_audio_is_the_source_at_the_target() {
    // A starved run (a shared, loaded machine; debug build) leaves gaps that say nothing about
    // the seek: it is counted in `underruns`, and such a run is tried again, at most twice.
    for attempt in 1..=3 {
        match seek_attempt() {
            Ok(()) => return,
            Err((underruns, why)) if underruns > 0 && attempt < 3 => {
                eprintln!("attempt {attempt}: {underruns} underrun(s), trying again ({why})");
            }
            Err((underruns, why)) => panic!("{why} ({underruns} underruns)"),
        }
    }
}

/// Plays 0.5 s, seeks to 2 s, plays to 3 s; checks the capture. `Err((underruns, why))`.
fn seek_attempt() -> Result<(), (u64, String)> {
    let mut cap = Capture::paced(4.0);
    let mut s = script("speech.wav");
    s.steps = vec![Step::Until(500), Step::Seek(2_000), Step::Until(3_000)];
    s.to_end = false;
    let seen = cap.run(&s);
    let check = |ok: bool, why: String| if ok { Ok(()) } else { Err((seen.underruns, why)) };
    let (after_seek_ms, _) = seen.marks[0];
    check(
        (after_seek_ms - 2_000).abs() <= 10,
        format!("position after the seek: {after_seek_ms} ms"),
    )?;
    let (l, _) = cap.captured();
    let (rl, _) = reference("speech.wav", None);
    let at = 2 * RATE as usize;
    // The first 100 ms after the target, found in the capture...
    let (off, c) = locate(&l, &rl[at..at + RATE as usize / 10]);
    check(c >= 0.99, format!("the target's audio is in the capture (correlation {c:.4})"))?;
    // ...and everything before it is the start of the file (after the device's first fill, which
    // is silence), then silence: nothing stale.
    let (start, _) = locate(&l[..RATE as usize / 2], &rl[..RATE as usize / 4]);
    let before = last_sound(&l[..off]);
    let pre = before.saturating_sub(start);
    let pc = correlation(&l[start..before], &rl[..pre]);
    check(
        pc >= 0.99,
        format!("before the jump: the file from 0 ({pre} frames, correlation {pc:.4})"),
    )?;
    check(
        pre < RATE as usize,
        format!("no more than the first half second (+ buffers) before the jump: {pre}"),
    )?;
    // From the jump on, the source from the target.
    let n = (RATE as usize / 2).min(l.len() - off);
    let after = correlation(&l[off..off + n], &rl[at..at + n]);
    check(after >= 0.99, format!("after the jump: correlation {after:.4}"))
}

/// Dominant frequency by zero crossings.
fn frequency(x: &[f32]) -> f64 {
    let crossings = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    crossings as f64 * RATE as f64 / x.len() as f64
}

#[test]
fn at_2x_a_sine_lasts_half_as_long_and_keeps_its_pitch() {
    let mut cap = Capture::paced(4.0);
    let mut s = script("sine_440_44k.wav");
    s.speed = 2.0;
    let seen = cap.run(&s);
    assert!(
        (seen.end_position_ms - 4_000).abs() <= 50,
        "position reaches the end: {}",
        seen.end_position_ms
    );
    let (l, _) = cap.captured();
    let (a, b) = (first_sound(&l), last_sound(&l));
    let secs = (b - a) as f64 / RATE as f64;
    assert!((secs - 2.0).abs() <= 0.1, "4 s at 2× lasted {secs:.3} s");
    let mid = &l[a + RATE as usize / 4..b - RATE as usize / 4];
    let f = frequency(mid);
    assert!((f - 440.0).abs() <= 440.0 * 0.02, "pitch {f:.1} Hz instead of 440");
}

#[test]
fn pause_stops_the_frames_and_play_resumes_where_it_stopped() {
    let mut cap = Capture::paced(1.0);
    let mut s = script("sine_1k_44k.wav");
    s.steps = vec![
        Step::Until(500),
        Step::Pause,
        // Longer than the device's depth: what it holds is still heard after the pause.
        Step::Sleep(150),
        Step::Mark,
        Step::Sleep(300),
        Step::Mark,
        Step::Play,
    ];
    let seen = cap.run(&s);
    let ((p1, f1), (p2, f2)) = (seen.marks[0], seen.marks[1]);
    assert_eq!((p1, f1), (p2, f2), "nothing played while paused");
    assert!((500..700).contains(&p1), "paused at {p1} ms");
    let (l, _) = cap.captured();
    // The pause is a silent gap in the capture; the sound on both sides adds up to the file.
    let sound = sound_seconds(&l);
    assert!((sound - 2.0).abs() < 0.05, "{sound:.3} s of sound for a 2 s file");
    let gap = l.windows(RATE as usize / 4).any(|w| w.iter().all(|v| v.abs() <= 1e-3));
    assert!(gap, "a silent gap of at least 250 ms");
}

#[test]
fn skip_silence_removes_a_known_silence() {
    let mut cap = Capture::paced(4.0);
    let mut s = script("silence_gap.wav");
    s.skip_silence = true;
    let seen = cap.run(&s);
    assert!(
        seen.end_position_ms >= 6_900,
        "the position jumps with the skip: {}",
        seen.end_position_ms
    );
    let (l, _) = cap.captured();
    let secs = (last_sound(&l) - first_sound(&l)) as f64 / RATE as f64;
    // 2 s tone + a 0.25 s pause + 2 s tone, instead of 7 s.
    assert!((4.1..4.5).contains(&secs), "7 s with a 3 s silence played in {secs:.3} s");
    let mut cap = Capture::paced(4.0);
    let seen = cap.run(&script("silence_gap.wav"));
    let (l, _) = cap.captured();
    let secs = (last_sound(&l) - first_sound(&l)) as f64 / RATE as f64;
    assert!((secs - 7.0).abs() < 0.05, "off by default: {secs:.3} s");
    assert!(seen.end_position_ms >= 6_900);
}

#[test]
fn channel_selection_plays_the_chosen_side_on_both_speakers() {
    // Left: speech; right: a 440 Hz tone.
    for (mode, pan) in
        [("left", "pan=stereo|c0=c0|c1=c0"), ("right", "pan=stereo|c0=c1|c1=c1"), ("mix", "anull")]
    {
        let mut cap = Capture::paced(4.0);
        let mut s = script("pcm16_44k_stereo.wav");
        s.channel = mode.into();
        cap.run(&s);
        let (l, r) = cap.captured();
        let (rl, rr) = reference("pcm16_44k_stereo.wav", Some(pan));
        let (off, _) = locate(&l[..RATE as usize], &rl[..RATE as usize / 2]);
        let n = rl.len().min(l.len() - off) - 1;
        let (cl, cr) =
            (correlation(&l[off..off + n], &rl[..n]), correlation(&r[off..off + n], &rr[..n]));
        assert!(cl >= 0.99 && cr >= 0.99, "{mode}: correlation {cl:.4} / {cr:.4}");
    }
    // A mono file is heard on both sides.
    let mut cap = Capture::paced(4.0);
    cap.run(&script("mulaw_8k.wav"));
    let (l, r) = cap.captured();
    let n = l.len().min(r.len());
    assert!(correlation(&l[..n], &r[..n]) > 0.999);
    assert!(last_sound(&l) - first_sound(&l) > RATE as usize * 7);
}

#[test]
fn without_a_usable_device_opening_fails_with_a_typed_error() {
    let mut cap = Capture::broken();
    let seen = cap.run(&script("sine_1k_44k.wav"));
    assert_eq!(seen.error_code.as_deref(), Some("player.no_device"), "{:?}", seen.error);
    assert!(seen.error.unwrap().contains("no audio output device"));
}

#[test]
fn bad_arguments_are_refused_before_any_device_is_touched() {
    let bad_speed = PlayerOptions { speed: 4.0, ..Default::default() };
    match Player::open(&fixture("sine_1k_44k.wav"), bad_speed, Job::silent()) {
        Err(PlayerError::Invalid { field: "speed", .. }) => {}
        Err(e) => panic!("wrong error {e}"),
        Ok(_) => panic!("opened at 4×"),
    }
    let empty = PlayerOptions { from_ms: 1000, to_ms: Some(500), ..Default::default() };
    assert!(matches!(
        Player::open(&fixture("sine_1k_44k.wav"), empty, Job::silent()),
        Err(PlayerError::Invalid { .. })
    ));
}

/// Device depths the player is tested at, as the capture FIFO's size: a sound card's few
/// periods (4 KiB, 21 ms), then deeper queues like a sound server's (up to 256 KiB, 1.37 s).
const DEVICE_PIPES: [usize; 4] = [4 << 10, 16 << 10, 64 << 10, 256 << 10];

/// ffmpeg's exact decode of `from_s` to `from_s + secs` at the device rate: (left, right).
fn reference_span(file: &str, from_s: f64, secs: f64) -> (Vec<f32>, Vec<f32>) {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(fixture(file))
        .args(["-ss", &from_s.to_string(), "-t", &secs.to_string()])
        .args(["-ar", "48000", "-ac", "2", "-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s: Vec<f32> =
        out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    (s.iter().step_by(2).copied().collect(), s.iter().skip(1).step_by(2).copied().collect())
}

/// The longest run of frames where both channels are silent, within `l`/`r`.
fn longest_silence(l: &[f32], r: &[f32]) -> (usize, usize) {
    let (mut best, mut at, mut run) = (0, 0, 0);
    for (i, (a, b)) in l.iter().zip(r).enumerate() {
        if a.abs() <= 1e-3 && b.abs() <= 1e-3 {
            run += 1;
            if run > best {
                (best, at) = (run, i + 1 - run);
            }
        } else {
            run = 0;
        }
    }
    (best, at)
}

/// Plays 200 s to 203 s of `file` (a chirp on the left, pink noise on the right: never silent)
/// at `speed` on devices of every depth in [`DEVICE_PIPES`], paced at real time, and checks
/// that what is heard is the span, whole, with no silence inside, and that the position and the
/// end reported are what is being heard. At 1× the capture must match ffmpeg's decode; at 2× the
/// shallowest device's capture (the stretcher is deterministic), whose pitch is checked too.
fn assert_no_gap_at_any_depth(file: &str, speed: f64) {
    let (from_ms, to_ms) = (200_000, 203_000);
    let span = ((to_ms - from_ms) as f64 / speed * RATE as f64 / 1000.0).round() as usize;
    let mut first: Option<(Vec<f32>, Vec<f32>)> = None;
    for pipe in DEVICE_PIPES {
        let case = format!("{file} at {speed}× on a {} KiB device", pipe >> 10);
        let mut cap = Capture::paced_with(1.0, pipe);
        let mut s = script(file);
        (s.from_ms, s.to_ms, s.speed, s.track) = (from_ms, Some(to_ms), speed, true);
        let seen = cap.run(&s);
        assert!(seen.error.is_none(), "{case}: {:?}", seen.error);
        let started = cap.started();
        let (l, r) = cap.captured();
        assert_eq!(seen.underruns, 0, "{case}: underruns");
        let a = first_sound(&l).min(first_sound(&r));
        let b = last_sound(&l).max(last_sound(&r));
        // Any silence the device needs comes first: at most its depth (the pipe, ALSA's two
        // periods) and the few periods it takes to see the first fill end, plus 50 ms.
        let depth_limit = pipe / 4 + 960 + 5 * 480 + RATE as usize / 20;
        assert!(a <= depth_limit, "{case}: {a} frames of silence before the audio");
        let (gap, gap_at) = longest_silence(&l[a..b], &r[a..b]);
        assert!(
            gap < RATE as usize / 500,
            "{case}: {:.1} ms of silence inside the audio, {:.1} ms after it starts",
            gap as f64 / 48.0,
            gap_at as f64 / 48.0
        );
        let heard = b - a;
        assert!(heard.abs_diff(span) <= 256, "{case}: {heard} frames heard for {span}");
        let (rl, rr) = match (speed == 1.0, &first) {
            (true, _) => reference_span(file, from_ms as f64 / 1000.0, heard as f64 / 48_000.0),
            (false, Some(f)) => f.clone(),
            (false, None) => (l[a..b].to_vec(), r[a..b].to_vec()),
        };
        let (off, c) = locate(&l[..a + RATE as usize / 10], &rl[..RATE as usize / 50]);
        let n = rl.len().min(l.len() - off);
        assert!(n + 256 >= span, "{case}: only {n} frames to compare");
        let (cl, cr) =
            (correlation(&l[off..off + n], &rl[..n]), correlation(&r[off..off + n], &rr[..n]));
        assert!(
            c >= 0.99 && cl >= 0.99 && cr >= 0.99,
            "{case}: correlation {c:.4} at the start, {cl:.4} / {cr:.4} over the whole span"
        );
        if first.is_none() && speed != 1.0 {
            // The chirp's pitch tells the source time: 5366.7 Hz at 200 s, 5445.7 Hz at 203 s
            // (averaged over 100 ms of output, 200 ms of source at 2×).
            let w = RATE as usize / 10;
            let chirp = |t: f64| 100.0 + 7900.0 * t / 300.0;
            let (f0, f1) = (frequency(&l[a..a + w]), frequency(&l[b - w..b]));
            let (e0, e1) = (chirp(200.0 + 0.05 * speed), chirp(203.0 - 0.05 * speed));
            assert!(
                (f0 - e0).abs() <= 15.0 && (f1 - e1).abs() <= 15.0,
                "{case}: pitch {f0:.1} → {f1:.1} Hz, expected {e0:.1} → {e1:.1}"
            );
            first = Some((rl, rr));
        }
        // The position is what is heard: capture frame N is heard at started + N / RATE, and
        // plays source time from + (N - a) × speed.
        let heard_at = |t: f64| ((t - started) * RATE as f64).round() as i64;
        let mut worst = 0i64;
        for &(t, pos) in &seen.timeline {
            let n = heard_at(t);
            if n < a as i64 + 2_400 || n > b as i64 - 2_400 {
                continue;
            }
            let expected = from_ms + ((n - a as i64) as f64 / 48.0 * speed) as i64;
            if (pos - expected).abs() > worst.abs() {
                worst = pos - expected;
            }
        }
        assert!(
            worst.abs() as f64 <= 40.0 * speed,
            "{case}: the position was {worst} ms off what was heard"
        );
        let ended = heard_at(seen.ended_at) - b as i64;
        assert!(
            (-2_400..=2_400).contains(&ended),
            "{case}: the end was reported {:+.0} ms after the last sound was heard",
            ended as f64 / 48.0
        );
        eprintln!(
            "{case}: {a} frames of leading silence, position off by {worst:+} ms at most, end {:+.0} ms",
            ended as f64 / 48.0
        );
    }
}

#[test]
fn a_wav_plays_without_a_gap_on_devices_of_any_depth() {
    assert_no_gap_at_any_depth("chirp_noise.wav", 1.0);
}

#[test]
fn an_mp3_plays_without_a_gap_on_devices_of_any_depth() {
    assert_no_gap_at_any_depth("chirp_noise.mp3", 1.0);
}

#[test]
fn at_2x_a_wav_plays_without_a_gap_on_devices_of_any_depth() {
    assert_no_gap_at_any_depth("chirp_noise.wav", 2.0);
}

#[test]
fn at_2x_an_mp3_plays_without_a_gap_on_devices_of_any_depth() {
    assert_no_gap_at_any_depth("chirp_noise.mp3", 2.0);
}
