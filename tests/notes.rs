//! Notes, metadata and search on a real library with real imported recordings.

mod common;

use common::*;
use gamefilm::import::{self, ImportOptions};
use gamefilm::jobs::Job;
use gamefilm::library::notes::{self, MAX_TEXT_CHARS, NewNote, NoteEdit};
use gamefilm::library::recordings::{self, ListFilter, MetaEdit};
use gamefilm::library::search::{self, Hit, SearchOrder, SearchQuery};
use gamefilm::library::{Library, LibraryError, NoteKind};

/// A library with two real recordings: (lib, id of the ~7.9 s speech FLAC, id of the 4 s WAV).
fn library_with_calls(t: &TempLib) -> (Library, i64, i64) {
    let mut lib = t.open();
    let paths = [fixture("flac.flac"), fixture("pcm16_44k_stereo.wav")];
    let report =
        import::import(&mut lib, &paths, &ImportOptions::default(), &Job::silent()).unwrap();
    assert_eq!(report.imported(), 2);
    let id = |name: &str| {
        lib.conn()
            .query_row("SELECT id FROM recordings WHERE path LIKE ?1", [format!("%{name}")], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (a, b) = (id("flac.flac"), id("pcm16_44k_stereo.wav"));
    (lib, a, b)
}

fn note(
    recording_id: i64,
    start_ms: i64,
    end_ms: Option<i64>,
    kind: NoteKind,
    text: &str,
) -> NewNote {
    NewNote { recording_id, start_ms, end_ms, kind, text: text.into() }
}

fn field_of(e: LibraryError) -> &'static str {
    match e {
        LibraryError::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn notes_are_added_edited_deleted_restored_and_listed_in_time_order() {
    let t = TempLib::new();
    let (mut lib, a, _) = library_with_calls(&t);
    let later = as_coach::create(
        &mut lib,
        &note(a, 5_000, None, NoteKind::Improvement, "Let the prospect finish"),
    )
    .unwrap();
    let first = as_coach::create(
        &mut lib,
        &note(a, 1_000, Some(2_500), NoteKind::Positive, "Great opener"),
    )
    .unwrap();
    assert_eq!(first.id.len(), 36, "a UUID");
    let listed = notes::list(lib.conn(), Scope::Coach, a, false).unwrap();
    assert_eq!(
        listed.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        [first.id.as_str(), later.id.as_str()]
    );

    let edited = as_coach::edit(
        &mut lib,
        &later.id,
        &NoteEdit {
            text: Some("Let them finish the sentence".into()),
            end_ms: Some(Some(6_000)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (edited.text.as_str(), edited.end_ms),
        ("Let them finish the sentence", Some(6_000))
    );
    assert_eq!(edited.id, later.id, "the id is stable");
    assert!(edited.updated_at >= edited.created_at);

    // A unique prefix finds a note too.
    as_coach::delete(&mut lib, &first.id[..13]).unwrap();
    assert_eq!(notes::list(lib.conn(), Scope::Coach, a, false).unwrap().len(), 1);
    assert_eq!(notes::list(lib.conn(), Scope::Coach, a, true).unwrap().len(), 2);
    let restored = as_coach::undo_delete(&mut lib, None).unwrap();
    assert_eq!(restored.id, first.id);
    assert_eq!(restored.deleted_at, None);
    assert_eq!(notes::list(lib.conn(), Scope::Coach, a, false).unwrap().len(), 2);
    assert!(as_coach::undo_delete(&mut lib, None).is_err(), "nothing left to undo");
}

#[test]
fn notes_survive_reopening_the_library() {
    let t = TempLib::new();
    let (mut lib, a, _) = library_with_calls(&t);
    let n = as_coach::create(&mut lib, &note(a, 100, None, NoteKind::Positive, "Kept")).unwrap();
    drop(lib);
    let lib = t.open();
    assert_eq!(notes::get(lib.conn(), &n.id).unwrap(), n);
}

#[test]
fn validation_errors_name_the_field_and_the_reason() {
    let t = TempLib::new();
    let (mut lib, a, _) = library_with_calls(&t);
    let dur = recordings::get(lib.conn(), a).unwrap().duration_ms;
    let e =
        as_coach::create(&mut lib, &note(a, dur + 1, None, NoteKind::Positive, "x")).unwrap_err();
    assert!(e.to_string().contains("outside the recording"), "{e}");
    assert_eq!(field_of(e), "start");
    let e = as_coach::create(&mut lib, &note(a, 2_000, Some(1_000), NoteKind::Positive, "x"))
        .unwrap_err();
    assert!(e.to_string().contains("not after the start"), "{e}");
    assert_eq!(field_of(e), "end");
    let e = as_coach::create(&mut lib, &note(a, 1_000, Some(dur + 500), NoteKind::Positive, "x"))
        .unwrap_err();
    assert_eq!(field_of(e), "end");
    // No text keeps a marker-only note: the moment, its words later.
    let marker =
        as_coach::create(&mut lib, &note(a, 1_000, None, NoteKind::Positive, "   ")).unwrap();
    assert_eq!(marker.text, "");
    assert_eq!(notes::get(lib.conn(), &marker.id).unwrap().start_ms, 1_000);
    let long = "a".repeat(MAX_TEXT_CHARS + 1);
    let e =
        as_coach::create(&mut lib, &note(a, 1_000, None, NoteKind::Positive, &long)).unwrap_err();
    assert!(e.to_string().contains("10000"), "{e}");
    assert_eq!(field_of(e), "text");
    assert!(
        as_coach::create(
            &mut lib,
            &note(a, 1_000, None, NoteKind::Positive, &"é".repeat(MAX_TEXT_CHARS))
        )
        .is_ok()
    );
    let e = "praise".parse::<NoteKind>().unwrap_err();
    assert!(e.to_string().contains("unknown note kind 'praise'"), "{e}");
    assert_eq!(field_of(e), "kind");
    let e = as_coach::create(&mut lib, &note(9_999, 0, None, NoteKind::Positive, "x")).unwrap_err();
    assert!(matches!(e, LibraryError::NotFound { what: "recording", .. }), "{e}");
    // Nothing invalid was written: the two notes are the marker and the longest text.
    assert_eq!(count(&lib, "notes"), 2);
}

#[test]
fn metadata_is_editable_and_filters_the_list() {
    let t = TempLib::new();
    let (mut lib, a, b) = library_with_calls(&t);
    let edit = MetaEdit {
        rep: Some("Jordan".into()),
        counterpart: Some("Initech".into()),
        outcome: Some("meeting booked".into()),
        add_tags: vec!["renewal".into(), "q3".into()],
        ..Default::default()
    };
    let rec = recordings::update_meta(&mut lib, a, &edit).unwrap();
    assert_eq!(rec.rep.as_deref(), Some("Jordan"));
    assert_eq!(rec.counterpart.as_deref(), Some("Initech"));
    assert_eq!(rec.outcome, Some(gamefilm::library::CallOutcome::MeetingBooked));
    assert_eq!(rec.tags, ["q3", "renewal"]);
    let rec = recordings::update_meta(
        &mut lib,
        a,
        &MetaEdit {
            outcome: Some(String::new()),
            remove_tags: vec!["q3".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(rec.outcome, None, "an empty value clears the field");
    assert_eq!(rec.tags, ["renewal"]);

    as_coach::create(&mut lib, &note(a, 0, None, NoteKind::Positive, "p1")).unwrap();
    as_coach::create(&mut lib, &note(a, 10, None, NoteKind::Positive, "p2")).unwrap();
    as_coach::create(&mut lib, &note(a, 20, None, NoteKind::Improvement, "i1")).unwrap();
    let jordan = recordings::list(
        lib.conn(),
        Scope::Coach,
        &ListFilter { rep: Some("jordan".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(jordan.len(), 1);
    assert_eq!((jordan[0].id, jordan[0].positives, jordan[0].improvements), (a, 2, 1));
    let all = recordings::list(lib.conn(), Scope::Coach, &ListFilter::default()).unwrap();
    assert_eq!(all.len(), 2);
    let long = recordings::list(
        lib.conn(),
        Scope::Coach,
        &ListFilter { min_duration_ms: Some(5_000), ..Default::default() },
    )
    .unwrap();
    assert_eq!(long.iter().map(|r| r.id).collect::<Vec<_>>(), [a], "the 4 s call is hidden");
    let by_name = recordings::list(
        lib.conn(),
        Scope::Coach,
        &ListFilter { search: Some("initech".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(by_name.len(), 1);
    assert!(
        recordings::list(
            lib.conn(),
            Scope::Coach,
            &ListFilter { rep: Some("nobody".into()), ..Default::default() }
        )
        .unwrap()
        .is_empty()
    );
    let _ = b;
}

#[test]
fn search_finds_notes_titles_and_counterparts_with_filters_and_pages() {
    let t = TempLib::new();
    let (mut lib, a, b) = library_with_calls(&t);
    recordings::update_meta(
        &mut lib,
        a,
        &MetaEdit {
            rep: Some("Jordan".into()),
            counterpart: Some("Pricing Partners Ltd".into()),
            ..Default::default()
        },
    )
    .unwrap();
    recordings::update_meta(
        &mut lib,
        b,
        &MetaEdit { rep: Some("Riley".into()), ..Default::default() },
    )
    .unwrap();
    as_coach::create(
        &mut lib,
        &note(a, 100, None, NoteKind::Positive, "Handled the pricing objection calmly"),
    )
    .unwrap();
    as_coach::create(
        &mut lib,
        &note(a, 200, None, NoteKind::Improvement, "Jumped to pricing too early"),
    )
    .unwrap();
    let gone = as_coach::create(
        &mut lib,
        &note(b, 300, None, NoteKind::Positive, "Pricing anchor was strong"),
    )
    .unwrap();
    as_coach::create(&mut lib, &note(b, 400, None, NoteKind::Positive, "Warm goodbye")).unwrap();

    let q = |text: &str| SearchQuery { text: text.into(), limit: 50, ..Default::default() };
    let page = search::search(lib.conn(), Scope::Coach, &q("pricing")).unwrap();
    let notes_hit = page.hits.iter().filter(|h| matches!(h.hit, Hit::Note { .. })).count();
    let recs_hit = page.hits.iter().filter(|h| matches!(h.hit, Hit::Recording { .. })).count();
    assert_eq!((notes_hit, recs_hit), (3, 1), "{page:#?}");

    // As typed: the last word is a prefix from its second letter; a finished word (a space
    // after it) and earlier words are whole; a trailing * makes any word a prefix.
    let hits = |text: &str| search::search(lib.conn(), Scope::Coach, &q(text)).unwrap().hits;
    assert_eq!(hits("objec").len(), 1);
    assert_eq!(hits("objec ").len(), 0);
    assert_eq!(hits("objec calmly").len(), 0);
    assert_eq!(hits("objec* calm").len(), 1);
    assert_eq!(hits("pric").len(), 4, "3 notes and the Pricing Partners call");
    assert_eq!(hits("o").len(), 0, "one letter is a whole word");
    // A note hit lands on the moment: its call and its time.
    let found = hits("calm");
    let Hit::Note { note, .. } = &found[0].hit else { panic!("{found:?}") };
    assert_eq!(
        (note.recording_id, note.start_ms, note.text.as_str()),
        (a, 100, "Handled the pricing objection calmly")
    );
    // Filters.
    let only = |lib: &Library, f: SearchQuery| {
        search::search(lib.conn(), Scope::Coach, &f).unwrap().hits.len()
    };
    let by_rep =
        |lib: &Library, rep: &str| only(lib, SearchQuery { rep: Some(rep.into()), ..q("pricing") });
    assert_eq!(only(&lib, SearchQuery { kind: Some(NoteKind::Improvement), ..q("pricing") }), 1);
    assert_eq!(by_rep(&lib, "Riley"), 1);
    let tomorrow = gamefilm::timefmt::now_ms() + 86_400_000;
    assert_eq!(only(&lib, SearchQuery { since: Some(tomorrow), ..q("pricing") }), 0);
    // Facets are not searchable as words.
    assert_eq!(only(&lib, q("improvement")), 0);
    // A call handed to another rep moves its notes to that rep's results (3 notes, plus the
    // "Pricing Partners" call itself).
    let to_jordan = MetaEdit { rep: Some("Jordan".into()), ..Default::default() };
    recordings::update_meta(&mut lib, b, &to_jordan).unwrap();
    assert_eq!(by_rep(&lib, "Jordan"), 4);
    assert_eq!(by_rep(&lib, "Riley"), 0);
    assert_eq!(by_rep(&lib, "Nobody"), 0);
    // Deleted notes are not found.
    as_coach::delete(&mut lib, &gone.id).unwrap();
    assert_eq!(only(&lib, q("anchor")), 0);
    // Pages.
    let p1 = search::search(lib.conn(), Scope::Coach, &SearchQuery { limit: 2, ..q("pricing") })
        .unwrap();
    let p2 = search::search(
        lib.conn(),
        Scope::Coach,
        &SearchQuery { limit: 2, offset: 2, ..q("pricing") },
    )
    .unwrap();
    assert_eq!((p1.hits.len(), p1.has_more, p2.hits.len(), p2.has_more), (2, true, 1, false));
    assert!(p1.hits.iter().all(|h| !p2.hits.contains(h)));
    // Ranked: the note that says "pricing" and little else ranks above the longer one; recent
    // order is by call time.
    let ranked = search::search(lib.conn(), Scope::Coach, &q("pricing")).unwrap();
    assert!(ranked.hits.windows(2).all(|w| w[0].score <= w[1].score));
    let recent = search::search(
        lib.conn(),
        Scope::Coach,
        &SearchQuery { order: SearchOrder::Recent, ..q("pricing") },
    )
    .unwrap();
    assert!(recent.hits.windows(2).all(|w| w[0].call_time >= w[1].call_time));
    assert!(
        search::search(lib.conn(), Scope::Coach, &q("\"*")).is_err(),
        "no words and no filter: a clear error"
    );
    // No word but filters: the notes that pass them, most recent call first, then by time.
    let positives = search::search(
        lib.conn(),
        Scope::Coach,
        &SearchQuery { kind: Some(NoteKind::Positive), ..q("") },
    )
    .unwrap();
    let texts: Vec<String> = positives
        .hits
        .iter()
        .map(|h| match &h.hit {
            Hit::Note { note, .. } => note.text.clone(),
            other => panic!("a filter-only search lists notes only: {other:?}"),
        })
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(positives.hits.windows(2).all(|w| w[0].call_time >= w[1].call_time));
    let jordans = SearchQuery { rep: Some("Jordan".into()), limit: 2, ..q("  ") };
    let first = search::search(lib.conn(), Scope::Coach, &jordans).unwrap();
    let rest =
        search::search(lib.conn(), Scope::Coach, &SearchQuery { offset: 2, ..jordans }).unwrap();
    assert_eq!(
        (first.hits.len(), first.has_more, rest.hits.len(), rest.has_more),
        (2, true, 1, false)
    );
}

/// The window sends only what changed: an absent `endMs` keeps the end, `null` removes it.
#[test]
fn a_note_edit_from_the_window_tells_an_absent_end_from_a_removed_one() {
    let keep: NoteEdit = serde_json::from_str(r#"{"text":"x"}"#).unwrap();
    assert_eq!((keep.end_ms, keep.text.as_deref()), (None, Some("x")));
    let clear: NoteEdit = serde_json::from_str(r#"{"endMs":null}"#).unwrap();
    assert_eq!(clear.end_ms, Some(None));
    let set: NoteEdit = serde_json::from_str(r#"{"endMs":5000,"kind":"improvement"}"#).unwrap();
    assert_eq!((set.end_ms, set.kind), (Some(Some(5000)), Some(NoteKind::Improvement)));
}
