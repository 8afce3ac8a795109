//! What the call view and the library list need from the core: sorting and filtering the list
//! (with its total), waveform columns from stored peaks, rep replies, seen marks and the
//! self-assessment. Real imported recordings in a real library.

mod common;

use common::*;
use gamefilm::library::notes;
use gamefilm::library::recordings::{self, ListFilter, MetaEdit, SortKey};
use gamefilm::library::{Library, LibraryError, NoteKind, reviews};

/// Three real calls: (lib, [flac 7.9 s mono 16 kHz, wav 4 s stereo, mp3 8 kHz mono]).
fn three_calls(t: &TempLib) -> (Library, [i64; 3]) {
    let mut lib = t.open();
    let names = ["flac.flac", "pcm16_44k_stereo.wav", "mp3_8k_mono.mp3"];
    let paths: Vec<_> = names.iter().map(|n| fixture(n)).collect();
    let ids = import_all(&mut lib, &paths);
    (lib, [ids[0], ids[1], ids[2]])
}

fn add(lib: &mut Library, rec: i64, at: i64, kind: NoteKind, text: &str) -> String {
    add_note(lib, rec, at, None, kind, text).id
}

fn ids(rows: &[gamefilm::library::RecordingSummary]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

#[test]
fn the_list_sorts_by_every_column_and_pages_stay_in_order() {
    let t = TempLib::new();
    let (mut lib, [flac, wav, mp3]) = three_calls(&t);
    for (id, rep, who) in [(flac, "Zoe", "Acme"), (wav, "adam", "globex"), (mp3, "Mia", "Initech")]
    {
        let edit =
            MetaEdit { rep: Some(rep.into()), counterpart: Some(who.into()), ..Default::default() };
        recordings::update_meta(&mut lib, id, &edit).unwrap();
    }
    add(&mut lib, flac, 100, NoteKind::Positive, "one");
    add(&mut lib, flac, 200, NoteKind::Positive, "two");
    add(&mut lib, mp3, 300, NoteKind::Improvement, "three");
    // "Reviewed" is a coach's review, which needs no notes: the WAV has none and is reviewed.
    let coach = coach(&mut lib);
    for id in [flac, mp3] {
        reviews::mark_reviewed(&mut lib, &coach, id, "discovery", "", false).unwrap();
    }
    let sorted = |sort, descending| {
        let f = ListFilter { sort, descending: Some(descending), ..Default::default() };
        ids(&recordings::list(lib.conn(), Scope::Coach, &f).unwrap())
    };
    // The WAV (4 s) is the shortest; the other two hold the same 7.9 s of speech.
    assert_eq!(sorted(SortKey::Duration, false)[0], wav);
    assert_eq!(sorted(SortKey::Duration, true)[2], wav);
    assert_eq!(sorted(SortKey::Rep, false), [wav, mp3, flac], "names compare without case");
    assert_eq!(sorted(SortKey::Rep, true), [flac, mp3, wav]);
    assert_eq!(sorted(SortKey::Counterpart, false), [flac, wav, mp3]);
    assert_eq!(sorted(SortKey::Positives, true)[0], flac);
    assert_eq!(sorted(SortKey::Improvements, true)[0], mp3);
    assert_eq!(sorted(SortKey::Reviewed, false)[0], wav, "the unreviewed call first");
    assert_eq!(sorted(SortKey::Reviewed, true)[2], wav);

    // Pages of one row, in the duration order, concatenate to the whole order.
    let whole = sorted(SortKey::Duration, true);
    let paged: Vec<i64> = (0..3)
        .flat_map(|offset| {
            let f = ListFilter {
                sort: SortKey::Duration,
                descending: Some(true),
                limit: Some(1),
                offset,
                ..Default::default()
            };
            ids(&recordings::list(lib.conn(), Scope::Coach, &f).unwrap())
        })
        .collect();
    assert_eq!(paged, whole);
    assert_eq!(recordings::reps(lib.conn()).unwrap(), ["adam", "Mia", "Zoe"]);
}

#[test]
fn the_list_filters_by_kind_reviewed_state_and_note_text_and_counts_the_whole_match() {
    let t = TempLib::new();
    let (mut lib, [flac, wav, mp3]) = three_calls(&t);
    add(&mut lib, flac, 100, NoteKind::Positive, "Great pricing discovery");
    let gone = add(&mut lib, mp3, 300, NoteKind::Improvement, "Talked over the prospect");
    let page =
        |lib: &Library, f: ListFilter| recordings::page(lib.conn(), Scope::Coach, &f).unwrap();
    // Reviewed means a coach review exists, never that a note exists: the WAV has no notes.
    let coach = coach(&mut lib);
    reviews::mark_reviewed(&mut lib, &coach, wav, "opening", "", false).unwrap();

    let all = page(&lib, ListFilter { limit: Some(2), ..Default::default() });
    assert_eq!((all.rows.len(), all.total), (2, 3), "total counts beyond the page");

    let positive = page(&lib, ListFilter { kind: Some(NoteKind::Positive), ..Default::default() });
    assert_eq!(ids(&positive.rows), [flac]);
    assert_eq!(positive.total, 1);
    assert!(!positive.rows[0].reviewed, "notes alone do not make a call reviewed");

    let mut unreviewed =
        ids(&page(&lib, ListFilter { unreviewed_only: true, ..Default::default() }).rows);
    unreviewed.sort();
    let mut expected = vec![flac, mp3];
    expected.sort();
    assert_eq!(unreviewed, expected);

    let by_note = page(&lib, ListFilter { search: Some("pricing".into()), ..Default::default() });
    assert_eq!(ids(&by_note.rows), [flac], "note text is searched too");
    assert_eq!(
        page(&lib, ListFilter { search: Some("positive".into()), ..Default::default() }).total,
        0,
        "facet tokens (kind, rep) are not words of the note"
    );

    // A withdrawn review no longer counts; a deleted note no longer matches.
    reviews::withdraw(&mut lib, &coach, wav).unwrap();
    assert_eq!(page(&lib, ListFilter { unreviewed_only: true, ..Default::default() }).total, 3);
    as_coach::delete(&mut lib, &gone).unwrap();
    assert_eq!(
        page(&lib, ListFilter { search: Some("prospect".into()), ..Default::default() }).total,
        0
    );
}

#[test]
fn waveform_columns_match_an_independent_decode() {
    let t = TempLib::new();
    let (lib, [_, wav, _]) = three_calls(&t);
    // The stereo WAV: speech left, a 440 Hz sine at amplitude 0.25 right, 4 s.
    let w = recordings::waveform(lib.conn(), Scope::Coach, wav, 0, 4000, 40).unwrap();
    assert_eq!((w.channels, w.columns, w.values.len()), (2, 40, 160));
    let planes = ffmpeg_decode(&fixture("pcm16_44k_stereo.wav"), 2);
    let per_col = planes[0].len() / 40;
    for c in [3usize, 17, 38] {
        for (ch, plane) in planes.iter().enumerate() {
            let span = &plane[c * per_col..(c + 1) * per_col];
            let lo = span.iter().copied().fold(f32::MAX, f32::min);
            let hi = span.iter().copied().fold(f32::MIN, f32::max);
            let (got_lo, got_hi) = (w.values[(c * 2 + ch) * 2], w.values[(c * 2 + ch) * 2 + 1]);
            assert!(
                (got_lo - lo).abs() < 0.02 && (got_hi - hi).abs() < 0.02,
                "column {c} channel {ch}: stored ({got_lo}, {got_hi}), ffmpeg ({lo}, {hi})"
            );
        }
    }
    // Zoomed in (a finer level, read from the middle of the call): the same agreement.
    let zoom = recordings::waveform(lib.conn(), Scope::Coach, wav, 1000, 1500, 25).unwrap();
    let rate = 44_100.0 / 1000.0;
    for c in [0usize, 11, 24] {
        let from = ((1000.0 + c as f64 * 20.0) * rate) as usize;
        let to = ((1000.0 + (c + 1) as f64 * 20.0) * rate) as usize;
        let span = &planes[0][from..to];
        let lo = span.iter().copied().fold(f32::MAX, f32::min);
        let hi = span.iter().copied().fold(f32::MIN, f32::max);
        let (got_lo, got_hi) = (zoom.values[c * 4], zoom.values[c * 4 + 1]);
        assert!(
            (got_lo - lo).abs() < 0.03 && (got_hi - hi).abs() < 0.03,
            "zoomed column {c}: stored ({got_lo}, {got_hi}), ffmpeg ({lo}, {hi})"
        );
    }
    // The right channel is the sine: every column spans about ±0.25.
    assert!((w.values[3] - 0.25).abs() < 0.01);

    // Past the end the columns are flat; a zoomed span still has its columns.
    let past = recordings::waveform(lib.conn(), Scope::Coach, wav, 2000, 6000, 10).unwrap();
    assert_eq!(past.values.len(), 40);
    assert!(past.values[20..].iter().all(|v| *v == 0.0), "6 s of a 4 s call: half is silence");
    assert!(past.values[..20].iter().any(|v| *v != 0.0));

    for (from, to, cols, field) in
        [(0, 4000, 0, "columns"), (0, 4000, 100_000, "columns"), (500, 500, 10, "span")]
    {
        match recordings::waveform(lib.conn(), Scope::Coach, wav, from, to, cols) {
            Err(LibraryError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected an invalid {field}, got {other:?}"),
        }
    }
}

#[test]
fn a_rep_replies_marks_notes_seen_and_saves_one_self_assessment_per_call() {
    let t = TempLib::new();
    let (mut lib, [flac, _, _]) = three_calls(&t);
    let coach = coach(&mut lib);
    let dana = person(&mut lib, "Dana", Role::Rep);
    recordings::update_meta(
        &mut lib,
        flac,
        &MetaEdit { rep: Some("Dana".into()), ..Default::default() },
    )
    .unwrap();
    let n = add(&mut lib, flac, 1200, NoteKind::Improvement, "Let the prospect finish");
    reviews::mark_reviewed(&mut lib, &coach, flac, "listening", "", false).unwrap();

    assert!(reviews::self_assessment(lib.conn(), &dana, flac).unwrap().is_none());
    reviews::save_assessment(&mut lib, &dana, flac, "listening", "I talk too fast", true).unwrap();
    reviews::save_assessment(&mut lib, &dana, flac, "Listening", "Pause after questions", true)
        .unwrap();
    assert!(matches!(
        reviews::save_assessment(&mut lib, &dana, flac, " ", "x", true),
        Err(LibraryError::Invalid { field: "focus", .. })
    ));
    assert_eq!(
        lib.conn()
            .query_row("SELECT count(*) FROM reviews WHERE kind = 'self'", [], |r| r
                .get::<_, i64>(0))
            .unwrap(),
        1,
        "saving again keeps one self-assessment, with its revisions"
    );

    let first = notes::mark_seen(&mut lib, &dana, &n).unwrap().seen_by_rep_at.expect("seen");
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(
        notes::mark_seen(&mut lib, &dana, &n).unwrap().seen_by_rep_at,
        Some(first),
        "the first replay counts"
    );

    let r = notes::reply(&mut lib, &dana, &n, "Agreed, I rushed it").unwrap();
    assert_eq!(r.note_id, n);
    assert_eq!(r.author, "Dana");
    assert!(matches!(
        notes::reply(&mut lib, &dana, &n, "   "),
        Err(LibraryError::Invalid { field: "text", .. })
    ));
    assert!(matches!(
        notes::reply(&mut lib, &dana, "ffffffff", "x"),
        Err(LibraryError::NotFound { .. })
    ));

    // All of it survives reopening, and the call view carries it.
    drop(lib);
    let lib = t.open();
    let view = recordings::call_view(lib.conn(), &dana, flac).unwrap();
    assert_eq!(view.notes.len(), 1);
    assert_eq!(view.notes[0].seen_by_rep_at, Some(first));
    assert_eq!(view.replies.len(), 1);
    assert_eq!(view.replies[0].text, "Agreed, I rushed it");
    let review = view.self_assessment.expect("self-assessment");
    assert_eq!(
        (review.focus_area.as_str(), review.text.as_str()),
        ("listening", "Pause after questions")
    );
    assert_eq!(review.revisions.len(), 2);
    assert!(!review.revisions[0].after_reveal && review.revisions[1].after_reveal);
    assert_eq!(review.revisions[0].text, "I talk too fast", "the first submitted text stays");
    assert_eq!(recordings::reps(lib.conn()).unwrap(), ["Dana"]);
}
