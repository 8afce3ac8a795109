//! Insights benchmark (not a test): the background analysis of a library of 1,000 calls
//! imported before insights (stereo 8 kHz WAV, 15 s each), measured on its own connection as the
//! app runs it, while the foreground saves a note every 10 ms as a coach typing would. Prints the
//! note saves' latency before and during the analysis (target: p99 < 10 ms during) and the
//! analysis's own time. `cargo bench --bench insights` (or `make bench-insights`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gamefilm::import::{self, ImportOptions};
use gamefilm::jobs::Job;
use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::{Library, NoteKind, people};

#[path = "../tests/common/wav.rs"]
mod wav;

const CALLS: usize = 1_000;
const SECONDS: usize = 15;
const RATE: usize = 8_000;

/// A stereo 16-bit WAV: a tone on the left, another on the right, each in bursts like speech.
fn write_call(path: &Path, i: usize) {
    let n = RATE * SECONDS;
    let (fl, fr) = (150.0 + i as f32 * 0.37, 220.0 + i as f32 * 0.53);
    let mut samples = Vec::with_capacity(n * 2);
    for k in 0..n {
        let t = k as f32 / RATE as f32;
        // The two sides take turns every 2 s, with syllable-like bursts (4 Hz).
        let on = ((t * 4.0).fract() < 0.6) as i32 as f32;
        let left = if (t as usize / 2).is_multiple_of(2) { on } else { 0.0 };
        let right = if (t as usize / 2).is_multiple_of(2) { 0.0 } else { on };
        let l = (t * fl * std::f32::consts::TAU).sin() * 0.3 * left;
        let r = (t * fr * std::f32::consts::TAU).sin() * 0.3 * right;
        samples.push((l * 32767.0) as i16);
        samples.push((r * 32767.0) as i16);
    }
    std::fs::write(path, wav::pcm16(2, RATE as u32, &samples)).unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn saves(
    lib: &mut Library,
    coach: &gamefilm::library::Person,
    until: impl Fn() -> bool,
) -> Vec<Duration> {
    let mut times = Vec::new();
    let mut k = 0i64;
    while !until() {
        let new = NewNote {
            recording_id: 1 + k % CALLS as i64,
            start_ms: 1_000,
            end_ms: None,
            kind: NoteKind::Positive,
            text: format!("Good question number {k}"),
        };
        let t = Instant::now();
        notes::create(lib, coach, &new).unwrap();
        times.push(t.elapsed());
        k += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    times.sort();
    times
}

fn report(label: &str, times: &[Duration]) {
    println!(
        "{label:<44} {:>5} saves   p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   target p99 < 10 ms   {}",
        times.len(),
        percentile(times, 0.50),
        percentile(times, 0.99),
        percentile(times, 1.0),
        if percentile(times, 0.99) < 10.0 { "ok" } else { "OVER TARGET" }
    );
}

fn main() {
    let work = tempfile::Builder::new().prefix("gamefilm-bench-insights-").tempdir().unwrap();
    let calls = work.path().join("calls");
    std::fs::create_dir(&calls).unwrap();
    let t = Instant::now();
    let files: Vec<PathBuf> = (0..CALLS)
        .map(|i| {
            let f = calls.join(format!("call-{i:04}.wav"));
            write_call(&f, i);
            f
        })
        .collect();
    let path = work.path().join("library.sqlite");
    let mut lib = Library::open(&path).unwrap();
    // Imported before insights: the analysis has every call to do.
    let opts =
        ImportOptions { analyzer: gamefilm::audio::analyze_without_voice, ..Default::default() };
    import::import(&mut lib, &files, &opts, &Job::silent()).unwrap();
    let coach = people::current_or_user(&mut lib, None, "Coach").unwrap().0;
    println!(
        "library: {CALLS} calls of {SECONDS} s (stereo 8 kHz WAV), made and imported in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let before_until = Instant::now() + Duration::from_secs(3);
    report(
        "note saves, nothing else running",
        &saves(&mut lib, &coach, || Instant::now() > before_until),
    );

    // The analysis runs a few times over (its measurements cleared between runs), so that enough
    // saves happen while it runs.
    let mut during: Vec<Duration> = Vec::new();
    let mut took = Duration::ZERO;
    let mut analysed = 0;
    const ROUNDS: u32 = 6;
    for _ in 0..ROUNDS {
        lib.conn().execute_batch("DELETE FROM speech_segments; DELETE FROM call_voice;").unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let analysis = {
            let (done, path) = (done.clone(), path.clone());
            std::thread::spawn(move || {
                let mut own = Library::open(&path).unwrap();
                let t = Instant::now();
                let r = import::analyse_voice(&mut own, &Job::silent()).unwrap();
                done.store(true, Ordering::SeqCst);
                (r, t.elapsed())
            })
        };
        during.extend(saves(&mut lib, &coach, || done.load(Ordering::SeqCst)));
        let (r, t) = analysis.join().unwrap();
        took += t;
        analysed += r.refined;
        assert!(r.failed.is_empty(), "{:?}", r.failed);
    }
    during.sort();
    report("note saves while the analysis runs", &during);
    println!(
        "background analysis: {} calls in {:.1} s ({:.0} calls/s, {ROUNDS} runs of {CALLS})",
        analysed,
        took.as_secs_f64(),
        analysed as f64 / took.as_secs_f64(),
    );
}
