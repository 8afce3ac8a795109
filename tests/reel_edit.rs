//! Editing a saved reel by hand: add any note on purpose, remove, move, trim, rename, delete.
//! Real recordings and a real library; every refused edit leaves the reel exactly as it was, and
//! the rendered reel has the edited spans (checked with ffprobe).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use gamefilm::jobs::Job;
use gamefilm::library::reels::{self, IfEmpty, MAX_CLIP_MS, ReelDetail, ReelQuery, RemovedClip};
use gamefilm::library::{Library, LibraryError, Note, NoteKind};
use gamefilm::reel::{self, ReelFormat, RenderOptions, SEPARATOR_MS};

/// Recordings and notes of a small team week.
struct Week {
    lib: Library,
    /// 4 s, 44.1 kHz stereo WAV.
    wav: i64,
    /// 7.9 s, 8 kHz mono MP3.
    mp3: i64,
    /// 6 minutes of 8 kHz noise: long enough for trims past the 5-minute limit.
    long: i64,
    /// Planned positives, in reel order: mp3 point at 3 s, wav range 1–3.5 s.
    positives: Vec<Note>,
    /// An improvement on the wav: left out of planning.
    improvement: Note,
    /// A point note in the middle of the long call.
    long_point: Note,
}

fn long_recording(t: &TempLib) -> PathBuf {
    let path = t.folder("calls").join("long_call.wav");
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-f", "lavfi", "-i"])
        .arg("anoisesrc=color=pink:amplitude=0.3:sample_rate=8000:duration=360")
        .args(["-ac", "1", "-c:a", "pcm_s16le"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg could not generate the long call");
    path
}

fn week(t: &TempLib) -> Week {
    let mut lib = t.open();
    let files = [fixture("mp3_8k_mono.mp3"), fixture("pcm16_44k_stereo.wav"), long_recording(t)];
    let ids = import_all(&mut lib, &files);
    let (mp3, wav, long) = (ids[0], ids[1], ids[2]);
    order_calls(&lib, &ids);
    let positives = vec![
        add_note(&mut lib, mp3, 3_000, None, NoteKind::Positive, "Great opener"),
        add_note(
            &mut lib,
            wav,
            1_000,
            Some(3_500),
            NoteKind::Positive,
            "Handled the price question",
        ),
    ];
    let improvement =
        add_note(&mut lib, wav, 500, Some(1_500), NoteKind::Improvement, "Rushed the intro");
    // An improvement on the long call, and a point note that is not planned (it is an
    // improvement) but padded like a planned one when added.
    let long_point =
        add_note(&mut lib, long, 120_000, None, NoteKind::Improvement, "Talked over them");
    Week { lib, wav, mp3, long, positives, improvement, long_point }
}

fn last_7_days() -> ReelQuery {
    ReelQuery::last_days(7, gamefilm::timefmt::now_ms())
}

/// A reel saved from the default plan (positives of the last 7 days).
fn planned_reel(w: &mut Week) -> i64 {
    let clips = reels::plan(w.lib.conn(), Scope::Coach, &last_7_days()).unwrap();
    reels::save(&mut w.lib, "Week 47", &clips).unwrap()
}

/// The clips' (note id, start, end), in order; and the positions are exactly 0..n.
fn spans(d: &ReelDetail) -> Vec<(String, i64, i64)> {
    let positions: Vec<i64> = d.clips.iter().map(|c| c.position).collect();
    assert_eq!(positions, (0..d.clips.len() as i64).collect::<Vec<_>>(), "positions not dense");
    d.clips.iter().map(|c| (c.note_id.clone().unwrap_or_default(), c.start_ms, c.end_ms)).collect()
}

/// The rows in the table, straight from SQLite: positions are dense there too.
fn stored_positions(lib: &Library, reel_id: i64) -> Vec<i64> {
    let mut stmt = lib
        .conn()
        .prepare("SELECT position FROM reel_items WHERE reel_id = ?1 ORDER BY position")
        .unwrap();
    stmt.query_map([reel_id], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn invalid_field(e: LibraryError) -> &'static str {
    match e {
        LibraryError::Invalid { field, .. } => field,
        other => panic!("expected an invalid-argument error, got {other:?}"),
    }
}

#[test]
fn a_planned_reel_reads_back_with_what_the_editor_shows() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let d = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    assert_eq!(d.title, "Week 47");
    assert_eq!(d.created_at, d.updated_at);
    assert_eq!(
        spans(&d),
        vec![(w.positives[0].id.clone(), 0, 7_864), (w.positives[1].id.clone(), 1_000, 3_500)]
    );
    let first = &d.clips[0];
    assert_eq!(first.recording_id, w.mp3);
    assert_eq!(first.kind, Some(NoteKind::Positive));
    assert_eq!(first.text.as_deref(), Some("Great opener"));
    assert_eq!(first.title, "mp3_8k_mono");
    assert_eq!(first.recording_duration_ms, 7_864);
    assert!(!first.note_deleted);
    let second = &d.clips[1];
    assert_eq!((second.recording_id, second.title.as_str()), (w.wav, "pcm16_44k_stereo"));
    assert_eq!(second.recording_duration_ms, 4_000);
    assert_eq!(d.duration_ms, 7_864 + 2_500 + SEPARATOR_MS as i64);

    let list = reels::list(w.lib.conn(), Scope::Coach).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].clip_count, list[0].duration_ms), (id, 2, d.duration_ms));
    // The app receives camelCase.
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["clips"][0]["recordingDurationMs"], 7_864);
    assert_eq!(json["clips"][0]["noteId"], w.positives[0].id.as_str());
}

#[test]
fn an_improvement_goes_in_only_when_added_on_purpose() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let planned = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    assert!(planned.clips.iter().all(|c| c.kind == Some(NoteKind::Positive)));
    let d = reels::add_note(&mut w.lib, Scope::Coach, id, &w.improvement.id, Some(1)).unwrap();
    assert_eq!(
        spans(&d),
        vec![
            (w.positives[0].id.clone(), 0, 7_864),
            (w.improvement.id.clone(), 500, 1_500),
            (w.positives[1].id.clone(), 1_000, 3_500),
        ]
    );
    assert_eq!(d.clips[1].kind, Some(NoteKind::Improvement));
    assert_eq!(d.clips[1].text.as_deref(), Some("Rushed the intro"));
    // Planning still leaves improvements out; the saved reel renders with it.
    let replanned = reels::plan(w.lib.conn(), Scope::Coach, &last_7_days()).unwrap();
    assert!(replanned.iter().all(|c| c.kind == NoteKind::Positive));
    assert_eq!(replanned.len(), 2);
    let clips = reels::clips_for_render(w.lib.conn(), Scope::Coach, id).unwrap();
    assert_eq!(clips[1].note_id, w.improvement.id);
    assert_eq!(clips[1].kind, NoteKind::Improvement);
}

#[test]
fn an_added_point_note_is_padded_as_planning_pads_it() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let d = reels::add_note(&mut w.lib, Scope::Coach, id, &w.long_point.id, None).unwrap();
    let last = d.clips.last().unwrap();
    assert_eq!((last.position, last.recording_id), (2, w.long));
    assert_eq!((last.start_ms, last.end_ms), (115_000, 130_000));
    assert_eq!(last.recording_duration_ms, 360_000);
    // A note id may be given by an unambiguous prefix, as everywhere else.
    let again = reels::add_note(&mut w.lib, Scope::Coach, id, &w.long_point.id[..8], Some(0));
    assert_eq!(invalid_field(again.unwrap_err()), "note", "the note is already in the reel");
}

#[test]
fn moving_and_removing_clips_round_trip_and_keep_positions_dense() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    reels::add_note(&mut w.lib, Scope::Coach, id, &w.improvement.id, None).unwrap();
    reels::add_note(&mut w.lib, Scope::Coach, id, &w.long_point.id, None).unwrap();
    let original = spans(&reels::get(w.lib.conn(), Scope::Coach, id).unwrap());
    let names = |d: &ReelDetail| spans(d).into_iter().map(|s| s.0).collect::<Vec<_>>();
    let ids: Vec<String> = original.iter().map(|s| s.0.clone()).collect();
    let order = |is: &[usize]| is.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>();

    let d = reels::move_clip(&mut w.lib, id, 0, 3).unwrap();
    assert_eq!(names(&d), order(&[1, 2, 3, 0]));
    let d = reels::move_clip(&mut w.lib, id, 3, 0).unwrap();
    assert_eq!(spans(&d), original, "moving back restores the reel");
    let d = reels::move_clip(&mut w.lib, id, 2, 1).unwrap();
    assert_eq!(names(&d), order(&[0, 2, 1, 3]));
    let d = reels::move_clip(&mut w.lib, id, 1, 1).unwrap();
    assert_eq!(names(&d), order(&[0, 2, 1, 3]), "a move to itself is a no-op");

    let d = reels::remove_clip(&mut w.lib, id, 1).unwrap();
    assert_eq!(names(&d), order(&[0, 1, 3]));
    assert_eq!(stored_positions(&w.lib, id), [0, 1, 2]);
    // The removed note can be put back where it was.
    let d = reels::add_note(&mut w.lib, Scope::Coach, id, &ids[2], Some(2)).unwrap();
    assert_eq!(spans(&d), original);
    assert_eq!(stored_positions(&w.lib, id), [0, 1, 2, 3]);

    for _ in 0..4 {
        reels::remove_clip(&mut w.lib, id, 0).unwrap();
    }
    let empty = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    assert!(empty.clips.is_empty());
    assert_eq!(empty.duration_ms, 0);
    let e = reels::remove_clip(&mut w.lib, id, 0).unwrap_err();
    assert_eq!(invalid_field(e), "position");
}

#[test]
fn positions_stay_dense_through_any_sequence_of_edits() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let all: Vec<String> =
        w.positives.iter().chain([&w.improvement, &w.long_point]).map(|n| n.id.clone()).collect();
    let mut model: Vec<String> = w.positives.iter().map(|n| n.id.clone()).collect();
    let mut rng = fastrand::Rng::with_seed(47);
    let (mut applied, mut longest) = (0, 0);
    for step in 0..200 {
        let n = model.len();
        // Adds are drawn twice as often as removes, so that the reel fills up at times.
        let result = match rng.u8(0..5) {
            0 | 1 => {
                let note = &all[rng.usize(0..all.len())];
                let pos = rng.usize(0..n + 2);
                let r = reels::add_note(&mut w.lib, Scope::Coach, id, note, Some(pos));
                if !model.contains(note) && pos <= n {
                    model.insert(pos, note.clone());
                }
                r
            }
            2 => {
                let pos = rng.usize(0..n + 1);
                let r = reels::remove_clip(&mut w.lib, id, pos);
                if pos < n {
                    model.remove(pos);
                }
                r
            }
            _ => {
                let (from, to) = (rng.usize(0..n + 1), rng.usize(0..n + 1));
                let r = reels::move_clip(&mut w.lib, id, from, to);
                if from < n && to < n {
                    let it = model.remove(from);
                    model.insert(to, it);
                }
                r
            }
        };
        match &result {
            Ok(_) => applied += 1,
            Err(e) => assert!(matches!(e, LibraryError::Invalid { .. }), "step {step}: {e:?}"),
        }
        longest = longest.max(model.len());
        let d = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
        let names: Vec<String> = spans(&d).into_iter().map(|s| s.0).collect();
        assert_eq!(names, model, "step {step}");
        assert_eq!(stored_positions(&w.lib, id), (0..model.len() as i64).collect::<Vec<_>>());
    }
    assert!(applied >= 80 && longest == all.len(), "{applied} edits applied, longest {longest}");
}

#[test]
fn a_trim_round_trips_and_renders_as_trimmed() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    reels::add_note(&mut w.lib, Scope::Coach, id, &w.long_point.id, None).unwrap();
    let d = reels::trim_clip(&mut w.lib, id, 0, 1_250, 4_000).unwrap();
    assert_eq!((d.clips[0].start_ms, d.clips[0].end_ms), (1_250, 4_000));
    // To the very edges of the recording, and exactly the 5-minute limit.
    let d = reels::trim_clip(&mut w.lib, id, 1, 0, 4_000).unwrap();
    assert_eq!((d.clips[1].start_ms, d.clips[1].end_ms), (0, 4_000));
    let d = reels::trim_clip(&mut w.lib, id, 2, 60_000, 60_000 + MAX_CLIP_MS).unwrap();
    assert_eq!((d.clips[2].start_ms, d.clips[2].end_ms), (60_000, 360_000));
    let d = reels::trim_clip(&mut w.lib, id, 2, 200_000, 203_500).unwrap();
    assert!(d.updated_at >= d.created_at);
    assert_eq!(
        reels::get(w.lib.conn(), Scope::Coach, id).unwrap(),
        d,
        "what an edit returns is what is stored"
    );

    let clips = reels::clips_for_render(w.lib.conn(), Scope::Coach, id).unwrap();
    let edited: Vec<(i64, i64)> = clips.iter().map(|c| (c.start_ms, c.end_ms)).collect();
    assert_eq!(edited, [(1_250, 4_000), (0, 4_000), (200_000, 203_500)]);
    let out = t.folder("out");
    let opts = RenderOptions {
        out_dir: out,
        name: "edited".into(),
        format: ReelFormat::Wav,
        title: "Edited".into(),
        created_at: 0,
    };
    let rendered = reel::render(&clips, &opts, &Job::silent()).unwrap();
    for (c, (start, end)) in rendered.chapters.iter().zip(&edited) {
        assert!(
            ((c.end_ms - c.start_ms) - (end - start)).abs() <= 2,
            "chapter {}..{} ms for a clip of {} ms",
            c.start_ms,
            c.end_ms,
            end - start
        );
    }
    let expected = 2_750 + 4_000 + 3_500 + 2 * SEPARATOR_MS as i64;
    assert_eq!(d.duration_ms, expected);
    let probed = (ffprobe_duration(&rendered.audio) * 1000.0).round() as i64;
    assert!((probed - expected).abs() <= 20, "ffprobe {probed} ms, edited reel {expected} ms");
}

#[test]
fn invalid_trims_are_refused_and_change_nothing() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    reels::add_note(&mut w.lib, Scope::Coach, id, &w.long_point.id, None).unwrap();
    let before = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    let cases: [(usize, i64, i64, &str); 8] = [
        (1, -1, 2_000, "start"),        // before the recording
        (1, 4_000, 4_500, "start"),     // starts at its end
        (1, 2_000, 2_000, "end"),       // empty
        (1, 3_000, 2_000, "end"),       // backwards
        (1, 1_000, 4_001, "end"),       // past the end of the 4 s call
        (2, 0, MAX_CLIP_MS + 1, "end"), // longer than 5 minutes
        (2, 10_000, 370_000, "end"),    // past the end of the long call
        (3, 0, 1_000, "position"),      // no such clip
    ];
    for (pos, start, end, field) in cases {
        let e = reels::trim_clip(&mut w.lib, id, pos, start, end).unwrap_err();
        let message = e.to_string();
        assert_eq!(invalid_field(e), field, "trim {pos} to {start}..{end}: {message}");
        assert_eq!(
            reels::get(w.lib.conn(), Scope::Coach, id).unwrap(),
            before,
            "a refused trim changed the reel"
        );
    }
    let e = reels::trim_clip(&mut w.lib, id, 2, 0, MAX_CLIP_MS + 1).unwrap_err().to_string();
    assert!(e.contains("5:00"), "the message names the limit: {e}");
}

#[test]
fn edits_name_what_is_wrong_and_change_nothing() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let before = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    let missing = |e: LibraryError| match e {
        LibraryError::NotFound { what, .. } => what,
        other => panic!("expected not found, got {other:?}"),
    };
    assert_eq!(missing(reels::get(w.lib.conn(), Scope::Coach, 999).unwrap_err()), "reel");
    assert_eq!(
        missing(reels::clips_for_render(w.lib.conn(), Scope::Coach, 999).unwrap_err()),
        "reel"
    );
    assert_eq!(missing(reels::rename(&mut w.lib, 999, "x").unwrap_err()), "reel");
    assert_eq!(missing(reels::move_clip(&mut w.lib, 999, 0, 1).unwrap_err()), "reel");
    assert_eq!(missing(reels::delete(&mut w.lib, 999).unwrap_err()), "reel");
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        missing(reels::add_note(&mut w.lib, Scope::Coach, id, unknown, None).unwrap_err()),
        "note"
    );

    let e = reels::add_note(&mut w.lib, Scope::Coach, id, &w.improvement.id, Some(3)).unwrap_err();
    assert_eq!(invalid_field(e), "position");
    let e = reels::add_note(&mut w.lib, Scope::Coach, id, &w.positives[0].id, None).unwrap_err();
    assert_eq!(invalid_field(e), "note");
    as_coach::delete(&mut w.lib, &w.improvement.id).unwrap();
    let e = reels::add_note(&mut w.lib, Scope::Coach, id, &w.improvement.id, None).unwrap_err();
    assert_eq!(invalid_field(e), "note");
    assert_eq!(invalid_field(reels::move_clip(&mut w.lib, id, 2, 0).unwrap_err()), "from");
    assert_eq!(invalid_field(reels::move_clip(&mut w.lib, id, 0, 2).unwrap_err()), "to");
    assert_eq!(invalid_field(reels::remove_clip(&mut w.lib, id, 2).unwrap_err()), "position");
    assert_eq!(invalid_field(reels::rename(&mut w.lib, id, "   ").unwrap_err()), "title");
    let long_title = "x".repeat(reels::MAX_TITLE_CHARS + 1);
    assert_eq!(invalid_field(reels::rename(&mut w.lib, id, &long_title).unwrap_err()), "title");
    assert_eq!(reels::get(w.lib.conn(), Scope::Coach, id).unwrap(), before);
}

#[test]
fn a_clip_stays_when_its_note_is_deleted_and_says_so() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    as_coach::delete(&mut w.lib, &w.positives[1].id).unwrap();
    let d = reels::get(w.lib.conn(), Scope::Coach, id).unwrap();
    assert_eq!(d.clips.len(), 2);
    assert!(!d.clips[0].note_deleted && d.clips[1].note_deleted);
    as_coach::undo_delete(&mut w.lib, Some(&w.positives[1].id)).unwrap();
    assert!(!reels::get(w.lib.conn(), Scope::Coach, id).unwrap().clips[1].note_deleted);
}

#[test]
fn renaming_and_deleting_a_reel() {
    let t = TempLib::new();
    let mut w = week(&t);
    let first = planned_reel(&mut w);
    let second = planned_reel(&mut w);
    let d = reels::rename(&mut w.lib, first, "  Best openers, week 47 ").unwrap();
    assert_eq!(d.title, "Best openers, week 47");
    let list = reels::list(w.lib.conn(), Scope::Coach).unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [second, first], "newest first");
    assert_eq!(list[1].title, "Best openers, week 47");

    let before = reels::get(w.lib.conn(), Scope::Coach, first).unwrap();
    reels::delete(&mut w.lib, first).unwrap();
    let list = reels::list(w.lib.conn(), Scope::Coach).unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [second]);
    assert!(matches!(
        reels::get(w.lib.conn(), Scope::Coach, first),
        Err(LibraryError::NotFound { .. })
    ));
    // A deleted reel takes no edits and renders nothing, and cannot be deleted twice.
    assert!(matches!(reels::rename(&mut w.lib, first, "x"), Err(LibraryError::NotFound { .. })));
    assert!(matches!(reels::remove_clip(&mut w.lib, first, 0), Err(LibraryError::NotFound { .. })));
    assert!(matches!(
        reels::clips_for_render(w.lib.conn(), Scope::Coach, first),
        Err(LibraryError::NotFound { .. })
    ));
    assert!(matches!(reels::delete(&mut w.lib, first), Err(LibraryError::NotFound { .. })));
    // The notes and recordings stay; the other reel is untouched.
    assert_eq!(count(&w.lib, "notes"), 4);
    assert_eq!(reels::get(w.lib.conn(), Scope::Coach, second).unwrap().clips.len(), 2);

    // Undo: the reel comes back as it was, clips, order and spans included, in its place.
    let restored = reels::restore(&mut w.lib, first).unwrap();
    assert_eq!((restored.id, restored.clip_count), (first, 2));
    let back = reels::get(w.lib.conn(), Scope::Coach, first).unwrap();
    assert!(back.updated_at >= before.updated_at, "the delete and the restore are changes too");
    assert_eq!(ReelDetail { updated_at: before.updated_at, ..back }, before);
    let list = reels::list(w.lib.conn(), Scope::Coach).unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [second, first]);
    // Only a deleted reel can be restored.
    assert!(matches!(reels::restore(&mut w.lib, first), Err(LibraryError::NotFound { .. })));
    assert!(matches!(reels::restore(&mut w.lib, 999), Err(LibraryError::NotFound { .. })));
}

#[test]
fn a_reel_deleted_over_a_week_ago_is_removed_for_good_at_the_next_delete() {
    let t = TempLib::new();
    let mut w = week(&t);
    let old = planned_reel(&mut w);
    let recent = planned_reel(&mut w);
    let third = planned_reel(&mut w);
    reels::delete(&mut w.lib, old).unwrap();
    reels::delete(&mut w.lib, recent).unwrap();
    // `old` was deleted eight days ago, `recent` six.
    let day = 24 * 3_600_000;
    let now = gamefilm::timefmt::now_ms();
    let set = |id: i64, at: i64| {
        w.lib.conn().execute("UPDATE reels SET deleted_at = ?2 WHERE id = ?1", [id, at]).unwrap();
    };
    set(old, now - 8 * day);
    set(recent, now - 6 * day);
    reels::delete(&mut w.lib, third).unwrap();
    let left = |lib: &Library, id: i64| -> i64 {
        lib.conn()
            .query_row("SELECT count(*) FROM reel_items WHERE reel_id = ?1", [id], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(left(&w.lib, old), 0, "its clips went with it");
    assert!(matches!(reels::restore(&mut w.lib, old), Err(LibraryError::NotFound { .. })));
    assert_eq!(left(&w.lib, recent), 2);
    assert_eq!(reels::restore(&mut w.lib, recent).unwrap().clip_count, 2);
    assert_eq!(reels::restore(&mut w.lib, third).unwrap().clip_count, 2);
    assert_eq!(count(&w.lib, "notes"), 4);
}

#[test]
fn a_new_reel_is_planned_and_saved_in_one_step_with_notes_added_by_id() {
    let t = TempLib::new();
    let mut w = week(&t);
    let q = ReelQuery { note_ids: vec![w.improvement.id.clone()], ..last_7_days() };
    let reel = reels::create(&mut w.lib, Scope::Coach, "  Week 47 ", &q, IfEmpty::Refuse).unwrap();
    assert_eq!(reel.title, "Week 47");
    let ids: Vec<_> = reel.clips.iter().map(|c| c.note_id.clone().unwrap()).collect();
    let expected = [&w.positives[0].id, &w.positives[1].id, &w.improvement.id].map(String::clone);
    assert_eq!(ids, expected, "planned positives in reel order, then the note added by id");
    // The same as planning and saving by hand: what the CLI renders is what the app shows.
    assert_eq!(reels::get(w.lib.conn(), Scope::Coach, reel.id).unwrap(), reel);
}

#[test]
fn an_empty_plan_is_saved_for_the_app_and_refused_for_the_cli() {
    let t = TempLib::new();
    let mut w = week(&t);
    let nobody = ReelQuery { rep: Some("Nobody".into()), ..last_7_days() };
    let before = reels::list(w.lib.conn(), Scope::Coach).unwrap().len();
    let err =
        reels::create(&mut w.lib, Scope::Coach, "Empty", &nobody, IfEmpty::Refuse).unwrap_err();
    assert_eq!(invalid_field(err), "notes");
    assert_eq!(reels::list(w.lib.conn(), Scope::Coach).unwrap().len(), before, "nothing saved");
    let empty = reels::create(&mut w.lib, Scope::Coach, "Empty", &nobody, IfEmpty::Save).unwrap();
    assert!(empty.clips.is_empty());
    // A blank rep means every rep, as the window sends it.
    let blank = ReelQuery { rep: Some("  ".into()), ..last_7_days() };
    assert_eq!(reels::plan(w.lib.conn(), Scope::Coach, &blank).unwrap().len(), 2);
}

#[test]
fn a_removed_clip_comes_back_as_it_was_in_one_step() {
    let t = TempLib::new();
    let mut w = week(&t);
    let id = planned_reel(&mut w);
    let trimmed = reels::trim_clip(&mut w.lib, id, 1, 1_200, 3_000).unwrap();
    let clip = trimmed.clips[1].clone();
    reels::remove_clip(&mut w.lib, id, 1).unwrap();
    let gone = RemovedClip {
        position: clip.position as usize,
        note_id: clip.note_id.clone(),
        recording_id: clip.recording_id,
        start_ms: clip.start_ms,
        end_ms: clip.end_ms,
    };
    let back = reels::restore_clip(&mut w.lib, id, &gone).unwrap();
    assert_eq!(spans(&back), spans(&trimmed), "the note, the trim and the place are back");
    assert_eq!(stored_positions(&w.lib, id), [0, 1]);
    // Twice is refused, and changes nothing.
    let err = reels::restore_clip(&mut w.lib, id, &gone).unwrap_err();
    assert_eq!(invalid_field(err), "note");
    // A span outside the recording is refused, and changes nothing.
    reels::remove_clip(&mut w.lib, id, 1).unwrap();
    let outside = RemovedClip { end_ms: 60_000, ..gone.clone() };
    assert_eq!(invalid_field(reels::restore_clip(&mut w.lib, id, &outside).unwrap_err()), "span");
    assert_eq!(reels::get(w.lib.conn(), Scope::Coach, id).unwrap().clips.len(), 1);
    // A clip whose note is gone from the library comes back as a plain excerpt.
    let plain = RemovedClip { note_id: None, ..gone };
    let back = reels::restore_clip(&mut w.lib, id, &plain).unwrap();
    assert_eq!(back.clips[1].note_id, None);
    assert_eq!((back.clips[1].start_ms, back.clips[1].end_ms), (1_200, 3_000));
}
