//! Watch folders on real files and real inotify: files there before the watch are found at
//! start; a file written slowly, in chunks over seconds, is imported once and only when whole;
//! a rename inside the folder relinks; a burst of 200 files all arrive; a folder that does not
//! exist is refused by name.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use gamefilm::error::{Coded, ErrorCode};
use gamefilm::import::FileDone;
use gamefilm::import::watch::{WatchEvent, WatchOptions, watch};
use gamefilm::jobs::CancelFlag;

/// A watch running on its own thread and library connection, its events on a channel.
struct Running {
    stop: CancelFlag,
    events: mpsc::Receiver<WatchEvent>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(library: &Path, dirs: &[PathBuf], settle: Duration) -> Running {
        let stop = CancelFlag::default();
        let (tx, events) = mpsc::channel();
        let (library, dirs, flag) = (library.to_path_buf(), dirs.to_vec(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut lib = gamefilm::library::Library::open(&library).unwrap();
            let opts = WatchOptions { settle, tick: Duration::from_millis(100) };
            watch(&mut lib, &dirs, &opts, &flag, |e| drop(tx.send(e))).unwrap();
        });
        Running { stop, events, thread: Some(thread) }
    }

    /// The next events until `done` says enough, or panics after `within`.
    fn until(
        &self,
        within: Duration,
        mut done: impl FnMut(&[WatchEvent]) -> bool,
    ) -> Vec<WatchEvent> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while !done(&seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) => seen.push(e),
                Err(_) => panic!("timed out; saw {seen:#?}"),
            }
        }
        seen
    }

    /// Events that arrive within `d` (none expected, usually).
    fn quiet_for(&self, d: Duration) -> Vec<WatchEvent> {
        let deadline = Instant::now() + d;
        let mut seen = Vec::new();
        while let Ok(e) =
            self.events.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            seen.push(e);
        }
        seen
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn imported(events: &[WatchEvent]) -> Vec<(PathBuf, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            WatchEvent::File { path, result: FileDone::Imported { id, .. } } => {
                Some((path.clone(), *id))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn files_already_there_are_found_and_a_slow_write_is_imported_once_when_whole() {
    let t = TempLib::new();
    let calls = t.folder("calls");
    write_tone_wav(&calls.join("before.wav"), 300.0, 2);
    // Old enough to be whole at once.
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(calls.join("before.wav"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let w = Running::start(&t.path(), std::slice::from_ref(&calls), Duration::from_millis(1000));
    let start = w.until(Duration::from_secs(20), |e| {
        e.iter().any(|e| matches!(e, WatchEvent::Ready { .. }))
    });
    assert_eq!(imported(&start).len(), 1, "{start:#?}");
    assert!(matches!(start.last(), Some(WatchEvent::Ready { found: 1 })));

    // A recorder writing a call in chunks over about 3 s: nothing until it is whole.
    let whole = t.dir.path().join("whole.wav");
    write_tone_wav(&whole, 440.0, 3);
    let bytes = std::fs::read(&whole).unwrap();
    let slow = calls.join("slow.wav");
    let mut f = std::fs::File::create(&slow).unwrap();
    let chunks: Vec<&[u8]> = bytes.chunks(bytes.len() / 6 + 1).collect();
    for chunk in &chunks {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        let early = w.quiet_for(Duration::from_millis(500));
        assert!(imported(&early).is_empty(), "imported while being written: {early:#?}");
    }
    drop(f);
    let done = w.until(Duration::from_secs(20), |e| !imported(e).is_empty());
    assert_eq!(imported(&done)[0].0, slow);
    let id = imported(&done)[0].1;
    let rec = gamefilm::library::recordings::get(t.open().conn(), id).unwrap();
    assert_eq!(rec.duration_ms, 3000, "the whole file");
    // Touched again later: not imported twice.
    std::fs::File::options()
        .append(true)
        .open(&slow)
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let later = w.quiet_for(Duration::from_millis(2000));
    assert!(imported(&later).is_empty(), "{later:#?}");

    // Renamed inside the folder: the same recording, relinked.
    let sub = calls.join("2026-11");
    std::fs::create_dir(&sub).unwrap();
    let moved = sub.join("slow-renamed.wav");
    std::fs::rename(&slow, &moved).unwrap();
    let relinked = w.until(Duration::from_secs(20), |e| {
        e.iter().any(|e| matches!(e, WatchEvent::File { result: FileDone::Relinked { .. }, .. }))
    });
    assert!(
        relinked.iter().any(|e| matches!(e, WatchEvent::File { path, result: FileDone::Relinked { id: r, .. } } if *r == id && *path == moved)),
        "{relinked:#?}"
    );
    assert_eq!(count(&t.open(), "recordings"), 2);
}

#[test]
fn a_burst_of_200_files_all_arrive() {
    let t = TempLib::new();
    let calls = t.folder("calls");
    let staging = t.folder("staging");
    for i in 0..200 {
        write_tone_wav(&staging.join(format!("call-{i:03}.wav")), 200.0 + i as f32 * 3.0, 1);
    }
    let w = Running::start(&t.path(), std::slice::from_ref(&calls), Duration::from_millis(500));
    w.until(Duration::from_secs(20), |e| {
        e.iter().any(|e| matches!(e, WatchEvent::Ready { found: 0 }))
    });
    let started = Instant::now();
    for i in 0..200 {
        let name = format!("call-{i:03}.wav");
        std::fs::rename(staging.join(&name), calls.join(&name)).unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(1), "a burst within one second");
    let all = w.until(Duration::from_secs(120), |e| imported(e).len() >= 200);
    assert_eq!(imported(&all).len(), 200);
    assert_eq!(count(&t.open(), "recordings"), 200);
}

#[test]
fn a_folder_that_is_not_there_is_refused_by_name() {
    let t = TempLib::new();
    let mut lib = t.open();
    let missing = t.dir.path().join("no-such-folder");
    let err = watch(
        &mut lib,
        std::slice::from_ref(&missing),
        &WatchOptions::default(),
        &CancelFlag::default(),
        |_| {},
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportWatch);
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    let file = t.dir.path().join("a.wav");
    write_tone_wav(&file, 300.0, 1);
    let err = watch(&mut lib, &[file], &WatchOptions::default(), &CancelFlag::default(), |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
}
