//! Player benchmark on the paced ALSA capture device (real time, as a sound card would be):
//! play-to-first-audio and seek-to-new-audio latency, CPU at 1× and 2× on a 44.1 kHz stereo
//! MP3, and RSS while playing through a 2-hour file. Not a test: it prints figures.
//!
//! `cargo bench --bench player` (or `make bench-player`). The 2-hour file is generated once into
//! target/bench/. Each part runs in a child process with its own ALSA configuration.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gamefilm::audio::player::{Player, PlayerOptions};
use gamefilm::jobs::Job;

/// The capture device the player tests use, writing raw frames into the file
/// `ALSA_CAPTURE_FILE` names (the FIFO).
fn capture_conf() -> String {
    include_str!("../tests/support/alsa-capture.conf")
        .replace("@FILE@", r#"{ @func getenv  vars [ ALSA_CAPTURE_FILE ]  default "/dev/null" }"#)
        .replace("@FORMAT@", "raw")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ensure(file: &Path, args: &[&str]) {
    if file.exists() {
        return;
    }
    eprintln!("generating {} (once)...", file.display());
    let tmp = file.with_extension("tmp.mp3");
    let ok = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .arg(&tmp)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "ffmpeg could not make {}", file.display());
    std::fs::rename(tmp, file).expect("rename");
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn wait_for(cond: impl Fn() -> bool) -> Duration {
    let t = Instant::now();
    while !cond() {
        assert!(t.elapsed() < Duration::from_secs(20), "timed out");
        std::thread::sleep(Duration::from_micros(200));
    }
    t.elapsed()
}

fn median_ms(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[v.len() - 1]))
}

fn child_latency_cpu(file: &Path) {
    let opts = PlayerOptions { device_rate: Some(48_000), ..Default::default() };
    let mut first = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let player = Player::open(file, opts.clone(), Job::silent()).expect("open");
        wait_for(|| player.frames_played() > 0);
        first.push(t.elapsed());
        player.stop();
    }
    let player = Player::open(file, opts.clone(), Job::silent()).expect("open");
    wait_for(|| player.frames_played() > 0);
    let mut rng = fastrand::Rng::with_seed(3);
    let mut seeks = Vec::new();
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(100));
        let target = rng.i64(0..player.duration_ms() - 60_000);
        let t = Instant::now();
        player.seek(target).expect("seek");
        let after = player.frames_played();
        wait_for(|| player.frames_played() > after);
        seeks.push(t.elapsed());
    }
    let (f_med, f_max) = median_ms(first);
    let (s_med, s_max) = median_ms(seeks);
    println!(
        "play-to-first-audio        median {f_med:7.2} ms   max {f_max:7.2} ms   target < 50 ms"
    );
    println!(
        "seek-to-new-audio          median {s_med:7.2} ms   max {s_max:7.2} ms   target < 30 ms"
    );
    for speed in [1.0, 2.0] {
        player.set_speed(speed).expect("speed");
        std::thread::sleep(Duration::from_millis(300));
        let (c0, t0) = (cpu_seconds(), Instant::now());
        std::thread::sleep(Duration::from_secs(10));
        let share = (cpu_seconds() - c0) / t0.elapsed().as_secs_f64() * 100.0;
        let target = if speed == 1.0 { "target < 5 % at 1×" } else { "" };
        println!(
            "CPU at {speed}× (44.1 kHz stereo MP3)  {share:6.2} % of one core over 10 s   {target}"
        );
    }
    println!("underruns during the run    {}", player.underruns());
}

fn child_rss(file: &Path) {
    let opts = PlayerOptions { device_rate: Some(48_000), ..Default::default() };
    let player = Player::open(file, opts, Job::silent()).expect("open");
    let mut samples = Vec::new();
    let t = Instant::now();
    let mut jumped = false;
    while t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(500));
        samples.push((player.position_ms(), rss_mib()));
        if !jumped && t.elapsed() > Duration::from_secs(15) {
            player.seek(player.duration_ms() - 25 * 60_000).expect("seek near the end");
            jumped = true;
        }
    }
    let first = samples[2].1;
    let max = samples.iter().map(|s| s.1).fold(0.0, f64::max);
    let last = samples.last().map_or(0.0, |s| s.1);
    let covered = samples.last().map_or(0, |s| s.0) / 60_000;
    println!(
        "RSS playing a 2-hour file   {first:.1} MiB after 1 s, {last:.1} MiB at the end, {max:.1} MiB max \
         (played up to {covered} min, with a jump near the end)"
    );
}

fn run_child(mode: &str, file: &Path, bytes_per_s: f64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, capture_conf()).expect("conf");
    let fifo = dir.path().join("out.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let mut pacer = Command::new("python3")
        .arg(root().join("tests/support/pace.py"))
        .arg(bytes_per_s.to_string())
        .arg(&fifo)
        .arg("/dev/null")
        .arg("--loop")
        .stdout(Stdio::piped())
        .spawn()
        .expect("pacer");
    let mut line = String::new();
    BufReader::new(pacer.stdout.take().expect("stdout")).read_line(&mut line).expect("ready");
    let status = Command::new(std::env::current_exe().expect("exe"))
        .env("GAMEFILM_BENCH_CHILD", mode)
        .env("GAMEFILM_BENCH_FILE", file)
        .env("ALSA_CONFIG_PATH", format!("/usr/share/alsa/alsa.conf:{}", conf.display()))
        .env("ALSA_CAPTURE_FILE", &fifo)
        .status()
        .expect("child");
    let _ = pacer.kill();
    let _ = pacer.wait();
    assert!(status.success(), "{mode} failed");
}

fn main() {
    if let Ok(mode) = std::env::var("GAMEFILM_BENCH_CHILD") {
        let file = PathBuf::from(std::env::var("GAMEFILM_BENCH_FILE").expect("file"));
        match mode.as_str() {
            "latency" => child_latency_cpu(&file),
            _ => child_rss(&file),
        }
        return;
    }
    let bench = root().join("target/bench");
    std::fs::create_dir_all(&bench).expect("bench dir");
    let fixtures = root().join("target/test-fixtures");
    let ok = Command::new("bash")
        .arg(root().join("scripts/make-fixtures.sh"))
        .arg(&fixtures)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "fixtures");
    let speech = fixtures.join("speech.wav").display().to_string();
    let ten_min = bench.join("stereo44k-10min.mp3");
    // Pink noise (600 s) first: amix ends with its first input, the speech loops forever.
    let filter = "[1:a]aresample=44100[s];[0:a][s]amix=inputs=2:duration=first[a]";
    ensure(
        &ten_min,
        &[
            "-f",
            "lavfi",
            "-i",
            "anoisesrc=color=pink:amplitude=0.02:sample_rate=44100:duration=600",
            "-stream_loop",
            "-1",
            "-i",
            &speech,
            "-filter_complex",
            filter,
            "-map",
            "[a]",
            "-ac",
            "2",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "128k",
        ],
    );
    let two_hours = bench.join("stereo44k-2h.mp3");
    let ten = ten_min.display().to_string();
    ensure(&two_hours, &["-stream_loop", "11", "-i", &ten, "-c", "copy"]);
    let real_time = 48_000.0 * 4.0;
    println!("player on the paced ALSA capture device (48 kHz, 2 ch, S16)");
    run_child("latency", &ten_min, real_time);
    run_child("rss", &two_hours, real_time * 60.0);
}
