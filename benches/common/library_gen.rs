//! The team-scale library the library and pack benchmarks measure against: 100,000 recordings
//! and 1,000,000 notes of ten reps and their coach (scaled by `GAMEFILM_BENCH_SCALE`),
//! generated once and cached under `target/bench/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use gamefilm::library::Library;
use rusqlite::params;

pub const GENERATOR_VERSION: u32 = 8;
/// A team of ten reps (DESIGN.md: ten reps make 100,000 calls a year) and their coach.
pub const REPS: usize = 10;
/// Next steps in the library, for the first screen's Due / Overdue board.
pub const STEPS: usize = 10_000;

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

pub fn scale() -> f64 {
    std::env::var("GAMEFILM_BENCH_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1.0)
}

fn zipf_word(rng: &mut fastrand::Rng) -> &'static str {
    // Inverse-power draw over the vocabulary.
    let u = rng.f64();
    let i = ((WORDS.len() as f64).powf(u) - 1.0) as usize;
    WORDS[i.min(WORDS.len() - 1)]
}

pub fn generate(path: &Path, n_recordings: usize, n_notes: usize) {
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
    // No ANALYZE (`PRAGMA optimize` ran it until generator 8): a user's library never has
    // planner statistics, and with them SQLite marks statements whose plan depends on a bound
    // value, which rusqlite's statement cache then re-prepares on every use (its reset clears
    // the bindings): the bench measured a library no user has.
    lib.conn()
        .execute_batch("INSERT INTO notes_fts (notes_fts) VALUES ('optimize');")
        .expect("optimize");
    eprintln!(
        "generated {n_recordings} recordings and {n_notes} notes in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

/// The cached library at `scale()` (generated first if missing), with its recording and note counts.
pub fn library() -> (PathBuf, usize, usize) {
    let s = scale();
    let (n_rec, n_notes) = ((100_000.0 * s) as usize, (1_000_000.0 * s) as usize);
    let dir = bench_dir();
    let path = dir.join(format!("library-{n_rec}-{n_notes}-v{GENERATOR_VERSION}.sqlite"));
    if !path.exists() {
        generate(&path, n_rec, n_notes);
    }
    (path, n_rec, n_notes)
}

/// `target/bench`, made if missing.
pub fn bench_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    dir
}
