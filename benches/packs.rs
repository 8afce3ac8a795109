//! Review-pack benchmark (not a test: it prints figures and verdicts, it asserts nothing).
//!
//! 1. **Audio:** a pack of 50 one-hour calls with their audio, for a rep. Export against
//!    `zip -0` of the same audio files, import (a fresh rep library) against `unzip` of that zip,
//!    best of 3 each, taken in turns so both see the same machine. Target: each ≤ 1.5×. The
//!    import moves the files and keeps the pack's coarse waveforms; the full waveforms that
//!    follow (`import::refine_peaks`, decoding every file) are reported beside one `ffmpeg`
//!    decode of the same files, for scale.
//! 2. **Notes:** a pack of 1,000 calls' notes without audio (10 notes, a review each), from
//!    another coach, imported into the library bench's 100,000-call library (a fresh copy each
//!    run). Median of 5. Target: < 2 s.
//!
//! `cargo bench --bench packs` (or `make bench-pack`). The hour-long audio (about 700 MB) and
//! the libraries are cached under `target/bench/packs/`. `GAMEFILM_BENCH_CALLS=n` sends n
//! hour-long calls instead of 50; `GAMEFILM_BENCH_SCALE=0.1` a smaller big library.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gamefilm::import::{self, ImportOptions};
use gamefilm::jobs::Job;
use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::recordings::{self, MetaEdit};
use gamefilm::library::{Library, NoteKind, Person, Role, people, reviews};
use gamefilm::pack::{self, ExportOptions, Limits};
use rusqlite::params;

#[path = "common/library_gen.rs"]
mod library_gen;

const AUDIO_VERSION: u32 = 1;
const RUNS: usize = 3;

fn calls() -> usize {
    std::env::var("GAMEFILM_BENCH_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50)
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn ffmpeg() -> Command {
    let mut c = Command::new("ffmpeg");
    c.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]);
    c
}

/// `n` different one-hour calls: one hour of speech over light noise (mono, 16 kHz MP3, as a
/// phone system records), each copy tagged with its own comment so their contents differ.
fn hour_long_calls(dir: &Path, n: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let base = dir.join("hour.mp3");
    if !base.exists() {
        eprintln!("generating one hour of speech (once) in {}", dir.display());
        let once = dir.join("once.wav");
        run(Command::new("espeak-ng").arg("-w").arg(&once).arg(
            "Thanks for taking my call today. I wanted to walk you through pricing for the \
             renewal, and hear what your team needs next quarter. What would success look like?",
        ));
        let tmp = dir.join("hour.tmp.mp3");
        run(ffmpeg()
            .args(["-stream_loop", "-1", "-i"])
            .arg(&once)
            .args([
                "-f",
                "lavfi",
                "-i",
                "anoisesrc=color=pink:amplitude=0.02:sample_rate=16000:seed=1",
            ])
            .args([
                "-filter_complex",
                "[0:a]aresample=16000[s];[s][1:a]amix=inputs=2:duration=first:normalize=0[a]",
            ])
            .args(["-map", "[a]", "-t", "3600", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k"])
            .arg(&tmp));
        std::fs::rename(&tmp, &base).unwrap();
        let _ = std::fs::remove_file(once);
    }
    let calls = dir.join("calls");
    std::fs::create_dir_all(&calls).unwrap();
    (0..n)
        .map(|i| {
            let f = calls.join(format!("call-{i:03}.mp3"));
            if !f.exists() {
                let tmp = calls.join(format!("call-{i:03}.tmp.mp3"));
                run(ffmpeg()
                    .arg("-i")
                    .arg(&base)
                    .args(["-c", "copy", "-metadata"])
                    .arg(format!("comment=bench call {i}"))
                    .arg(&tmp));
                std::fs::rename(&tmp, &f).unwrap();
            }
            f
        })
        .collect()
}

fn note(lib: &mut Library, who: &Person, rec: i64, at: i64, kind: NoteKind, text: &str) {
    let new = NewNote { recording_id: rec, start_ms: at, end_ms: None, kind, text: text.into() };
    notes::create(lib, who, &new).unwrap();
}

/// The coach's library of the hour-long calls: Rita's calls, five notes each, reviewed.
fn coach_library(path: &Path, files: &[PathBuf]) {
    if path.exists() {
        return;
    }
    eprintln!("importing {} hour-long calls into the coach's library (once)", files.len());
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut lib = Library::open(&tmp).unwrap();
    let t = Instant::now();
    let report =
        import::import(&mut lib, files, &ImportOptions::default(), &Job::silent()).unwrap();
    assert_eq!(report.summary().imported as usize, files.len(), "every call imported");
    eprintln!("  imported in {:.1} s", t.elapsed().as_secs_f64());
    let coach = people::add(&mut lib, "Carla", Role::Coach).unwrap();
    people::set_default(&mut lib, "Carla").unwrap();
    people::add(&mut lib, "Rita", Role::Rep).unwrap();
    let ids: Vec<i64> = lib
        .conn()
        .prepare("SELECT id FROM recordings ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let edit = MetaEdit { rep: Some("Rita".into()), ..Default::default() };
    recordings::update_meta_many(&mut lib, &ids, &edit).unwrap();
    for &id in &ids {
        for k in 0..5 {
            let kind = if k % 2 == 0 { NoteKind::Positive } else { NoteKind::Improvement };
            note(
                &mut lib,
                &coach,
                id,
                60_000 * (k + 1),
                kind,
                "Clear recap of the pricing options",
            );
        }
        reviews::mark_reviewed(&mut lib, &coach, id, "discovery", "Good call", false).unwrap();
    }
    drop(lib);
    std::fs::rename(&tmp, path).unwrap();
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn fresh_copy(from: &Path, to: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", to.display()));
    }
    std::fs::copy(from, to).unwrap();
}

fn verdict(ratio: f64, target: f64) -> &'static str {
    if ratio <= target { "ok" } else { "OVER TARGET" }
}

fn audio_packs(work: &Path) {
    let n = calls();
    let files = hour_long_calls(&work.join(format!("audio-v{AUDIO_VERSION}")), n);
    let coach_lib = work.join(format!("coach-{n}-v{AUDIO_VERSION}.sqlite"));
    coach_library(&coach_lib, &files);
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    let scratch = work.join("scratch");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let (lib_copy, pack_file, zip_file) =
        (scratch.join("coach.sqlite"), scratch.join("rita.gamefilm"), scratch.join("same.zip"));
    let (rep_dir, unzip_dir) = (scratch.join("rita"), scratch.join("unzipped"));
    let mut best = [Duration::MAX; 4];
    for round in 0..RUNS {
        // The export, from a fresh copy of the coach's library (it remembers what it sent).
        fresh_copy(&coach_lib, &lib_copy);
        let _ = std::fs::remove_file(&pack_file);
        let mut lib = Library::open(&lib_copy).unwrap();
        let carla = people::named(lib.conn(), "as", "Carla").unwrap();
        let rita = people::named(lib.conn(), "for", "Rita").unwrap();
        let opts = ExportOptions { since: Some(0), ..Default::default() };
        let export = timed(|| {
            let s = pack::export(&mut lib, &carla, &rita, &opts, &pack_file).unwrap();
            assert_eq!(s.counts.audio_files as usize, n);
        });
        drop(lib);
        let _ = std::fs::remove_file(&zip_file);
        let zip =
            timed(|| run(Command::new("zip").args(["-0", "-q", "-j"]).arg(&zip_file).args(&files)));
        // The import into Rita's fresh library.
        let _ = std::fs::remove_dir_all(&rep_dir);
        std::fs::create_dir_all(&rep_dir).unwrap();
        let mut rep = Library::open(&rep_dir.join("library.sqlite")).unwrap();
        let import = timed(|| {
            let s = pack::import(&mut rep, &pack_file, &Limits::default()).unwrap();
            assert_eq!(s.audio_written as usize, n);
        });
        let _ = std::fs::remove_dir_all(&unzip_dir);
        let unzip = timed(|| {
            run(Command::new("unzip").args(["-q", "-o"]).arg(&zip_file).arg("-d").arg(&unzip_dir))
        });
        for (b, d) in best.iter_mut().zip([export, zip, import, unzip]) {
            *b = (*b).min(d);
        }
        eprintln!(
            "  round {}: export {:.2} s, zip -0 {:.2} s, import {:.2} s, unzip {:.2} s",
            round + 1,
            secs(export),
            secs(zip),
            secs(import),
            secs(unzip)
        );
        if round + 1 == RUNS {
            // The full waveforms after the last import, and one ffmpeg decode of the same.
            let refine = timed(|| {
                let r = import::refine_peaks(&mut rep).unwrap();
                assert_eq!(r.refined as usize, n);
            });
            let decode = timed(|| {
                for f in &files {
                    run(ffmpeg().arg("-i").arg(f).args(["-f", "null", "-"]));
                }
            });
            println!(
                "full waveforms after the import: {:.1} s for {n} hours of audio on all cores \
                 (ffmpeg decoding them one after another: {:.1} s)",
                secs(refine),
                secs(decode)
            );
        }
    }
    let [export, zip, import, unzip] = best;
    let pack_bytes = pack_file.metadata().map(|m| m.len()).unwrap_or(0);
    println!(
        "{n} one-hour calls with audio: {:.0} MB of audio, pack {:.0} MB; best of {RUNS}",
        bytes as f64 / 1e6,
        pack_bytes as f64 / 1e6
    );
    for (what, ours, peer, peer_name) in
        [("pack export", export, zip, "zip -0"), ("pack import", import, unzip, "unzip")]
    {
        let ratio = secs(ours) / secs(peer);
        println!(
            "{what:<12} {:>7.2} s   {peer_name:<7} {:>7.2} s   ratio {ratio:>5.2}   target <= 1.5   {}",
            secs(ours),
            secs(peer),
            verdict(ratio, 1.5)
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Another coach's library: 1,000 calls of the big library's "Rep 03" (new to it), ten notes
/// and a review each, no audio files needed (the pack goes without audio).
fn notes_source(path: &Path) -> PathBuf {
    let pack_file = path.with_extension("gamefilm");
    if pack_file.exists() {
        return pack_file;
    }
    let _ = std::fs::remove_file(path);
    let mut lib = Library::open(path).unwrap();
    let bea = people::add(&mut lib, "Coach Bea", Role::Coach).unwrap();
    people::set_default(&mut lib, "Coach Bea").unwrap();
    people::add(&mut lib, "Rep 03", Role::Rep).unwrap();
    let to = people::add(&mut lib, "Coach", Role::Coach).unwrap();
    let now = gamefilm::timefmt::now_ms();
    lib.write(|tx| {
        let rep: i64 = tx.query_row("SELECT id FROM people WHERE name = 'Rep 03'", [], |r| r.get(0))?;
        let mut rec = tx.prepare(
            "INSERT INTO recordings (path, content_hash, size_bytes, container, codec, sample_rate,
                channels, frames, duration_ms, title, call_time, rep_id, counterpart, imported_at, updated_at)
             VALUES (?1, ?2, 1000000, 'mp3', 'mp3', 16000, 1, ?3, ?4, ?5, ?6, ?7, 'Acme Ltd', ?8, ?8)",
        )?;
        let mut peaks = tx.prepare(
            "INSERT INTO peaks (recording_id, level, samples_per_bucket, data) VALUES (?1, 0, 160, ?2)",
        )?;
        for i in 0..1_000i64 {
            let dur = 600_000 + i * 1_000;
            let hash = blake3::hash(format!("team-b call {i}").as_bytes());
            rec.execute(params![
                format!("/calls/team-b/{i:04}.mp3"),
                &hash.as_bytes()[..],
                dur * 16,
                dur,
                format!("Team B call {i}"),
                now - i * 3_600_000,
                rep,
                now,
            ])?;
            // Ten-millisecond buckets over the whole call, as an analysed file has.
            let buckets = (dur / 10) as usize;
            let data: Vec<u8> = (0..buckets)
                .flat_map(|b| {
                    let level = (b % 7) as i16 * 1_000;
                    [(-level).to_le_bytes(), level.to_le_bytes()].concat()
                })
                .collect();
            peaks.execute(params![tx.last_insert_rowid(), data])?;
        }
        Ok(())
    })
    .unwrap();
    let ids: Vec<i64> = (1..=1_000).collect();
    for &id in &ids {
        for k in 0..10 {
            let kind = if k % 3 == 0 { NoteKind::Improvement } else { NoteKind::Positive };
            note(
                &mut lib,
                &bea,
                id,
                20_000 * (k + 1),
                kind,
                "Asked about the budget before the demo",
            );
        }
        reviews::mark_reviewed(&mut lib, &bea, id, "discovery", "Solid", false).unwrap();
    }
    let opts = ExportOptions { calls: Some(ids), without_audio: true, ..Default::default() };
    let tmp = pack_file.with_extension("tmp");
    pack::export(&mut lib, &bea, &to, &opts, &tmp).unwrap();
    std::fs::rename(&tmp, &pack_file).unwrap();
    pack_file
}

fn notes_pack_into_big_library(work: &Path) {
    let (big, n_rec, n_notes) = library_gen::library();
    let pack_file = notes_source(&work.join("team-b-v2.sqlite"));
    let copy = work.join("big-copy.sqlite");
    let mut times = Vec::new();
    for _ in 0..5 {
        fresh_copy(&big, &copy);
        let mut lib = Library::open(&copy).unwrap();
        let t = Instant::now();
        let s = pack::import(&mut lib, &pack_file, &Limits::default()).unwrap();
        times.push(t.elapsed());
        assert_eq!((s.merge.recordings.new, s.merge.notes.new), (1_000, 10_000));
    }
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", copy.display()));
    }
    times.sort();
    let median = secs(times[times.len() / 2]);
    println!(
        "1,000 calls' notes (10,000 notes, 1,000 reviews, no audio) into a {n_rec}-call, \
         {n_notes}-note library: median {median:.2} s of 5 (fastest {:.2} s)   target < 2 s   {}",
        secs(times[0]),
        if median < 2.0 { "ok" } else { "OVER TARGET" }
    );
}

fn main() {
    let work = library_gen::bench_dir().join("packs");
    std::fs::create_dir_all(&work).unwrap();
    let only = std::env::var("GAMEFILM_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "audio" {
        audio_packs(&work);
    }
    if only.is_empty() || only == "notes" {
        notes_pack_into_big_library(&work);
    }
}
