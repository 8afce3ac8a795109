//! Watch-folder benchmark (not a test): how long after its last write a new recording is in
//! the library, beyond the settle window. Ten 5-minute MP3 calls are written into a watched
//! folder one at a time (each copied in one go, as a recorder finishing a call does); for each,
//! the time from the end of its write to the watch reporting it imported, minus the window.
//! Target: ≤ 1 s beyond the window. `cargo bench --bench watch` (or `make bench-watch`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gamefilm::import::FileDone;
use gamefilm::import::watch::{WatchEvent, WatchOptions, watch};
use gamefilm::jobs::CancelFlag;
use gamefilm::library::Library;

const SETTLE: Duration = Duration::from_secs(2);
const CALLS: usize = 10;

fn main() {
    let work = tempfile::Builder::new().prefix("gamefilm-bench-watch-").tempdir().unwrap();
    let source = work.path().join("source");
    std::fs::create_dir(&source).unwrap();
    let calls: Vec<PathBuf> = (0..CALLS)
        .map(|i| {
            let f = source.join(format!("call-{i:02}.mp3"));
            let out = Command::new("ffmpeg")
                .args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
                .arg(format!("sine=frequency={}:duration=300", 200 + i * 40))
                .args(["-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "32k"])
                .arg(&f)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            f
        })
        .collect();
    let watched = work.path().join("watched");
    std::fs::create_dir(&watched).unwrap();
    let stop = CancelFlag::default();
    let (tx, rx) = mpsc::channel();
    let (dir, flag, library) = (watched.clone(), stop.clone(), work.path().join("library.sqlite"));
    let thread = std::thread::spawn(move || {
        let mut lib = Library::open(&library).unwrap();
        let opts = WatchOptions { settle: SETTLE, ..Default::default() };
        watch(&mut lib, &[dir], &opts, &flag, |e| drop(tx.send((Instant::now(), e)))).unwrap();
    });
    loop {
        if let (_, WatchEvent::Ready { .. }) = rx.recv().unwrap() {
            break;
        }
    }
    let mut beyond = Vec::new();
    for call in &calls {
        let to = watched.join(call.file_name().unwrap());
        std::fs::copy(call, &to).unwrap();
        let written = Instant::now();
        loop {
            let (at, e) = rx.recv_timeout(Duration::from_secs(60)).expect("the call is imported");
            if let WatchEvent::File { path, result: FileDone::Imported { .. } } = e
                && path == to
            {
                beyond.push(at.duration_since(written).saturating_sub(SETTLE));
                break;
            }
        }
    }
    stop.cancel();
    thread.join().unwrap();
    beyond.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (median, worst) = (ms(beyond[beyond.len() / 2]), ms(*beyond.last().unwrap()));
    println!(
        "watch folder: {CALLS} new 5-minute calls, settle window {} s: in the library {median:.0} ms \
         (median) / {worst:.0} ms (worst) after the window   target <= 1000 ms   {}",
        SETTLE.as_secs(),
        if worst <= 1000.0 { "ok" } else { "OVER TARGET" }
    );
}
