//! Review packs between two real library files: the coach's and the rep's round trip, the
//! merge rule, convergence under random edits and exchanges, hostile packs (each refused with
//! nothing written), privacy, and notes in and out as Audacity labels, WebVTT, SRT and CSV
//! (read back by ffmpeg).

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;
use gamefilm::error::{Coded, ErrorCode};
use gamefilm::library::interchange::{self, NotesFormat};
use gamefilm::library::merge;
use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::recordings::{self, MetaEdit};
use gamefilm::library::{Library, NoteKind, people, reviews};
use gamefilm::pack::{self, ExportOptions, Limits, PackError};

fn note_by(
    lib: &mut Library,
    who: &Person,
    rec: i64,
    at: i64,
    kind: NoteKind,
    text: &str,
) -> String {
    let new = NewNote { recording_id: rec, start_ms: at, end_ms: None, kind, text: text.into() };
    notes::create(lib, who, &new).unwrap().id
}

/// The coach's library: Dana's two calls and Lee's one, with notes by the coach and by Lee.
struct Coach {
    t: TempLib,
    lib: Library,
    coach: Person,
    dana: Person,
    lee: Person,
    ids: [i64; 3],
}

fn coach_library() -> Coach {
    let t = TempLib::new();
    let mut lib = t.open();
    let names = ["flac.flac", "pcm16_44k_stereo.wav", "mp3_8k_mono.mp3"];
    let paths: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    let ids = import_all(&mut lib, &paths);
    let coach = coach(&mut lib);
    let dana = person(&mut lib, "Dana", Role::Rep);
    let lee = person(&mut lib, "Lee", Role::Rep);
    for (id, rep) in [(ids[0], "Dana"), (ids[1], "Dana"), (ids[2], "Lee")] {
        let edit = MetaEdit { rep: Some(rep.into()), ..Default::default() };
        recordings::update_meta(&mut lib, id, &edit).unwrap();
    }
    Coach { t, lib, coach, dana, lee, ids: [ids[0], ids[1], ids[2]] }
}

fn export(
    lib: &mut Library,
    me: &Person,
    to: &Person,
    opts: &ExportOptions,
    out: &Path,
) -> pack::PackExportSummary {
    pack::export(lib, me, to, opts, out).expect("export a pack")
}

fn import(lib: &mut Library, file: &Path) -> pack::PackImportSummary {
    pack::import(lib, file, &Limits::default()).expect("import a pack")
}

/// Every entry of a zip, decompressed, and the raw bytes: what a snoop could read.
fn all_bytes(file: &Path) -> Vec<u8> {
    let raw = std::fs::read(file).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(raw.clone())).unwrap();
    let mut out = raw;
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_end(&mut out).unwrap();
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn coach_and_rep_round_trip_with_the_blind_rule_and_the_merge_rule() {
    let mut c = coach_library();
    let [d1, d2, _l1] = c.ids;
    let good = note_by(&mut c.lib, &c.coach, d1, 1_000, NoteKind::Positive, "Great opener, Dana");
    note_by(&mut c.lib, &c.coach, d1, 2_000, NoteKind::Improvement, "Ask about budget earlier");
    note_by(&mut c.lib, &c.coach, d2, 500, NoteKind::Positive, "Unreviewed call: a coach draft");
    reviews::mark_reviewed(&mut c.lib, &c.coach, d1, "discovery", "Solid call", false).unwrap();

    // The coach sends Dana her calls.
    let out = c.t.dir.path().join("for-dana.gamefilm");
    let sent = export(&mut c.lib, &c.coach, &c.dana, &ExportOptions::default(), &out);
    assert_eq!(sent.counts.recordings, 2, "Dana's two calls, not Lee's");
    assert_eq!(sent.counts.audio_files, 2);
    assert_eq!(sent.counts.notes, 2, "the reviewed call's notes; the unreviewed call's stay home");
    let bytes = all_bytes(&out);
    assert!(!contains(&bytes, "Unreviewed call: a coach draft"));
    assert!(!contains(&bytes, c.t.dir.path().to_str().unwrap()), "no local path travels");

    // Dana's fresh library: she is its person from the first pack.
    let rep_t = TempLib::new();
    let mut rep = rep_t.open();
    let got = import(&mut rep, &out);
    assert!(got.became_default);
    assert_eq!(got.merge.recordings.new, 2);
    assert_eq!(got.audio_written, 2);
    let me = people::default_person(rep.conn()).unwrap().unwrap();
    assert_eq!(
        (me.name.as_str(), me.id.as_str(), me.role),
        ("Dana", c.dana.id.as_str(), Role::Rep)
    );
    let rd1 = got.recordings[0].min(got.recordings[1]);
    let rd1 = if recordings::get(rep.conn(), rd1).unwrap().content_hash
        == recordings::get(c.lib.conn(), d1).unwrap().content_hash
    {
        rd1
    } else {
        got.recordings[0].max(got.recordings[1])
    };
    let rec = recordings::get(rep.conn(), rd1).unwrap();
    let file = rec.file.clone().expect("the audio came along");
    assert!(file.starts_with(rep_t.dir.path().join("audio")));
    assert_eq!(
        gamefilm::import::hash_file(&file).unwrap(),
        gamefilm::import::hash_file(&recordings::get(c.lib.conn(), d1).unwrap().file.unwrap())
            .unwrap()
    );
    // The blind rule travels: the coach's notes stay hidden until Dana submits.
    assert_eq!(notes::list(rep.conn(), me.scope(), rd1, false).unwrap().len(), 0);
    let mine = note_by(&mut rep, &me, rd1, 1_500, NoteKind::Improvement, "I rushed the intro");
    reviews::save_assessment(&mut rep, &me, rd1, "discovery", "Should have asked more", true)
        .unwrap();
    let seen = notes::list(rep.conn(), me.scope(), rd1, false).unwrap();
    assert_eq!(seen.len(), 3, "her note and the coach's two, now revealed");
    notes::reply(&mut rep, &me, &good, "Thanks, I practised it").unwrap();

    // The way back: only what Dana wrote.
    let back = rep_t.dir.path().join("for-coach.gamefilm");
    let coach_here = people::named(rep.conn(), "for", "Coach").unwrap();
    let ret = export(
        &mut rep,
        &me,
        &coach_here,
        &ExportOptions { without_audio: true, ..Default::default() },
        &back,
    );
    assert_eq!(
        (ret.counts.notes, ret.counts.replies, ret.counts.reviews),
        (1, 1, 1),
        "{:?}",
        ret.counts
    );
    assert_eq!(ret.counts.audio_files, 0);
    let merged = import(&mut c.lib, &back);
    // The self-assessment and its first revision.
    assert_eq!(
        (merged.merge.notes.new, merged.merge.replies.new, merged.merge.reviews.new),
        (1, 1, 2)
    );
    let assessment = reviews::self_assessment(c.lib.conn(), &c.coach, d1).unwrap();
    assert!(assessment.is_some_and(|a| a.text == "Should have asked more"));
    let on_coach = notes::list(c.lib.conn(), c.coach.scope(), d1, false).unwrap();
    assert!(on_coach.iter().any(|n| n.id == mine));
    assert_eq!(notes::replies(c.lib.conn(), c.coach.scope(), d1).unwrap().len(), 1);

    // Importing the same pack twice changes nothing.
    let before = merge::dump(c.lib.conn()).unwrap();
    let again = import(&mut c.lib, &back);
    assert!(!again.merge.changed(), "{:?}", again.merge);
    assert_eq!(merge::dump(c.lib.conn()).unwrap(), before);

    // Both sides edit the same note; the later edit wins on both sides, whatever the order.
    let coach_on_rep = people::named(rep.conn(), "as", "Coach").unwrap();
    notes::edit(
        &mut c.lib,
        &c.coach,
        &good,
        &NoteEdit { text: Some("Coach's edit".into()), ..Default::default() },
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    notes::edit(
        &mut rep,
        &coach_on_rep,
        &good,
        &NoteEdit { text: Some("Edit on Dana's desk".into()), ..Default::default() },
    )
    .unwrap();
    let a = c.t.dir.path().join("a.gamefilm");
    let b = rep_t.dir.path().join("b.gamefilm");
    export(&mut c.lib, &c.coach, &c.dana, &ExportOptions::default(), &a);
    // Dana's own packs carry only what she wrote: the coach, at her desk, sends the edit.
    export(&mut rep, &coach_on_rep, &coach_here, &ExportOptions::default(), &b);
    let at_rep = import(&mut rep, &a);
    let at_coach = import(&mut c.lib, &b);
    assert_eq!(at_rep.merge.conflicts.len(), 1, "{:?}", at_rep.merge);
    assert!(!at_rep.merge.conflicts[0].theirs_kept, "the rep's later edit stays");
    assert!(at_coach.merge.conflicts[0].theirs_kept, "and wins at the coach's too");
    for lib in [&c.lib, &rep] {
        assert_eq!(notes::get(lib.conn(), &good).unwrap().text, "Edit on Dana's desk");
    }
}

#[test]
fn a_call_without_audio_shows_its_waveform_and_says_it_cannot_play_until_the_file_arrives() {
    let mut c = coach_library();
    let d1 = c.ids[0];
    note_by(&mut c.lib, &c.coach, d1, 1_000, NoteKind::Positive, "Nice");
    reviews::mark_reviewed(&mut c.lib, &c.coach, d1, "discovery", "ok", false).unwrap();
    let out = c.t.dir.path().join("light.gamefilm");
    let opts = ExportOptions { calls: Some(vec![d1]), without_audio: true, ..Default::default() };
    let sent = export(&mut c.lib, &c.coach, &c.dana, &opts, &out);
    assert_eq!((sent.counts.recordings, sent.counts.audio_files), (1, 0));
    let rep_t = TempLib::new();
    let mut rep = rep_t.open();
    let got = import(&mut rep, &out);
    let id = got.recordings[0];
    assert_eq!(got.without_audio, 1);
    let rec = recordings::get(rep.conn(), id).unwrap();
    assert_eq!(rec.path, None);
    assert!(!rep_t.dir.path().join("audio").exists(), "no folder for no audio");
    let err = rec.audio_file().unwrap_err();
    assert_eq!(err.code(), ErrorCode::LibraryAudioMissing);
    assert!(err.to_string().contains("not on this machine"), "{err}");
    // The coarse waveform: one column per second or coarser, under 1 KB per call-minute.
    let peaks = recordings::load_peaks(rep.conn(), id).unwrap();
    assert!(peaks.levels[0].samples_per_bucket >= rec.sample_rate);
    let me = people::default_person(rep.conn()).unwrap().unwrap();
    let w = recordings::waveform(rep.conn(), me.scope(), id, 0, rec.duration_ms, 100).unwrap();
    assert!(w.values.iter().any(|v| *v != 0.0), "a waveform to look at");
    // *Locate…* takes the call's own file only: another call's is refused and changes nothing.
    let other_t = TempLib::new();
    let mut other = other_t.open();
    let oid = import(&mut other, &out).recordings[0];
    let own = recordings::get(c.lib.conn(), d1).unwrap().file.unwrap();
    let wrong = recordings::get(c.lib.conn(), c.ids[1]).unwrap().file.unwrap();
    // What a locate changes: the call's path and its peaks (read through SQLite: the library
    // file alone would not show a write still in its WAL).
    let state = |lib: &Library| -> (Option<String>, String) {
        lib.conn()
            .query_row(
                "SELECT r.path, (SELECT group_concat(hex(data)) FROM peaks WHERE recording_id = r.id)
                 FROM recordings r WHERE r.id = ?1",
                [oid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    // A rep cannot point another rep's call anywhere: to her it does not exist.
    let stranger = people::add(&mut other, "Someone Else", gamefilm::library::Role::Rep).unwrap();
    let before = state(&other);
    let refused = gamefilm::import::locate(&mut other, stranger.scope(), oid, &own).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ImportLibrary, "{refused}");
    assert_eq!(state(&other), before, "refused: nothing changed");
    let coach = gamefilm::library::Scope::Coach;
    let err = gamefilm::import::locate(&mut other, coach, oid, &wrong).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportNotThisCall);
    assert!(err.to_string().contains("not the audio of call"), "{err}");
    assert_eq!(state(&other), before, "a refused file changes nothing");
    assert_eq!(before.0, None, "the call had no audio here");
    gamefilm::import::locate(&mut other, coach, oid, &own).unwrap();
    let located = recordings::get(other.conn(), oid).unwrap();
    assert_eq!(located.audio_file().unwrap(), own.as_path());
    assert!(
        recordings::load_peaks(other.conn(), oid).unwrap().levels[0].samples_per_bucket
            < located.sample_rate,
        "the full peaks replace the coarse ones"
    );
    // A pack with the audio fills it; so would importing the file.
    let full = c.t.dir.path().join("full.gamefilm");
    export(
        &mut c.lib,
        &c.coach,
        &c.dana,
        &ExportOptions { calls: Some(vec![d1]), ..Default::default() },
        &full,
    );
    let got = import(&mut rep, &full);
    assert_eq!((got.audio_written, got.without_audio), (1, 0));
    let rec = recordings::get(rep.conn(), id).unwrap();
    assert!(rec.audio_file().unwrap().exists());
    // The import moved the file only; the full waveform follows from decoding it.
    assert_eq!(recordings::coarse_with_audio(rep.conn()).unwrap(), vec![id]);
    // The insights' background analysis leaves it to the refinement, which measures it too.
    use gamefilm::library::insights;
    assert!(insights::unanalysed(rep.conn()).unwrap().is_empty());
    assert!(!insights::stats(rep.conn(), Scope::Coach, id).unwrap().analysed);
    let refined = gamefilm::import::refine_peaks(&mut rep).unwrap();
    assert_eq!((refined.refined, refined.failed.len()), (1, 0));
    assert!(insights::stats(rep.conn(), Scope::Coach, id).unwrap().analysed);
    assert!(
        recordings::load_peaks(rep.conn(), id).unwrap().levels[0].samples_per_bucket
            < rec.sample_rate
    );
    assert!(recordings::coarse_with_audio(rep.conn()).unwrap().is_empty());
}

/// A valid pack, taken apart: its manifest and records as JSON, and its audio entries.
struct Parts {
    manifest: serde_json::Value,
    records: serde_json::Value,
    audio: Vec<(String, Vec<u8>)>,
}

fn take_apart(file: &Path) -> Parts {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|n| n.starts_with("audio/"))
        .collect();
    let mut read = |name: &str| {
        let mut v = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut v).unwrap();
        v
    };
    let manifest = serde_json::from_slice(&read("manifest.json")).unwrap();
    let records = serde_json::from_slice(&read("records.json")).unwrap();
    let audio = names
        .into_iter()
        .map(|n| {
            let b = read(&n);
            (n, b)
        })
        .collect();
    Parts { manifest, records, audio }
}

fn put_together(p: &Parts, out: &Path, extra: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let o = SimpleFileOptions::default();
    zip.start_file("manifest.json", o).unwrap();
    zip.write_all(&serde_json::to_vec(&p.manifest).unwrap()).unwrap();
    zip.start_file("records.json", o).unwrap();
    zip.write_all(&serde_json::to_vec(&p.records).unwrap()).unwrap();
    for (n, b) in &p.audio {
        zip.start_file(n.as_str(), o.compression_method(zip::CompressionMethod::Stored)).unwrap();
        zip.write_all(b).unwrap();
    }
    extra(&mut zip);
    zip.finish().unwrap();
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes =
                if e.file_type().is_file() { std::fs::read(e.path()).unwrap() } else { Vec::new() };
            (e.path().to_path_buf(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn hostile_packs_are_refused_by_name_and_reason_with_nothing_written() {
    let mut c = coach_library();
    let d1 = c.ids[0];
    note_by(&mut c.lib, &c.coach, d1, 1_000, NoteKind::Positive, "Nice");
    reviews::mark_reviewed(&mut c.lib, &c.coach, d1, "discovery", "ok", false).unwrap();
    let good = c.t.dir.path().join("good.gamefilm");
    export(
        &mut c.lib,
        &c.coach,
        &c.dana,
        &ExportOptions { calls: Some(vec![d1]), ..Default::default() },
        &good,
    );

    // The rep's library already holds something, so "unchanged" means something.
    let rep_t = TempLib::new();
    let mut rep = rep_t.open();
    people::add(&mut rep, "Dana", Role::Rep).unwrap();
    people::set_default(&mut rep, "Dana").unwrap();
    drop(rep);
    let hostile = TempLib::new();
    let mut cases: Vec<(&str, PathBuf, ErrorCode)> = Vec::new();
    let mut case = |name: &'static str, code: ErrorCode, build: &dyn Fn(&Path)| {
        let p = hostile.dir.path().join(format!("{}.gamefilm", name.replace(' ', "-")));
        build(&p);
        cases.push((name, p, code));
    };
    let parts = || take_apart(&good);
    case("not a zip", ErrorCode::PackNotAPack, &|p| {
        std::fs::write(p, b"hello, not a zip").unwrap()
    });
    case("truncated", ErrorCode::PackNotAPack, &|p| {
        let b = std::fs::read(&good).unwrap();
        std::fs::write(p, &b[..b.len() * 2 / 3]).unwrap()
    });
    case("newer version", ErrorCode::PackTooNew, &|p| {
        let mut x = parts();
        x.manifest["version"] = 99.into();
        put_together(&x, p, |_| {});
    });
    case("absolute path", ErrorCode::PackUnsafe, &|p| {
        put_together(&parts(), p, |z| {
            z.start_file("/etc/evil", zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(b"x").unwrap();
        })
    });
    case("dot dot", ErrorCode::PackUnsafe, &|p| {
        put_together(&parts(), p, |z| {
            z.start_file("audio/../../evil", zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(b"x").unwrap();
        })
    });
    case("symlink", ErrorCode::PackUnsafe, &|p| {
        put_together(&parts(), p, |z| {
            z.add_symlink(
                "audio/link.wav",
                "/etc/passwd",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
        })
    });
    case("audio hash", ErrorCode::PackAudioMismatch, &|p| {
        let mut x = parts();
        let last = x.audio[0].1.len() - 1;
        x.audio[0].1[last] ^= 0x55;
        put_together(&x, p, |_| {});
    });
    case("bad uuid", ErrorCode::PackBadRecord, &|p| {
        let mut x = parts();
        x.records["notes"][0]["uuid"] = "not-a-uuid".into();
        put_together(&x, p, |_| {});
    });
    case("time outside the call", ErrorCode::PackBadRecord, &|p| {
        let mut x = parts();
        x.records["notes"][0]["startMs"] = 999_999_999.into();
        put_together(&x, p, |_| {});
    });
    case("overlong text", ErrorCode::PackBadRecord, &|p| {
        let mut x = parts();
        x.records["notes"][0]["text"] = "x".repeat(10_001).into();
        put_together(&x, p, |_| {});
    });
    case("points at nothing", ErrorCode::PackBadRecord, &|p| {
        let mut x = parts();
        x.records["notes"][0]["author"] = "0b7e6a3c-1111-4222-8333-444455556666".into();
        put_together(&x, p, |_| {});
    });
    case("unlisted audio", ErrorCode::PackUnsafe, &|p| {
        put_together(&parts(), p, |z| {
            let name = format!("audio/{}.wav", "ab".repeat(32));
            z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(b"RIFF").unwrap();
        })
    });
    case("bomb", ErrorCode::PackTooLarge, &|p| {
        // A small file that inflates past the limit: records.json padded with 2 GB of spaces.
        let x = parts();
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(p).unwrap());
        zip.start_file("manifest.json", SimpleFileOptions::default()).unwrap();
        zip.write_all(&serde_json::to_vec(&x.manifest).unwrap()).unwrap();
        zip.start_file("records.json", SimpleFileOptions::default().large_file(true)).unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..1100 {
            zip.write_all(&spaces).unwrap();
        }
        zip.finish().unwrap();
    });
    // Duplicate names and too many entries, written by Python's zipfile (the zip crate refuses
    // to write a duplicate).
    case("duplicate names", ErrorCode::PackUnsafe, &|p| {
        std::fs::copy(&good, p).unwrap();
        let ok = std::process::Command::new("python3")
            .args(["-c", "import sys, zipfile, warnings\nwarnings.simplefilter('ignore')\nz = zipfile.ZipFile(sys.argv[1], 'a')\nz.writestr('manifest.json', '{}')\nz.close()", p.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(ok.success());
    });
    case("too many entries", ErrorCode::PackTooLarge, &|p| {
        let ok = std::process::Command::new("python3")
            .args(["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nfor i in range(20001): z.writestr(f'audio/{i}', '')\nz.close()", p.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(ok.success());
    });

    let library_bytes = || std::fs::read(rep_t.path()).unwrap();
    for (name, file, code) in &cases {
        let before_dir = snapshot(rep_t.dir.path());
        let before = library_bytes();
        let mut rep = rep_t.open();
        let err =
            pack::import(&mut rep, file, &Limits { max_json_bytes: 1 << 30, ..Limits::default() })
                .unwrap_err();
        drop(rep);
        assert_eq!(err.code(), *code, "{name}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&file.display().to_string()),
            "{name}: the error names the file: {msg}"
        );
        assert_eq!(library_bytes(), before, "{name}: the library is byte-identical");
        assert_eq!(snapshot(rep_t.dir.path()), before_dir, "{name}: nothing else was written");
    }
    // And the good pack still goes in.
    let mut rep = rep_t.open();
    assert_eq!(import(&mut rep, &good).merge.recordings.new, 1);
    assert!(matches!(
        pack::import(&mut rep, &cases[0].1, &Limits::default()),
        Err(PackError::NotAPack { .. })
    ));
}

#[test]
fn a_pack_for_one_rep_holds_nothing_of_another_rep_and_nothing_deleted() {
    let mut c = coach_library();
    let [d1, d2, l1] = c.ids;
    note_by(&mut c.lib, &c.coach, d1, 1_000, NoteKind::Positive, "For Dana: keep it up");
    let gone =
        note_by(&mut c.lib, &c.coach, d1, 1_200, NoteKind::Improvement, "SECRET deleted remark");
    notes::delete(&mut c.lib, &c.coach, &gone).unwrap();
    note_by(&mut c.lib, &c.coach, l1, 1_000, NoteKind::Positive, "LEE-ONLY praise");
    note_by(&mut c.lib, &c.lee, l1, 1_100, NoteKind::Improvement, "LEE's own worry");
    reviews::mark_reviewed(&mut c.lib, &c.coach, d1, "discovery", "For Dana", false).unwrap();
    reviews::mark_reviewed(&mut c.lib, &c.coach, l1, "value", "LEE review summary", false).unwrap();
    recordings::update_meta(
        &mut c.lib,
        l1,
        &MetaEdit { counterpart: Some("LEE-COUNTERPART".into()), ..Default::default() },
    )
    .unwrap();
    let out = c.t.dir.path().join("dana.gamefilm");
    export(&mut c.lib, &c.coach, &c.dana, &ExportOptions::default(), &out);
    let bytes = all_bytes(&out);
    assert!(contains(&bytes, "For Dana: keep it up"));
    for secret in ["SECRET", "LEE", &c.lee.id] {
        assert!(!contains(&bytes, secret), "'{secret}' is in Dana's pack");
    }
    assert!(contains(&bytes, &gone), "the deleted note travels as a tombstone: its id only");

    // On Dana's desk, before her self-assessment, the coach's notes are in her library but
    // hidden: a pack she makes for the coach carries only what she wrote.
    let rep_t = TempLib::new();
    let mut rep = rep_t.open();
    import(&mut rep, &out);
    let me = people::default_person(rep.conn()).unwrap().unwrap();
    let on_rep = recordings::list(rep.conn(), me.scope(), &Default::default()).unwrap();
    let call = on_rep.iter().find(|r| r.positives + r.improvements == 0).unwrap().id;
    note_by(&mut rep, &me, call, 300, NoteKind::Improvement, "Dana's own worry");
    let coach_there = people::named(rep.conn(), "for", "Coach").unwrap();
    let back = rep_t.dir.path().join("back.gamefilm");
    export(&mut rep, &me, &coach_there, &ExportOptions::default(), &back);
    let bytes = all_bytes(&back);
    assert!(contains(&bytes, "Dana's own worry"));
    assert!(!contains(&bytes, "For Dana: keep it up"), "the coach's note she has not seen");
    assert!(!contains(&bytes, "For Dana\""), "nor the coach's review");
    let _ = d2;
}

#[test]
fn notes_go_out_and_back_as_audacity_labels_and_csv_to_the_millisecond_and_ffmpeg_reads_the_subtitles()
 {
    let mut c = coach_library();
    let d1 = c.ids[0];
    let duration = recordings::get(c.lib.conn(), d1).unwrap().duration_ms;
    let add = |lib: &mut Library, who: &Person, s: i64, e: Option<i64>, k: NoteKind, t: &str| {
        notes::create(
            lib,
            who,
            &NewNote { recording_id: d1, start_ms: s, end_ms: e, kind: k, text: t.into() },
        )
        .unwrap()
    };
    add(&mut c.lib, &c.coach, 1, None, NoteKind::Positive, "Point at one millisecond");
    add(
        &mut c.lib,
        &c.coach,
        1_234,
        Some(2_345),
        NoteKind::Improvement,
        "Range, with \"quotes\", commas",
    );
    add(
        &mut c.lib,
        &c.coach,
        duration - 1,
        None,
        NoteKind::Positive,
        "At the very end --> still fine",
    );
    let dir = c.t.folder("exports");
    let coach_scope = c.coach.scope();
    for (format, name) in [
        (NotesFormat::Audacity, "labels.txt"),
        (NotesFormat::Csv, "notes.csv"),
        (NotesFormat::Vtt, "notes.vtt"),
        (NotesFormat::Srt, "notes.srt"),
    ] {
        let text = interchange::export(c.lib.conn(), coach_scope, &[d1], format).unwrap();
        interchange::write(&text, &dir.join(name)).unwrap();
    }
    // Round trips onto another call of the same length: the other library's copy.
    let key = |n: &gamefilm::library::Note| (n.start_ms, n.end_ms, n.kind, n.text.clone());
    let original: Vec<_> =
        notes::list(c.lib.conn(), coach_scope, d1, false).unwrap().iter().map(key).collect();
    for name in ["labels.txt", "notes.csv"] {
        let t = TempLib::new();
        let mut lib = t.open();
        let ids = import_all(&mut lib, &[fixture("flac.flac")]);
        let me = coach(&mut lib);
        let done = interchange::import(&mut lib, &me, ids[0], &dir.join(name), None).unwrap();
        assert_eq!(done.notes.len(), 3);
        let back: Vec<_> =
            notes::list(lib.conn(), me.scope(), ids[0], false).unwrap().iter().map(key).collect();
        assert_eq!(back, original, "{name} is lossless to the millisecond");
        let again = interchange::export(
            lib.conn(),
            me.scope(),
            &ids,
            if name.ends_with("csv") { NotesFormat::Csv } else { NotesFormat::Audacity },
        )
        .unwrap();
        let first = std::fs::read_to_string(dir.join(name)).unwrap();
        if name.ends_with("txt") {
            assert_eq!(again, first, "labels → notes → labels is the same file");
        } else {
            // The author column names whoever imported them.
            let strip = |s: &str| s.lines().map(|l| l.replace("Coach", "")).collect::<Vec<_>>();
            assert_eq!(strip(&again), strip(&first));
        }
    }
    // ffmpeg takes both subtitle files as inputs.
    for name in ["notes.vtt", "notes.srt"] {
        let out = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(dir.join(name))
            .args(["-f", "ass", "-"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let ass = String::from_utf8_lossy(&out.stdout);
        assert_eq!(ass.matches("Dialogue:").count(), 3, "{name}: {ass}");
        assert!(ass.contains("0:00:01.23"), "{name}: {ass}");
    }
    // A bad row names its line and imports nothing.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "start,end,kind,text\n1.0,,positive,fine\n2.0,1.0,positive,ends before it starts\n",
    )
    .unwrap();
    let before = notes::list(c.lib.conn(), coach_scope, d1, false).unwrap().len();
    let err = interchange::import(&mut c.lib, &c.coach, d1, &bad, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotesFileInvalid);
    assert!(err.to_string().contains("line 3"), "{err}");
    assert_eq!(notes::list(c.lib.conn(), coach_scope, d1, false).unwrap().len(), before);
    let labels = dir.join("nokind.txt");
    std::fs::write(&labels, "1.000000\t1.000000\tno kind here\n").unwrap();
    let err = interchange::import(&mut c.lib, &c.coach, d1, &labels, None).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    let done = interchange::import(&mut c.lib, &c.coach, d1, &labels, Some(NoteKind::Improvement))
        .unwrap();
    assert_eq!(done.notes[0].kind, NoteKind::Improvement);
}

/// Random edits on two libraries, exchanged in random order and number, end the same.
#[test]
fn two_libraries_converge_under_random_edits_and_exchanges() {
    for seed in 0..12u64 {
        converge(seed);
    }
}

fn converge(seed: u64) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let a_t = TempLib::new();
    let mut a = a_t.open();
    let ids = import_all(&mut a, &[fixture("flac.flac"), fixture("pcm16_44k_stereo.wav")]);
    let ca = coach(&mut a);
    let other_on_a = person(&mut a, "Other", Role::Coach);
    // B starts from A's first pack: both hold the calls and the people.
    let first = a_t.dir.path().join("first.gamefilm");
    let note0 = note_by(&mut a, &ca, ids[0], 100, NoteKind::Positive, "seed note");
    export(&mut a, &ca, &other_on_a, &ExportOptions::default(), &first);
    let b_t = TempLib::new();
    let mut b = b_t.open();
    import(&mut b, &first);
    let cb = people::named(b.conn(), "as", "Coach").unwrap();
    let other_on_b = people::named(b.conn(), "as", "Other").unwrap();
    people::set_default(&mut b, "Other").unwrap();
    let b_ids: Vec<i64> = {
        let mut v: Vec<i64> = b
            .conn()
            .prepare("SELECT id FROM recordings ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        v.sort();
        v
    };
    let mut known: Vec<String> = vec![note0];
    let mut n = 0;
    for step in 0..40 {
        let on_a = rng.bool();
        let (lib, me, calls) =
            if on_a { (&mut a, &ca, &ids[..]) } else { (&mut b, &other_on_b, &b_ids[..]) };
        let pick = known[rng.usize(..known.len())].clone();
        match rng.u8(..6) {
            0 | 1 => {
                n += 1;
                let kind = if rng.bool() { NoteKind::Positive } else { NoteKind::Improvement };
                let id = note_by(
                    lib,
                    me,
                    calls[rng.usize(..calls.len())],
                    rng.i64(0..900),
                    kind,
                    &format!("note {n}"),
                );
                known.push(id);
            }
            2 => {
                let _ = notes::edit(
                    lib,
                    me,
                    &pick,
                    &NoteEdit { text: Some(format!("edit {step}")), ..Default::default() },
                );
            }
            3 => {
                let _ = notes::delete(lib, me, &pick);
            }
            4 => {
                let _ = notes::undo_delete(lib, me, Some(&pick));
            }
            _ => {
                let _ = notes::reply(lib, me, &pick, &format!("reply {step}"));
            }
        }
        // Now and then, an exchange one way or the other (a pack may sit before it is opened).
        if rng.u8(..4) == 0 {
            let f = a_t.dir.path().join(format!("a{step}.gamefilm"));
            if pack::export(&mut a, &ca, &other_on_a, &ExportOptions::default(), &f).is_ok() {
                import(&mut b, &f);
            }
        }
        if rng.u8(..4) == 0 {
            let f = b_t.dir.path().join(format!("b{step}.gamefilm"));
            if pack::export(&mut b, &other_on_b, &cb, &ExportOptions::default(), &f).is_ok() {
                import(&mut a, &f);
            }
        }
    }
    // Exchange until quiet, in both orders.
    for round in 0..4 {
        let f = a_t.dir.path().join(format!("fa{round}.gamefilm"));
        if pack::export(&mut a, &ca, &other_on_a, &ExportOptions::default(), &f).is_ok() {
            import(&mut b, &f);
        }
        let f = b_t.dir.path().join(format!("fb{round}.gamefilm"));
        if pack::export(&mut b, &other_on_b, &cb, &ExportOptions::default(), &f).is_ok() {
            import(&mut a, &f);
        }
    }
    let (da, db) = (merge::dump(a.conn()).unwrap(), merge::dump(b.conn()).unwrap());
    if da != db {
        let only_a: Vec<_> = da.lines().filter(|l| !db.lines().any(|m| m == *l)).collect();
        let only_b: Vec<_> = db.lines().filter(|l| !da.lines().any(|m| m == *l)).collect();
        let diff = (only_a, only_b);
        panic!(
            "seed {seed}: the libraries differ:\n{diff:#?}\n({} vs {} lines)",
            da.lines().count(),
            db.lines().count()
        );
    }
}
