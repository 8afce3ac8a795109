//! The team library against a real PostgreSQL server on this machine (a throwaway cluster,
//! tests/common/pg.rs):
//!
//! - a note saved on one machine until it is in the other machine's library, both running the
//!   sync worker (LISTEN/NOTIFY): median and p95 of 20, against 2 s;
//! - the team-year library (100,000 calls, 1,000,000 notes: benches/common/library_gen.rs)
//!   joining an empty team (its first push), then an empty machine's first sync of it (metadata
//!   and notes, no audio), against 60 s;
//! - note saves on each machine while that runs: p99 against 10 ms;
//! - what the server holds: rows and bytes, per rep-year.
//!
//! `GAMEFILM_BENCH_ONLY=latency` or `=first` runs one part; `GAMEFILM_BENCH_SCALE` scales the
//! library (0.1: 10,000 calls). Prints; asserts nothing.

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;
#[path = "common/library_gen.rs"]
mod library_gen;
#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::{Library, NoteKind, Person, Role, people};
use gamefilm::team;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantile(times: &mut [Duration], q: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 * q) as usize).min(times.len() - 1)]
}

fn create_db(server: &pg::PgCluster, name: &str) -> String {
    let mut admin = postgres::Client::connect(&server.admin_url(), postgres::NoTls).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    server.url(pg::ADMIN, pg::ADMIN_PASSWORD, name)
}

fn has_note(path: &Path, uuid: &str) -> bool {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT 1 FROM notes WHERE uuid = ?1", [uuid], |_| Ok(())).is_ok()
}

fn latency(server: &pg::PgCluster, work: &Path) {
    let url = create_db(server, "latency");
    let a_path = work.join("latency-a.sqlite");
    let b_path = work.join("latency-b.sqlite");
    let mut a = Library::open(&a_path).unwrap();
    let coach = common::coach(&mut a);
    let wav = work.join("latency-call.wav");
    common::write_tone_wav(&wav, 440.0, 10);
    let call = common::import_all(&mut a, &[wav])[0];
    team::connect(&mut a, &url, None).unwrap();
    let casey = team::add_person(&mut a, "Casey", Role::Coach).unwrap();
    team::connect(&mut Library::open(&b_path).unwrap(), &casey.url, None).unwrap();
    let worker_a = team::Worker::start(a_path.clone(), |_| {});
    let _worker_b = team::Worker::start(b_path.clone(), |_| {});
    std::thread::sleep(Duration::from_secs(1));
    let mut times = Vec::new();
    for i in 0..21 {
        let t = Instant::now();
        let new = NewNote {
            recording_id: call,
            start_ms: 100 * i,
            end_ms: None,
            kind: NoteKind::Positive,
            text: format!("note {i}"),
        };
        let uuid = notes::create(&mut a, &coach, &new).unwrap().id;
        worker_a.poke(); // as the app does after every write
        while !has_note(&b_path, &uuid) {
            assert!(t.elapsed() < Duration::from_secs(60), "note {i} never arrived");
            std::thread::sleep(Duration::from_millis(2));
        }
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
    times.remove(0);
    let median = quantile(&mut times, 0.5);
    let p95 = quantile(&mut times, 0.95);
    println!(
        "note saved on one machine, in the other's library (20)      median {:>7.0} ms   p95 {:>7.0} ms   target < 2000 ms   {}",
        ms(median),
        ms(p95),
        if median < Duration::from_secs(2) { "ok" } else { "OVER TARGET" }
    );
}

/// Saves a note every 20 ms into the library at `path` (once it has a call and a person) until
/// told to stop; returns each save's time.
fn saving_notes(path: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let mut times = Vec::new();
        let mut lib = Library::open(&path).unwrap();
        let mut target: Option<(i64, Person)> = None;
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(20));
            if target.is_none() {
                let call: Option<i64> = lib
                    .conn()
                    .query_row("SELECT max(id) FROM recordings", [], |r| r.get(0))
                    .ok()
                    .flatten();
                let coach = people::list(lib.conn())
                    .unwrap_or_default()
                    .into_iter()
                    .find(|p| p.role == Role::Coach);
                target = call.zip(coach);
                continue;
            }
            let (call, who) = target.as_ref().unwrap();
            let new = NewNote {
                recording_id: *call,
                start_ms: 0,
                end_ms: None,
                kind: NoteKind::Improvement,
                text: "while syncing".into(),
            };
            let t = Instant::now();
            if notes::create(&mut lib, who, &new).is_ok() {
                times.push(t.elapsed());
            }
        }
        times
    })
}

fn report_saves(what: &str, mut times: Vec<Duration>) {
    if times.is_empty() {
        println!("{what}: no note saved");
        return;
    }
    let p99 = quantile(&mut times, 0.99);
    println!(
        "{what:<60} p99 {:>7.2} ms of {:>5}   target < 10 ms   {}",
        ms(p99),
        times.len(),
        if p99 < Duration::from_millis(10) { "ok" } else { "OVER TARGET" }
    );
}

fn first_sync(server: &pg::PgCluster, work: &Path) {
    let (big, n_rec, n_notes) = library_gen::library();
    let url = create_db(server, "big");
    let copy = work.join("team-big.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", copy.display()));
    }
    std::fs::copy(&big, &copy).unwrap();
    let mut lib = Library::open(&copy).unwrap();
    people::set_default(&mut lib, "Coach").unwrap();
    // The generator stores a 4-byte placeholder waveform and undashed UUIDs, which no merge
    // would take: one bucket a channel spanning the call (the smallest waveform that fits it),
    // and the UUIDs in their usual form.
    lib.conn()
        .execute_batch(
            "UPDATE peaks SET samples_per_bucket =
                 (SELECT frames FROM recordings WHERE id = peaks.recording_id),
                 data = zeroblob(4 * (SELECT channels FROM recordings WHERE id = peaks.recording_id))
             WHERE level = 0;
             DELETE FROM peaks WHERE level > 0;
             UPDATE notes SET uuid = substr(uuid, 1, 8) || '-' || substr(uuid, 9, 4) || '-'
                 || substr(uuid, 13, 4) || '-' || substr(uuid, 17, 4) || '-' || substr(uuid, 21)
                 WHERE length(uuid) = 32;
             UPDATE reviews SET uuid = substr(uuid, 1, 8) || '-' || substr(uuid, 9, 4) || '-'
                 || substr(uuid, 13, 4) || '-' || substr(uuid, 17, 4) || '-' || substr(uuid, 21)
                 WHERE length(uuid) = 32;
             UPDATE next_steps SET uuid = substr(uuid, 1, 8) || '-' || substr(uuid, 9, 4) || '-'
                 || substr(uuid, 13, 4) || '-' || substr(uuid, 17, 4) || '-' || substr(uuid, 21)
                 WHERE length(uuid) = 32;",
        )
        .unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let saver = saving_notes(copy.clone(), stop.clone());
    let t = Instant::now();
    let pushed = team::connect(&mut lib, &url, None).unwrap();
    let push_time = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let saves = saver.join().unwrap();
    println!(
        "the team-year library ({n_rec} calls, {n_notes} notes) joins an empty team: {} records pushed in {:.1} s",
        pushed.pushed,
        push_time.as_secs_f64()
    );
    report_saves("  note saves on that machine meanwhile", saves);

    let login = team::add_person(&mut lib, "Coach Two", Role::Coach).unwrap();
    let empty = work.join("team-empty.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", empty.display()));
    }
    let stop = Arc::new(AtomicBool::new(false));
    // The empty machine's library exists before the saver opens it.
    drop(Library::open(&empty).unwrap());
    let saver = saving_notes(empty.clone(), stop.clone());
    let t = Instant::now();
    let pulled = team::connect(&mut Library::open(&empty).unwrap(), &login.url, None).unwrap();
    let pull_time = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let saves = saver.join().unwrap();
    println!(
        "first sync of an empty machine (metadata and notes, no audio): {} records   {:.1} s   target < 60 s   {}",
        pulled.pulled,
        pull_time.as_secs_f64(),
        if pull_time < Duration::from_secs(60) { "ok" } else { "OVER TARGET" }
    );
    report_saves("  note saves on the empty machine meanwhile", saves);

    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let bytes: i64 =
        admin.query_one("SELECT pg_total_relation_size('team_records')", &[]).unwrap().get(0);
    let rows = admin
        .query("SELECT kind, count(*) FROM team_records GROUP BY kind ORDER BY kind", &[])
        .unwrap();
    let total: i64 = rows.iter().map(|r| r.get::<_, i64>(1)).sum();
    let kinds: Vec<String> =
        rows.iter().map(|r| format!("{} {}", r.get::<_, String>(0), r.get::<_, i64>(1))).collect();
    let rep_years = library_gen::REPS as f64 * (n_rec as f64 / 100_000.0);
    println!(
        "server: {total} rows ({}), {:.0} MB with indexes: {:.0} rows and {:.1} MB per rep-year (no audio)",
        kinds.join(", "),
        bytes as f64 / 1e6,
        total as f64 / rep_years,
        bytes as f64 / 1e6 / rep_years
    );
    for p in [&copy, &empty] {
        for ext in ["", "-wal", "-shm", ".team-credentials"] {
            let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
        }
    }
}

fn main() {
    let work = library_gen::bench_dir().join("team");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let only = std::env::var("GAMEFILM_BENCH_ONLY").unwrap_or_default();
    let server = pg::PgCluster::start();
    if only.is_empty() || only == "latency" {
        latency(&server, &work);
    }
    if only.is_empty() || only == "first" {
        first_sync(&server, &work);
    }
}
