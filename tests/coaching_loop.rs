//! The coaching loop on real SQLite files: people, the coach's review with one focus area, the
//! blind self-assessment, next steps (with an independent iCalendar parser reading the export),
//! outcomes and progress, and the migration of a library the previous release wrote.

mod common;

use common::*;
use gamefilm::library::notes::{self, NewNote};
use gamefilm::library::people;
use gamefilm::library::progress::{self, ProgressQuery};
use gamefilm::library::recordings::{self, ListFilter, MetaEdit};
use gamefilm::library::reels::{self, ReelQuery};
use gamefilm::library::search::{self, SearchQuery};
use gamefilm::library::steps::{self, NewStep, StepFilter, StepState};
use gamefilm::library::{CallOutcome, Library, LibraryError, NoteKind, reviews};
use time::Duration;

/// Three real calls, the first two Dana's and the third Lee's.
fn team(t: &TempLib) -> (Library, Person, Person, Person, [i64; 3]) {
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
    (lib, coach, dana, lee, [ids[0], ids[1], ids[2]])
}

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

fn query_count(lib: &Library, sql: &str) -> i64 {
    lib.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn people_are_named_once_and_the_library_remembers_who_uses_it() {
    let t = TempLib::new();
    let mut lib = t.open();
    assert!(people::default_person(lib.conn()).unwrap().is_none());
    let dana = people::add(&mut lib, "Dana", Role::Rep).unwrap();
    assert_eq!(dana.id.len(), 36, "a UUID");
    let again = people::add(&mut lib, "dana", Role::Coach).unwrap_err();
    assert!(matches!(again, LibraryError::Invalid { field: "name", .. }), "{again}");
    assert!(matches!(
        people::add(&mut lib, "  ", Role::Rep),
        Err(LibraryError::Invalid { field: "name", .. })
    ));

    let unknown = people::current(lib.conn(), Some("Zed")).unwrap_err();
    assert!(matches!(unknown, LibraryError::UnknownPerson { field: "as", .. }));
    assert!(unknown.to_string().contains("Dana (rep)"), "the error lists the people: {unknown}");

    // A write with nobody chosen: the login name becomes a coach and the default person.
    let (me, added) = people::current_or_user(&mut lib, None, "kim").unwrap();
    assert!(added && me.role == Role::Coach && me.name == "kim");
    let (again, added) = people::current_or_user(&mut lib, None, "someone-else").unwrap();
    assert!(!added && again == me, "the default person is remembered");
    people::set_default(&mut lib, "DANA").unwrap();
    drop(lib);
    let lib = t.open();
    assert_eq!(people::default_person(lib.conn()).unwrap().unwrap().name, "Dana");
}

#[test]
fn the_blind_rule_keeps_coach_notes_and_review_from_the_rep_until_they_submit() {
    let t = TempLib::new();
    let (mut lib, coach, dana, lee, [call, other, lees]) = team(&t);
    let secret = "zebra pricing secret";
    let coach_note = note_by(&mut lib, &coach, call, 1_000, NoteKind::Improvement, secret);
    note_by(&mut lib, &coach, lees, 500, NoteKind::Positive, "Lee opened well");
    let own = note_by(&mut lib, &dana, call, 2_000, NoteKind::Positive, "my zebra moment");

    // Everything a rep-scoped query can return, as text, for one look at what leaks.
    let seen_by = |lib: &Library, rep: &Person| -> String {
        let scope = rep.scope();
        let mut out = String::new();
        let rows = recordings::list(lib.conn(), scope, &ListFilter::default()).unwrap();
        out += &format!("{rows:?}");
        let searched = ListFilter { search: Some("zebra".into()), ..Default::default() };
        out += &format!("{:?}", recordings::page(lib.conn(), scope, &searched).unwrap());
        let q = SearchQuery { text: "zebra".into(), limit: 50, ..Default::default() };
        out += &format!("{:?}", search::search(lib.conn(), scope, &q).unwrap());
        if let Ok(view) = recordings::call_view(lib.conn(), rep, call) {
            out += &format!("{view:?}");
        }
        if let Ok(n) = notes::list(lib.conn(), scope, call, true) {
            out += &format!("{n:?}");
        }
        out += &format!("{:?}", notes::get_visible(lib.conn(), scope, &coach_note));
        let week = ReelQuery {
            kinds: vec![NoteKind::Positive, NoteKind::Improvement],
            ..Default::default()
        };
        out += &format!("{:?}", reels::plan(lib.conn(), scope, &week).unwrap());
        out
    };

    // A draft of the coach (not reviewed yet): Dana sees her call and her own note only.
    let before = seen_by(&lib, &dana);
    assert!(!before.contains(secret), "a coach's draft note reached the rep");
    assert!(before.contains("my zebra moment"));
    assert!(!before.contains("Lee opened well"), "another rep's call reached Dana");
    let dana_rows = recordings::list(lib.conn(), dana.scope(), &ListFilter::default()).unwrap();
    let mut dana_calls: Vec<i64> = dana_rows.iter().map(|r| r.id).collect();
    dana_calls.sort();
    let mut expected = [call, other];
    expected.sort();
    assert_eq!(dana_calls, expected);
    assert_eq!(dana_rows.iter().find(|r| r.id == call).unwrap().improvements, 0, "counts leak too");
    assert!(matches!(
        recordings::call_view(lib.conn(), &dana, lees),
        Err(LibraryError::NotFound { .. })
    ));
    // Nor its audio: the waveform, and what playback and `peaks` open, are reads by id too.
    assert!(matches!(
        recordings::waveform(lib.conn(), dana.scope(), lees, 0, 1_000, 10),
        Err(LibraryError::NotFound { .. })
    ));
    assert!(matches!(
        recordings::get_scoped(lib.conn(), dana.scope(), lees),
        Err(LibraryError::NotFound { .. })
    ));
    recordings::waveform(lib.conn(), dana.scope(), call, 0, 1_000, 10).unwrap();
    assert!(matches!(
        notes::reply(&mut lib, &dana, &coach_note, "?"),
        Err(LibraryError::NotFound { .. })
    ));

    // Reviewed, but Dana has not assessed: still hidden, review text too; the call says assess first.
    reviews::mark_reviewed(&mut lib, &coach, call, "discovery", "Ask before you pitch", false)
        .unwrap();
    let reviewed = seen_by(&lib, &dana);
    assert!(!reviewed.contains(secret) && !reviewed.contains("Ask before you pitch"));
    let view = recordings::call_view(lib.conn(), &dana, call).unwrap();
    assert!(view.reviewed && view.assess_first && !view.revealed && view.review.is_none());

    // A draft self-assessment reveals nothing, and the coach cannot read it.
    reviews::save_assessment(&mut lib, &dana, call, "listening", "I rushed", false).unwrap();
    assert!(!seen_by(&lib, &dana).contains(secret));
    assert!(
        reviews::self_assessment(lib.conn(), &coach, call).unwrap().is_none(),
        "drafts are private"
    );

    // Submitted: the coach's note and review appear everywhere Dana looks.
    reviews::save_assessment(&mut lib, &dana, call, "listening", "I rushed", true).unwrap();
    let after = seen_by(&lib, &dana);
    assert!(after.contains(secret) && after.contains("Ask before you pitch"));
    let view = recordings::call_view(lib.conn(), &dana, call).unwrap();
    assert!(view.revealed && !view.assess_first);
    assert_eq!(view.notes.len(), 2);
    assert_eq!(view.review.unwrap().focus_area, "discovery");
    assert_eq!(
        reviews::self_assessment(lib.conn(), &coach, call).unwrap().unwrap().text,
        "I rushed"
    );
    notes::reply(&mut lib, &dana, &coach_note, "Fair").unwrap();

    // The rule is about this call: a coach's new draft on Dana's other call stays hidden, and
    // Lee never sees Dana's calls.
    note_by(&mut lib, &coach, other, 100, NoteKind::Positive, "another zebra draft");
    assert!(!seen_by(&lib, &dana).contains("another zebra draft"));
    assert!(!seen_by(&lib, &lee).contains(secret));

    // A rep changes only their own notes; a coach note is not theirs to delete.
    assert!(matches!(
        notes::delete(&mut lib, &dana, &coach_note),
        Err(LibraryError::NotAllowed { field: "as", .. })
    ));
    notes::delete(&mut lib, &dana, &own).unwrap();
}

#[test]
fn a_review_is_a_coachs_with_one_known_focus_area_and_nothing_is_half_written() {
    let t = TempLib::new();
    let (mut lib, coach, dana, _, [call, other, _]) = team(&t);
    let rows = |lib: &Library| query_count(lib, "SELECT count(*) FROM reviews");
    let refused = [
        reviews::mark_reviewed(&mut lib, &dana, call, "discovery", "", false).unwrap_err(),
        reviews::mark_reviewed(&mut lib, &coach, call, "  ", "", false).unwrap_err(),
        reviews::mark_reviewed(&mut lib, &coach, call, "juggling", "", false).unwrap_err(),
        reviews::mark_reviewed(&mut lib, &coach, call, "discovery", "", true).unwrap_err(),
        reviews::save_assessment(&mut lib, &coach, call, "listening", "x", true).unwrap_err(),
        reviews::save_assessment(&mut lib, &dana, call, "juggling", "x", true).unwrap_err(),
    ];
    let fields: Vec<&str> = refused
        .iter()
        .map(|e| match e {
            LibraryError::Invalid { field, .. } | LibraryError::NotAllowed { field, .. } => *field,
            other => panic!("untyped error: {other}"),
        })
        .collect();
    assert_eq!(fields, ["as", "focus", "focus", "close", "as", "focus"]);
    assert!(
        refused[2].to_string().contains("objection handling"),
        "lists the areas: {}",
        refused[2]
    );
    assert_eq!(rows(&lib), 0, "nothing half-written");

    // Marked reviewed with no notes at all; the Kaizen count is this coach's improvements.
    let first = reviews::mark_reviewed(&mut lib, &coach, other, "Discovery", "", false).unwrap();
    assert_eq!(
        (first.focus_area.as_str(), first.improvements, first.kaizen_warning),
        ("discovery", 0, false)
    );
    for at in [100, 200, 300] {
        note_by(&mut lib, &coach, call, at, NoteKind::Improvement, "again");
    }
    note_by(&mut lib, &dana, call, 400, NoteKind::Improvement, "the rep's own");
    gamefilm::library::focus::add(&mut lib, "Pricing talk").unwrap();
    lib.conn()
        .execute("UPDATE recordings SET call_time = call_time + 86400000 WHERE id = ?1", [call])
        .unwrap();
    let later =
        reviews::mark_reviewed(&mut lib, &coach, call, "pricing talk", "Better", true).unwrap();
    assert_eq!(later.focus_area, "Pricing talk");
    assert_eq!(later.closed_focus_area.as_deref(), Some("discovery"), "the previous focus closed");
    assert_eq!((later.improvements, later.kaizen_warning), (3, true), "a nudge, never a block");
    let first = reviews::coach_review(lib.conn(), coach.scope(), other).unwrap().unwrap();
    assert!(first.focus_closed);
    // Saving again updates the coach's one review of the call.
    reviews::mark_reviewed(&mut lib, &coach, call, "value", "", false).unwrap();
    assert_eq!(query_count(&lib, "SELECT count(*) FROM reviews WHERE kind = 'coach'"), 2);
}

#[test]
fn a_self_assessment_is_a_draft_until_submitted_and_keeps_what_was_submitted() {
    let t = TempLib::new();
    let (mut lib, coach, dana, lee, [call, _, _]) = team(&t);
    let draft = reviews::save_assessment(&mut lib, &dana, call, "opening", "draft", false).unwrap();
    assert!(draft.submitted_at.is_none() && draft.revisions.is_empty());
    // Not yet reviewed: submitting reveals nothing yet, and an edit then is not "after the reveal".
    reviews::save_assessment(&mut lib, &dana, call, "opening", "first words", true).unwrap();
    reviews::save_assessment(&mut lib, &dana, call, "opening", "second words", true).unwrap();
    reviews::mark_reviewed(&mut lib, &coach, call, "discovery", "", false).unwrap();
    let a = reviews::save_assessment(&mut lib, &dana, call, "listening", "after seeing", false)
        .unwrap();
    assert!(a.submitted_at.is_some(), "once submitted, it stays submitted");
    let marks: Vec<(&str, bool)> =
        a.revisions.iter().map(|r| (r.text.as_str(), r.after_reveal)).collect();
    assert_eq!(marks, [("first words", false), ("second words", false), ("after seeing", true)]);
    // Another rep's call is not theirs to assess.
    assert!(matches!(
        reviews::save_assessment(&mut lib, &lee, call, "opening", "x", true),
        Err(LibraryError::NotFound { .. })
    ));
}

#[test]
fn next_steps_have_dates_owners_and_an_overdue_board() {
    let t = TempLib::new();
    let (mut lib, coach, dana, lee, [call, _, _]) = team(&t);
    let today = steps::today(lib.conn()).unwrap();
    let day = |d: i64| steps::format_date(today + Duration::days(d));
    let add = |lib: &mut Library, who: &Person, owner: &str, due: String, text: &str| {
        let new = NewStep {
            owner: owner.into(),
            due_date: due,
            text: text.into(),
            recording_id: None,
            at_ms: None,
        };
        steps::add(lib, who, &new)
    };
    let late = add(&mut lib, &coach, "Dana", day(-1), "Send the recap").unwrap();
    add(&mut lib, &coach, "Lee", day(0), "Call back").unwrap();
    add(&mut lib, &coach, "Dana", day(30), "Quarterly plan").unwrap();
    let at = steps::add(
        &mut lib,
        &coach,
        &NewStep {
            owner: "Dana".into(),
            due_date: day(0),
            text: "Redo the opening".into(),
            recording_id: Some(call),
            at_ms: Some(1_500),
        },
    )
    .unwrap();
    assert_eq!((at.recording_id, at.at_ms), (Some(call), Some(1_500)));

    // Bad input names its field and writes nothing.
    let before = query_count(&lib, "SELECT count(*) FROM next_steps");
    let errors = [
        add(&mut lib, &coach, "Dana", "2026-02-30".into(), "x").unwrap_err(),
        add(&mut lib, &coach, "Dana", "next week".into(), "x").unwrap_err(),
        add(&mut lib, &coach, "Nobody", day(1), "x").unwrap_err(),
        add(&mut lib, &coach, "Dana", day(1), " ").unwrap_err(),
        add(&mut lib, &dana, "Lee", day(1), "x").unwrap_err(),
    ];
    let fields: Vec<String> = errors
        .iter()
        .map(|e| match e {
            LibraryError::Invalid { field, .. }
            | LibraryError::NotAllowed { field, .. }
            | LibraryError::UnknownPerson { field, .. } => field.to_string(),
            other => panic!("untyped: {other}"),
        })
        .collect();
    assert_eq!(fields, ["due", "due", "owner", "text", "owner"]);
    assert_eq!(query_count(&lib, "SELECT count(*) FROM next_steps"), before);

    let overdue =
        steps::list(lib.conn(), coach.scope(), &StepFilter { overdue: true, ..Default::default() })
            .unwrap();
    assert_eq!(overdue.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["Send the recap"]);
    let board = steps::due_board(lib.conn(), coach.scope()).unwrap();
    let dana_col = board.people.iter().find(|p| p.person == "Dana").unwrap();
    assert_eq!(dana_col.overdue.len(), 1);
    assert!(dana_col.due_this_week.iter().any(|s| s.text == "Redo the opening"));
    assert!(!dana_col.due_this_week.iter().any(|s| s.text == "Quarterly plan"), "not this week");
    // A rep sees their own steps only.
    let lees = steps::due_board(lib.conn(), lee.scope()).unwrap();
    assert_eq!(lees.people.iter().map(|p| p.person.as_str()).collect::<Vec<_>>(), ["Lee"]);

    // A delete leaves a tombstone that only someone who may see the step brings back.
    let gone = steps::delete(&mut lib, &coach, &at.id).unwrap();
    assert!(matches!(
        steps::get(lib.conn(), coach.scope(), &gone.id),
        Err(LibraryError::NotFound { .. })
    ));
    assert!(matches!(steps::delete(&mut lib, &lee, &late.id), Err(LibraryError::NotFound { .. })));
    assert!(matches!(steps::restore(&mut lib, &lee, &gone.id), Err(LibraryError::NotFound { .. })));
    steps::restore(&mut lib, &dana, &gone.id).unwrap();
    assert_eq!(steps::get(lib.conn(), dana.scope(), &gone.id).unwrap().text, "Redo the opening");

    let done =
        steps::set_state(&mut lib, &dana, &late.id[..8], StepState::Done, Some("Sent")).unwrap();
    assert_eq!(
        (done.state, done.done_on.as_deref(), done.outcome.as_deref()),
        (StepState::Done, Some(day(0).as_str()), Some("Sent"))
    );
    assert!(
        steps::list(lib.conn(), coach.scope(), &StepFilter { overdue: true, ..Default::default() })
            .unwrap()
            .is_empty()
    );
}

/// Parses an .ics file with Debian's python3-icalendar and prints what a calendar would see.
const PARSE_ICS: &str = r#"
import json, sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART'); end = ev.decoded('DTEND')
    alarms = []
    for a in ev.walk('VALARM'):
        trig = a.decoded('TRIGGER')
        at = datetime.datetime.combine(start, datetime.time(0, 0)) + trig
        alarms.append({'action': str(a.get('ACTION')), 'at': at.isoformat(), 'description': str(a.get('DESCRIPTION'))})
    out.append({'start': start.isoformat(), 'end': end.isoformat(), 'allDay': not isinstance(start, datetime.datetime),
                'summary': str(ev.get('SUMMARY')), 'description': str(ev.get('DESCRIPTION')), 'uid': str(ev.get('UID')),
                'alarms': alarms})
print(json.dumps(out))
"#;

#[test]
fn exported_steps_are_all_day_events_with_a_follow_up_that_a_real_parser_reads() {
    let t = TempLib::new();
    let (mut lib, coach, _, _, [call, _, _]) = team(&t);
    let head = "Pricing, terms; and\nthe \"next\" call\\ ";
    let hostile = format!("{head}{}", "é".repeat(2_000 - head.chars().count()));
    assert_eq!(hostile.chars().count(), 2_000);
    let new = NewStep {
        owner: "Dana".into(),
        due_date: "2026-12-03".into(),
        text: hostile.clone(),
        recording_id: Some(call),
        at_ms: Some(1_000),
    };
    let step = steps::add(&mut lib, &coach, &new).unwrap();
    let plain = NewStep {
        owner: "Lee".into(),
        due_date: "2026-12-31".into(),
        text: "Year end".into(),
        recording_id: None,
        at_ms: None,
    };
    steps::add(&mut lib, &coach, &plain).unwrap();
    let file = t.folder("out").join("steps.ics");
    let all =
        steps::list(lib.conn(), coach.scope(), &StepFilter { open: true, ..Default::default() })
            .unwrap();
    steps::write_ics(&all, &file).unwrap();

    let raw = std::fs::read(&file).unwrap();
    for line in raw.split(|&b| b == b'\n') {
        assert!(line.len() <= 76, "a line longer than 75 octets plus CR: {}", line.len());
    }
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(PARSE_ICS)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python3-icalendar refused the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(events.as_array().unwrap().len(), 2);
    let ev = events.as_array().unwrap().iter().find(|e| e["start"] == "2026-12-03").unwrap();
    assert_eq!(ev["allDay"], true);
    assert_eq!(ev["end"], "2026-12-04", "one whole day");
    assert_eq!(
        ev["summary"],
        format!("Next step: {hostile}"),
        "escaped and folded, read back exactly"
    );
    assert!(ev["description"].as_str().unwrap().contains("Owner: Dana"));
    assert_eq!(ev["uid"], format!("{}@gamefilm", step.id));
    assert_eq!(ev["alarms"][0]["action"], "DISPLAY");
    assert_eq!(ev["alarms"][0]["at"], "2026-12-04T09:00:00", "09:00 the day after the due date");

    // A failed export leaves nothing at the target.
    let bad = t.folder("out").join("missing-dir").join("x.ics");
    assert!(matches!(steps::write_ics(&all, &bad), Err(LibraryError::Export { .. })));
    assert!(!bad.exists());
}

#[test]
fn outcomes_come_from_the_list_and_are_set_for_many_calls_at_once_or_not_at_all() {
    let t = TempLib::new();
    let (mut lib, _, _, _, [a, b, c]) = team(&t);
    let edit = |o: &str| MetaEdit { outcome: Some(o.into()), ..Default::default() };
    let bad = recordings::update_meta_many(&mut lib, &[a, b], &edit("won")).unwrap_err();
    assert!(matches!(bad, LibraryError::Invalid { field: "outcome", .. }), "{bad}");
    let missing =
        recordings::update_meta_many(&mut lib, &[a, 9_999], &edit("no-answer")).unwrap_err();
    assert!(matches!(missing, LibraryError::NotFound { .. }));
    assert_eq!(recordings::get(lib.conn(), a).unwrap().outcome, None, "all or nothing");
    let set = recordings::update_meta_many(&mut lib, &[a, b, c], &edit("voicemail")).unwrap();
    assert!(set.iter().all(|r| r.outcome == Some(CallOutcome::NoAnswer)));
    let f = ListFilter { outcome: Some(CallOutcome::NoAnswer), ..Default::default() };
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &f).unwrap(), 3);
    // The database itself refuses a value outside the list.
    assert!(
        lib.conn().execute("UPDATE recordings SET outcome = 'won' WHERE id = ?1", [a]).is_err()
    );
}

#[test]
fn every_change_moves_updated_at_and_deletes_leave_tombstones() {
    let t = TempLib::new();
    let (mut lib, coach, dana, _, [call, _, _]) = team(&t);
    let id = note_by(&mut lib, &coach, call, 100, NoteKind::Positive, "x");
    let stamp = |lib: &Library| -> i64 {
        lib.conn()
            .query_row("SELECT updated_at FROM notes WHERE uuid = ?1", [&id], |r| r.get(0))
            .unwrap()
    };
    let mut last = stamp(&lib);
    let steps: [&dyn Fn(&mut Library); 3] = [
        &|l| drop(notes::delete(l, &coach, &id).unwrap()),
        &|l| drop(notes::undo_delete(l, &coach, Some(&id)).unwrap()),
        &|l| {
            reviews::mark_reviewed(l, &coach, call, "opening", "", false).unwrap();
            reviews::save_assessment(l, &dana, call, "opening", "", true).unwrap();
            notes::mark_seen(l, &dana, &id).unwrap();
        },
    ];
    for step in steps {
        std::thread::sleep(std::time::Duration::from_millis(3));
        step(&mut lib);
        let now = stamp(&lib);
        assert!(now > last, "updated_at did not move");
        last = now;
    }
    recordings::update_meta(
        &mut lib,
        call,
        &MetaEdit { add_tags: vec!["hot".into()], ..Default::default() },
    )
    .unwrap();
    recordings::update_meta(
        &mut lib,
        call,
        &MetaEdit { remove_tags: vec!["hot".into()], ..Default::default() },
    )
    .unwrap();
    assert!(recordings::get(lib.conn(), call).unwrap().tags.is_empty());
    assert_eq!(
        query_count(
            &lib,
            "SELECT count(*) FROM recording_tags WHERE deleted_at IS NOT NULL AND uuid IS NOT NULL"
        ),
        1
    );
    for table in ["people", "recordings", "notes", "reviews", "recording_tags", "focus_areas"] {
        let missing =
            query_count(&lib, &format!("SELECT count(*) FROM {table} WHERE uuid IS NULL"));
        assert_eq!(missing, 0, "{table} rows without a UUID");
    }
}

#[test]
fn progress_matches_a_hand_computed_fixture_of_two_reps_over_three_weeks() {
    let t = TempLib::new();
    let mut lib = t.open();
    // Nine calls from three real files (content differs by name only through import of copies).
    let dir = t.folder("calls");
    let mut paths = Vec::new();
    for i in 0..9 {
        let p = dir.join(format!("call{i}.wav"));
        write_tone_wav(&p, 300.0 + i as f32 * 40.0, 2);
        paths.push(p);
    }
    let ids = import_all(&mut lib, &paths);
    let coach = coach(&mut lib);
    let _dana = person(&mut lib, "Dana", Role::Rep);
    let _lee = person(&mut lib, "Lee", Role::Rep);
    let this_monday = steps::week_start(steps::today(lib.conn()).unwrap());
    // (call, rep, week back from this one, weekday offset, outcome)
    let plan: [(usize, &str, i64, i64, Option<&str>); 9] = [
        (0, "Dana", 2, 0, Some("meeting-booked")),
        (1, "Dana", 2, 2, Some("no-answer")),
        (2, "Dana", 2, 4, Some("not-interested")),
        (3, "Dana", 1, 1, Some("next-step")),
        (4, "Dana", 1, 6, None),
        (5, "Lee", 2, 3, Some("other")),
        (6, "Lee", 0, 0, Some("meeting-booked")),
        (7, "Lee", 0, 0, Some("meeting-booked")),
        (8, "Lee", 0, 0, Some("no-answer")),
    ];
    for (i, rep, back, day, outcome) in plan {
        let date = steps::format_date(this_monday - Duration::weeks(back) + Duration::days(day));
        lib.conn()
            .execute(
                "UPDATE recordings SET call_time = CAST(strftime('%s', ?2, '+12 hours', 'utc') AS INTEGER) * 1000 WHERE id = ?1",
                rusqlite::params![ids[i], date],
            )
            .unwrap();
        let edit = MetaEdit {
            rep: Some(rep.into()),
            outcome: outcome.map(Into::into),
            ..Default::default()
        };
        recordings::update_meta(&mut lib, ids[i], &edit).unwrap();
    }
    // Dana, two weeks back: 2 positives, 1 improvement on call 0, reviewed (focus discovery);
    // one week back: call 3 reviewed, focus listening, closing discovery.
    for (kind, at) in
        [(NoteKind::Positive, 100), (NoteKind::Positive, 200), (NoteKind::Improvement, 300)]
    {
        note_by(&mut lib, &coach, ids[0], at, kind, "n");
    }
    note_by(&mut lib, &coach, ids[3], 100, NoteKind::Improvement, "n");
    reviews::mark_reviewed(&mut lib, &coach, ids[0], "discovery", "", false).unwrap();
    reviews::mark_reviewed(&mut lib, &coach, ids[3], "listening", "", true).unwrap();
    note_by(&mut lib, &coach, ids[6], 100, NoteKind::Positive, "n");
    reviews::mark_reviewed(&mut lib, &coach, ids[6], "opening", "", false).unwrap();
    // Steps: Dana, due one week back (Wednesday): one done on time, one done late, one open.
    let due = steps::format_date(this_monday - Duration::weeks(1) + Duration::days(2));
    for text in ["on time", "late", "open"] {
        let new = NewStep {
            owner: "Dana".into(),
            due_date: due.clone(),
            text: text.into(),
            recording_id: None,
            at_ms: None,
        };
        let s = steps::add(&mut lib, &coach, &new).unwrap();
        let done_on = match text {
            "on time" => Some(due.clone()),
            "late" => Some(steps::format_date(this_monday)),
            _ => None,
        };
        if let Some(d) = done_on {
            lib.conn()
                .execute(
                    "UPDATE next_steps SET state = 'done', done_on = ?2 WHERE uuid = ?1",
                    rusqlite::params![s.id, d],
                )
                .unwrap();
        }
    }

    let p = progress::progress(lib.conn(), &coach, &ProgressQuery { rep: None, weeks: 3 }).unwrap();
    assert_eq!(p.reps, ["Dana", "Lee"]);
    assert_eq!(p.weeks.len(), 3);
    let row = |rep: &str, i: usize| p.rows.iter().filter(|r| r.rep == rep).nth(i).unwrap().clone();
    // (calls, reviewed, +, Δ, focus, closed, steps due, on time, hits, rated, no outcome, rate)
    let d0 = row("Dana", 0);
    assert_eq!((d0.calls, d0.reviewed, d0.positives, d0.improvements), (3, 1, 2, 1));
    assert_eq!((d0.focus_area.as_deref(), d0.focus_closed), (Some("discovery"), true));
    assert_eq!((d0.hits, d0.rated, d0.no_outcome, d0.hit_rate), (1, 2, 0, Some(0.5)));
    let d1 = row("Dana", 1);
    assert_eq!((d1.calls, d1.reviewed, d1.positives, d1.improvements), (2, 1, 0, 1));
    assert_eq!((d1.focus_area.as_deref(), d1.focus_closed), (Some("listening"), false));
    assert_eq!((d1.steps_due, d1.steps_done_on_time), (3, 1));
    assert_eq!((d1.hits, d1.rated, d1.no_outcome, d1.hit_rate), (1, 1, 1, Some(1.0)));
    let d2 = row("Dana", 2);
    assert_eq!((d2.calls, d2.hit_rate, d2.focus_area.clone()), (0, None, None));
    let l0 = row("Lee", 0);
    assert_eq!((l0.calls, l0.hits, l0.rated, l0.hit_rate), (1, 0, 1, Some(0.0)));
    let l2 = row("Lee", 2);
    assert_eq!((l2.calls, l2.reviewed, l2.positives), (3, 1, 1));
    assert_eq!((l2.hits, l2.rated, l2.no_outcome), (2, 2, 0), "no-answer is outside the rate");
    assert_eq!(l2.focus_area.as_deref(), Some("opening"));

    // One rep, and the CSV of the same rows.
    let dana_only = progress::progress(
        lib.conn(),
        &coach,
        &ProgressQuery { rep: Some("dana".into()), weeks: 3 },
    )
    .unwrap();
    assert_eq!(dana_only.rows.len(), 3);
    let csv = progress::to_csv(&dana_only).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("rep,week,week_start,calls,reviewed"));
    assert!(
        // The hit rate, then the talk ratio (none: no two-sided stereo call that week).
        lines[1].starts_with(&format!("Dana,{},", d0.week)) && lines[1].ends_with(",0.5000,"),
        "{}",
        lines[1]
    );
    // A rep sees their own progress only.
    let lee = people::named(lib.conn(), "rep", "Lee").unwrap();
    assert!(matches!(
        progress::progress(lib.conn(), &lee, &ProgressQuery { rep: Some("Dana".into()), weeks: 3 }),
        Err(LibraryError::NotAllowed { .. })
    ));
    assert!(matches!(
        progress::progress(lib.conn(), &coach, &ProgressQuery { rep: None, weeks: 0 }),
        Err(LibraryError::Invalid { field: "weeks", .. })
    ));
}

#[test]
fn a_library_of_the_previous_release_migrates_authors_outcomes_and_self_assessments() {
    let t = TempLib::new();
    {
        let lib = Library::open_at_version(&t.path(), 4).unwrap();
        lib.conn()
            .execute_batch(
                "INSERT INTO people (id, name, role) VALUES (1, 'Dana', 'rep');
                 INSERT INTO recordings (id, path, content_hash, size_bytes, container, codec, sample_rate,
                     channels, frames, duration_ms, title, call_time, rep_id, outcome, imported_at, updated_at)
                 VALUES (1, '/calls/a.wav', x'01', 10, 'wav', 'pcm', 8000, 1, 80000, 10000, 'A', 1, 1, 'won', 1, 1),
                        (2, '/calls/b.wav', x'02', 10, 'wav', 'pcm', 8000, 1, 80000, 10000, 'B', 1, NULL, 'Meeting booked', 1, 1),
                        (3, '/calls/c.wav', x'03', 10, 'wav', 'pcm', 8000, 1, 80000, 10000, 'C', 1, NULL, NULL, 1, 1);
                 INSERT INTO notes (uuid, recording_id, start_ms, end_ms, kind, text, author, created_at, updated_at)
                 VALUES ('n1', 1, 1000, 2000, 'positive', 'Kept text', 'Coach Kim', 5, 5),
                        ('n2', 1, 3000, NULL, 'improvement', 'Second', 'Rep', 6, 6),
                        ('n3', 2, 4000, NULL, 'positive', 'Nameless', '', 7, 7);
                 INSERT INTO note_replies (uuid, note_id, author, text, created_at, updated_at)
                 VALUES ('r1', 1, 'Dana', 'Thanks', 8, 8);
                 INSERT INTO reviews (uuid, recording_id, author, kind, focus_area, text, created_at, updated_at)
                 VALUES ('s1', 1, 'Dana', 'self', 'Pausing more', 'I talk fast', 9, 9);",
            )
            .unwrap();
    }
    let lib = t.open();
    let who = |name: &str| people::named(lib.conn(), "name", name).unwrap().role;
    assert_eq!(
        (who("Coach Kim"), who("Rep"), who("Dana"), who("Unknown")),
        (Role::Coach, Role::Rep, Role::Rep, Role::Coach)
    );
    let notes: Vec<(String, String, i64, Option<i64>, String)> = lib
        .conn()
        .prepare("SELECT n.uuid, n.text, n.start_ms, n.end_ms, p.name FROM notes n JOIN people p ON p.id = n.author_id ORDER BY n.uuid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        notes,
        [
            ("n1".into(), "Kept text".into(), 1000, Some(2000), "Coach Kim".into()),
            ("n2".into(), "Second".into(), 3000, None, "Rep".into()),
            ("n3".into(), "Nameless".into(), 4000, None, "Unknown".into()),
        ]
    );
    let a = recordings::get(lib.conn(), 1).unwrap();
    assert_eq!((a.outcome, a.tags.clone()), (Some(CallOutcome::Other), vec!["won".to_string()]));
    assert_eq!(recordings::get(lib.conn(), 2).unwrap().outcome, Some(CallOutcome::MeetingBooked));
    assert_eq!(recordings::get(lib.conn(), 3).unwrap().outcome, None);
    let dana = people::named(lib.conn(), "name", "Dana").unwrap();
    let s = reviews::self_assessment(lib.conn(), &dana, 1).unwrap().unwrap();
    assert_eq!(
        (s.focus_area.as_str(), s.text.as_str(), s.submitted_at),
        ("Pausing more", "I talk fast", Some(9))
    );
    assert_eq!(s.revisions.len(), 1);
    for table in ["people", "recordings", "recording_tags"] {
        assert_eq!(
            query_count(&lib, &format!("SELECT count(*) FROM {table} WHERE uuid IS NULL")),
            0,
            "{table}"
        );
    }
    assert_eq!(query_count(&lib, "SELECT count(*) FROM focus_areas"), 6);
}

#[test]
fn a_rep_sees_only_their_own_revealed_clips_of_a_reel_and_edits_only_their_own() {
    let t = TempLib::new();
    let (mut lib, coach, dana, lee, [call, _, lees]) = team(&t);
    note_by(&mut lib, &coach, call, 100, NoteKind::Positive, "Dana's great opener");
    note_by(&mut lib, &coach, lees, 100, NoteKind::Positive, "Lee's great opener");
    let week = ReelQuery::last_days(7, gamefilm::timefmt::now_ms());
    let reel =
        reels::create(&mut lib, Scope::Coach, "Team", &week, reels::IfEmpty::Refuse).unwrap();
    assert_eq!(reel.clips.len(), 2);

    // Not revealed yet: Dana sees no clip of the team reel, and no reel at all.
    assert!(reels::get(lib.conn(), dana.scope(), reel.id).unwrap().clips.is_empty());
    assert!(reels::list(lib.conn(), dana.scope()).unwrap().is_empty());
    assert!(reels::clips_for_render(lib.conn(), dana.scope(), reel.id).unwrap().is_empty());
    reviews::mark_reviewed(&mut lib, &coach, call, "opening", "", false).unwrap();
    reviews::save_assessment(&mut lib, &dana, call, "opening", "", true).unwrap();
    let hers = reels::get(lib.conn(), dana.scope(), reel.id).unwrap();
    assert_eq!(
        hers.clips.iter().map(|c| c.text.clone().unwrap_or_default()).collect::<Vec<_>>(),
        ["Dana's great opener"]
    );
    assert_eq!(
        reels::list(lib.conn(), lee.scope()).unwrap().len(),
        0,
        "Lee's clip is not revealed"
    );
    assert!(matches!(
        reels::require_editable(lib.conn(), &dana, reel.id),
        Err(LibraryError::NotAllowed { .. })
    ));
    reels::require_editable(lib.conn(), &coach, reel.id).unwrap();
    // Her own reel, from what she may see, is hers to edit.
    let own = reels::create(&mut lib, dana.scope(), "Mine", &week, reels::IfEmpty::Refuse).unwrap();
    assert_eq!(own.clips.len(), 1);
    reels::require_editable(lib.conn(), &dana, own.id).unwrap();
}

#[test]
fn the_counts_kept_by_triggers_match_a_recount_after_every_kind_of_change() {
    let t = TempLib::new();
    let (mut lib, coach, dana, _, [call, other, _]) = team(&t);
    let counts = |lib: &Library| -> Vec<(i64, i64, i64, i64, i64, i64, i64)> {
        lib.conn()
            .prepare(
                "SELECT r.id, r.coach_positives, r.coach_improvements, r.coach_reviews,
                    (SELECT count(*) FROM notes n WHERE n.recording_id = r.id AND n.kind = 'positive'
                        AND n.deleted_at IS NULL AND n.author_id IS NOT r.rep_id),
                    (SELECT count(*) FROM notes n WHERE n.recording_id = r.id AND n.kind = 'improvement'
                        AND n.deleted_at IS NULL AND n.author_id IS NOT r.rep_id),
                    (SELECT count(*) FROM reviews c WHERE c.recording_id = r.id AND c.kind = 'coach'
                        AND c.deleted_at IS NULL)
                 FROM recordings r ORDER BY r.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let check = |lib: &Library, what: &str| {
        for (id, p, i, rv, p2, i2, rv2) in counts(lib) {
            assert_eq!((p, i, rv), (p2, i2, rv2), "call {id} after {what}");
        }
    };
    let a = note_by(&mut lib, &coach, call, 100, NoteKind::Positive, "a");
    note_by(&mut lib, &dana, call, 200, NoteKind::Positive, "the rep's own");
    check(&lib, "adding notes");
    let row = counts(&lib).into_iter().find(|r| r.0 == call).unwrap();
    assert_eq!(row.1, 1, "the rep's own note is not the coach's");
    notes::edit(
        &mut lib,
        &coach,
        &a,
        &notes::NoteEdit { kind: Some(NoteKind::Improvement), ..Default::default() },
    )
    .unwrap();
    check(&lib, "a kind change");
    notes::delete(&mut lib, &coach, &a).unwrap();
    check(&lib, "a delete");
    notes::undo_delete(&mut lib, &coach, Some(&a)).unwrap();
    check(&lib, "an undo");
    recordings::update_meta(
        &mut lib,
        call,
        &MetaEdit { rep: Some("Lee".into()), ..Default::default() },
    )
    .unwrap();
    check(&lib, "a change of rep");
    reviews::mark_reviewed(&mut lib, &coach, other, "opening", "", false).unwrap();
    check(&lib, "a review");
    reviews::withdraw(&mut lib, &coach, other).unwrap();
    check(&lib, "a withdrawn review");
}
