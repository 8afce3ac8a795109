//! Library benchmark at team scale: generates (once, cached under target/bench/) a library of
//! 100,000 recordings and 1,000,000 notes, then measures the queries the app lives on:
//! full-text search top-50, the 200 most recent calls of one rep with per-kind note counts,
//! progress of one rep and of the team over 52 weeks, the Due / Overdue board over 10,000 next
//! steps, and a single note insert. Prints medians and p95 next to the targets. Not a test: no assertion.
//!
//! `cargo bench --bench library` (or `make bench-library`). `GAMEFILM_BENCH_SCALE=0.1` for a
//! quicker, smaller run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::progress::{self, ProgressQuery};
use gamefilm::library::recordings::{self, ListFilter};
use gamefilm::library::search::{self, SearchQuery};
use gamefilm::library::steps;
use gamefilm::library::{Library, NoteKind, Scope};
use rusqlite::params;

const GENERATOR_VERSION: u32 = 6;
/// A team of ten reps (DESIGN.md: ten reps make 100,000 calls a year) and their coach.
const REPS: usize = 10;
/// Next steps in the library, for the first screen's Due / Overdue board.
const STEPS: usize = 10_000;

/// Words of coaching notes, most frequent first; drawn with a Zipf-like skew so that common
/// words ("pricing") match a large share of notes, as in real libraries.
const WORDS: &[&str] = &[
    "the",
    "prospect",
    "great",
    "question",
    "discovery",
    "next",
    "step",
    "rapport",
    "listen",
    "value",
    "demo",
    "budget",
    "timeline",
    "decision",
    "maker",
    "pricing",
    "objection",
    "follow",
    "up",
    "agenda",
    "close",
    "summary",
    "pain",
    "point",
    "competitor",
    "renewal",
    "contract",
    "security",
    "integration",
    "onboarding",
    "champion",
    "urgency",
    "pause",
    "interrupted",
    "tone",
    "empathy",
    "clear",
    "recap",
    "handled",
    "calmly",
    "rushed",
    "talked",
    "over",
    "asked",
    "open",
    "ended",
    "mirror",
    "label",
    "silence",
    "story",
    "case",
    "study",
    "roi",
    "discount",
    "procurement",
    "legal",
    "trial",
    "pilot",
    "stakeholder",
    "email",
    "calendar",
    "invite",
    "voicemail",
    "gatekeeper",
    "referral",
    "upsell",
    "churn",
    "risk",
    "quarter",
];
const RARE: &[&str] = &["zebra", "quokka", "xylophone", "kumquat", "marzipan"];
const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
];

fn scale() -> f64 {
    std::env::var("GAMEFILM_BENCH_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0)
}

fn zipf_word(rng: &mut fastrand::Rng) -> &'static str {
    // Inverse-power draw over the vocabulary.
    let u = rng.f64();
    let i = ((WORDS.len() as f64).powf(u) - 1.0) as usize;
    WORDS[i.min(WORDS.len() - 1)]
}

fn generate(path: &PathBuf, n_recordings: usize, n_notes: usize) {
    let _ = std::fs::remove_file(path);
    let mut lib = Library::open(path).expect("create bench library");
    let mut rng = fastrand::Rng::with_seed(7);
    let t = Instant::now();
    let year_ms: i64 = 365 * 86_400_000;
    let now = gamefilm::timefmt::now_ms();
    lib.write(|tx| {
        for r in 0..REPS {
            tx.execute(
                "INSERT INTO people (id, name, role) VALUES (?1, ?2, 'rep')",
                params![r as i64 + 1, format!("Rep {r:02}")],
            )?;
        }
        let coach = REPS as i64 + 1;
        tx.execute("INSERT INTO people (id, name, role) VALUES (?1, 'Coach', 'coach')", [coach])?;
        let mut rec = tx.prepare(
            "INSERT INTO recordings (path, content_hash, size_bytes, container, codec, sample_rate,
                channels, frames, duration_ms, title, call_time, rep_id, counterpart, imported_at, updated_at)
             VALUES (?1, ?2, 1000000, 'mp3', 'mp3', 16000, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?;
        let mut peaks = tx.prepare("INSERT INTO peaks (recording_id, level, samples_per_bucket, data) VALUES (?1, 0, 160, x'00000000')")?;
        for i in 0..n_recordings {
            let dur = rng.i64(20_000..1_800_000);
            let company = COMPANIES[rng.usize(..COMPANIES.len())];
            let hash = blake3::hash(&(i as u64).to_le_bytes());
            rec.execute(params![
                format!("/calls/{:03}/call-{i:06}.mp3", i % 1000),
                &hash.as_bytes()[..],
                dur * 16,
                dur,
                format!("{company} call {i}"),
                now - rng.i64(0..year_ms),
                rng.i64(1..=REPS as i64),
                format!("{company} {}", ["Inc", "Ltd", "GmbH", "LLC"][i % 4]),
                now,
            ])?;
            peaks.execute([tx.last_insert_rowid()])?;
        }
        let mut note = tx.prepare(
            "INSERT INTO notes (uuid, recording_id, start_ms, kind, text, author, author_id,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'Coach', ?7, ?6, ?6)",
        )?;
        for i in 0..n_notes {
            let words = rng.usize(4..14);
            let mut text: Vec<&str> = (0..words).map(|_| zipf_word(&mut rng)).collect();
            if i % 50_000 == 0 {
                text.push(RARE[(i / 50_000) % RARE.len()]);
            }
            note.execute(params![
                format!("{:032x}", rng.u128(..)),
                rng.i64(1..=n_recordings as i64),
                rng.i64(0..20_000),
                if rng.u8(..10) < 7 { "positive" } else { "improvement" },
                text.join(" "),
                now - year_ms + (i as i64 * year_ms / n_notes as i64),
                coach,
            ])?;
        }
        // Outcomes on most calls, a coach review (one focus area) on half of them, some
        // closing the previous one.
        let outcomes = ["meeting-booked", "next-step", "not-interested", "no-answer", "other"];
        let mut outcome = tx.prepare("UPDATE recordings SET outcome = ?2 WHERE id = ?1")?;
        let mut review = tx.prepare(
            "INSERT INTO reviews (uuid, recording_id, author, author_id, kind, focus_area, text,
                 closes_review_id, created_at, updated_at)
             VALUES (?1, ?2, 'Coach', ?3, 'coach', ?4, '', ?5, ?6, ?6)",
        )?;
        let areas = ["opening", "discovery", "value", "objection handling", "next step", "listening"];
        for id in 1..=n_recordings as i64 {
            if rng.u8(..10) < 8 {
                outcome.execute(params![id, outcomes[rng.usize(..outcomes.len())]])?;
            }
            if rng.bool() {
                let closes = (id > 100 && rng.u8(..4) == 0).then(|| id - 100);
                let closes: Option<i64> = closes.and_then(|c| {
                    tx.query_row("SELECT id FROM reviews WHERE recording_id = ?1", [c], |r| r.get(0)).ok()
                });
                review.execute(params![
                    format!("{:032x}", rng.u128(..)),
                    id,
                    coach,
                    areas[rng.usize(..areas.len())],
                    closes,
                    now,
                ])?;
            }
        }
        let mut step = tx.prepare(
            "INSERT INTO next_steps (uuid, owner_id, author_id, text, due_date, state, done_on,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, 'Follow up on the pricing question', date('now', ?4 || ' days'),
                 ?5, CASE WHEN ?5 = 'done' THEN date('now', ?4 || ' days') END, ?6, ?6)",
        )?;
        for _ in 0..STEPS {
            let state = if rng.u8(..10) < 7 { "done" } else { "open" };
            step.execute(params![
                format!("{:032x}", rng.u128(..)),
                rng.i64(1..=REPS as i64),
                coach,
                rng.i64(-300..60).to_string(),
                state,
                now,
            ])?;
        }
        Ok(())
    })
    .expect("generate");
    lib.conn()
        .execute_batch("PRAGMA optimize; INSERT INTO notes_fts (notes_fts) VALUES ('optimize');")
        .expect("optimize");
    eprintln!(
        "generated {n_recordings} recordings and {n_notes} notes in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

fn measure(label: &str, target_ms: f64, runs: usize, mut f: impl FnMut(usize)) {
    f(0); // warm the cache
    let mut times: Vec<Duration> = (0..runs)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[runs / 2]);
    let p95 = ms(times[(runs * 95 / 100).min(runs - 1)]);
    let verdict = if median < target_ms { "ok" } else { "OVER TARGET" };
    println!(
        "{label:<58} median {median:>8.3} ms   p95 {p95:>8.3} ms   target < {target_ms} ms   {verdict}"
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing we need.
    let s = scale();
    let (n_rec, n_notes) = ((100_000.0 * s) as usize, (1_000_000.0 * s) as usize);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("library-{n_rec}-{n_notes}-v{GENERATOR_VERSION}.sqlite"));
    if !path.exists() {
        generate(&path, n_rec, n_notes);
    }
    let mut lib = Library::open(&path).expect("open bench library");
    let total: i64 = lib.conn().query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).unwrap();
    let pricing: i64 = lib
        .conn()
        .query_row("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'pricing'", [], |r| {
            r.get(0)
        })
        .unwrap();
    println!(
        "library: {n_rec} recordings, {total} notes; 'pricing' is in {:.1} % of notes",
        100.0 * pricing as f64 / total as f64
    );

    // The SQLite baseline: the bare FTS5 query our search starts from, without joins or paging.
    for (m, what) in [
        ("text : (\"pricing\")", "exact word"),
        ("text : (\"pricing\"*)", "prefix, as typed"),
        ("text : (\"pricing\"*) AND facets : \"r7\"", "prefix, one rep"),
    ] {
        let sql = "SELECT rowid, bm25(notes_fts) FROM notes_fts WHERE notes_fts MATCH ?1
                   ORDER BY rowid DESC LIMIT 1000";
        measure(&format!("baseline: raw FTS5, 1000 most recent, {what}"), 20.0, 30, |_| {
            let mut stmt = lib.conn().prepare_cached(sql).unwrap();
            let n = stmt.query_map([m], |r| r.get::<_, i64>(0)).unwrap().count();
            std::hint::black_box(n);
        });
    }
    for (word, what) in
        [("pricing", "common word"), ("objection handled", "two words"), ("quokka", "rare word")]
    {
        let q = SearchQuery { text: word.into(), limit: 50, ..Default::default() };
        measure(&format!("search top-50, {what} ({word:?})"), 20.0, 30, |_| {
            let page = search::search(lib.conn(), Scope::Coach, &q).unwrap();
            std::hint::black_box(page);
        });
    }
    let q = SearchQuery {
        text: "pricing".into(),
        rep: Some("Rep 07".into()),
        limit: 50,
        ..Default::default()
    };
    measure("search top-50, common word, one rep", 20.0, 30, |_| {
        std::hint::black_box(search::search(lib.conn(), Scope::Coach, &q).unwrap());
    });
    measure("200 most recent calls of one rep with per-kind note counts", 20.0, 30, |i| {
        let f = ListFilter {
            rep: Some(format!("Rep {:02}", i % REPS)),
            limit: Some(200),
            ..Default::default()
        };
        let rows = recordings::list(lib.conn(), Scope::Coach, &f).unwrap();
        std::hint::black_box(rows);
    });
    // The coaching loop: progress over a year, and the first screen's board.
    let coach = gamefilm::library::people::named(lib.conn(), "as", "Coach").unwrap();
    let year = ProgressQuery { rep: Some("Rep 03".into()), weeks: 52 };
    measure("progress: one rep, 52 weeks", 100.0, 10, |_| {
        std::hint::black_box(progress::progress(lib.conn(), &coach, &year).unwrap());
    });
    let team = ProgressQuery { rep: None, weeks: 52 };
    measure(&format!("progress: the team of {REPS}, 52 weeks"), 100.0, 10, |_| {
        std::hint::black_box(progress::progress(lib.conn(), &coach, &team).unwrap());
    });
    measure(&format!("first screen: Due / Overdue board, {STEPS} steps"), 20.0, 30, |_| {
        std::hint::black_box(steps::due_board(lib.conn(), coach.scope()).unwrap());
    });

    let mut rng = fastrand::Rng::with_seed(11);
    let coach = gamefilm::library::people::current_or_user(&mut lib, None, "bench").unwrap().0;
    measure("single note insert (one transaction, FTS indexed)", 2.0, 200, |_| {
        let new = NewNote {
            recording_id: rng.i64(1..=n_rec as i64),
            start_ms: 1_000,
            end_ms: None,
            kind: NoteKind::Positive,
            text: "Benchmark note about pricing and next steps".into(),
        };
        std::hint::black_box(notes::create(&mut lib, &coach, &new).unwrap());
    });
}
