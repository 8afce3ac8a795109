//! A call's details and its place in the library, as the coach's day uses them: bulk edits
//! (all or none) with their undo, removal and restore (a soft delete that travels in packs as a
//! tombstone, never touching the file), the list's tag column and filter, files gone missing,
//! and the values offered while typing details.

mod common;

use std::path::PathBuf;

use common::*;
use gamefilm::error::ErrorCode;
use gamefilm::import::{self, ImportOptions, Outcome};
use gamefilm::jobs::Job;
use gamefilm::library::recordings::{self, CallEdit, ListFilter, MetaEdit};
use gamefilm::library::{CallOutcome, Library, NoteKind, merge, search};
use gamefilm::pack::{self, ExportOptions, Limits};

fn copies(t: &TempLib, n: usize) -> Vec<PathBuf> {
    let dir = t.folder("calls");
    (0..n)
        .map(|i| {
            let p = dir.join(format!("call{i}.wav"));
            write_tone_wav(&p, 200.0 + 50.0 * i as f32, 1 + i as u32);
            p
        })
        .collect()
}

fn edit(id: i64, edit: MetaEdit) -> CallEdit {
    CallEdit { id, edit }
}

fn details(lib: &Library, id: i64) -> (Option<String>, Option<CallOutcome>, Vec<String>) {
    let r = recordings::get(lib.conn(), id).unwrap();
    (r.rep, r.outcome, r.tags)
}

#[test]
fn a_bulk_edit_changes_every_call_or_none_and_its_undo_puts_each_back_as_it_was() {
    let t = TempLib::new();
    let mut lib = t.open();
    let ids = import_all(&mut lib, &copies(&t, 4));
    let _ = coach(&mut lib);
    // Each call starts different: one with an outcome, one with a rep, one tagged.
    let first = MetaEdit { outcome: Some("no-answer".into()), ..Default::default() };
    recordings::update_meta(&mut lib, ids[0], &first).unwrap();
    let second =
        MetaEdit { rep: Some("Dana".into()), add_tags: vec!["q3".into()], ..Default::default() };
    recordings::update_meta(&mut lib, ids[1], &second).unwrap();
    let before: Vec<_> = ids.iter().map(|&id| details(&lib, id)).collect();

    let bulk = MetaEdit {
        outcome: Some("meeting-booked".into()),
        rep: Some("Lee".into()),
        add_tags: vec!["pricing".into(), "q3".into()],
        ..Default::default()
    };
    let edits: Vec<CallEdit> = ids[..3].iter().map(|&id| edit(id, bulk.clone())).collect();
    let done = recordings::edit_calls(&mut lib, Scope::Coach, &edits).unwrap();
    assert_eq!(done.recordings.len(), 3);
    for &id in &ids[..3] {
        let (rep, outcome, tags) = details(&lib, id);
        assert_eq!(rep.as_deref(), Some("Lee"));
        assert_eq!(outcome, Some(CallOutcome::MeetingBooked));
        assert_eq!(tags, vec!["pricing".to_string(), "q3".to_string()]);
    }
    assert_eq!(details(&lib, ids[3]), before[3], "a call not in the selection is untouched");
    // The list shows the tags and filters by one.
    let tagged = ListFilter { tag: Some("pricing".into()), ..Default::default() };
    let page = recordings::page(lib.conn(), Scope::Coach, &tagged).unwrap();
    assert_eq!(page.total, 3);
    assert!(page.rows.iter().all(|r| r.tags == ["pricing", "q3"]));

    // Undo: each call as it was, the tag q3 kept on the call that had it before.
    recordings::edit_calls(&mut lib, Scope::Coach, &done.undo).unwrap();
    let after: Vec<_> = ids.iter().map(|&id| details(&lib, id)).collect();
    assert_eq!(after, before);

    // All or none: an unknown outcome names the field, an unknown id names the call.
    let bad = MetaEdit { outcome: Some("sold".into()), ..Default::default() };
    let edits: Vec<CallEdit> = ids.iter().map(|&id| edit(id, bad.clone())).collect();
    let e = recordings::edit_calls(&mut lib, Scope::Coach, &edits).unwrap_err();
    assert_eq!(e.code(), ErrorCode::LibraryInvalid);
    assert!(e.to_string().contains("outcome") && e.to_string().contains("sold"), "{e}");
    let good = MetaEdit { outcome: Some("other".into()), ..Default::default() };
    let mut edits: Vec<CallEdit> = ids.iter().map(|&id| edit(id, good.clone())).collect();
    edits.push(edit(9_999, good.clone()));
    let e = recordings::edit_calls(&mut lib, Scope::Coach, &edits).unwrap_err();
    assert_eq!(e.code(), ErrorCode::LibraryNotFound);
    assert!(e.to_string().contains("9999"), "{e}");
    let untouched: Vec<_> = ids.iter().map(|&id| details(&lib, id)).collect();
    assert_eq!(untouched, before, "a refused bulk edit changed nothing");

    // A rep edits only her own calls.
    let dana = person(&mut lib, "Dana", Role::Rep);
    let edits = vec![edit(ids[1], good.clone()), edit(ids[2], good)];
    let e = recordings::edit_calls(&mut lib, dana.scope(), &edits).unwrap_err();
    assert_eq!(e.code(), ErrorCode::LibraryNotFound);
    assert_eq!(details(&lib, ids[1]), before[1]);

    // Completion offers the values in use.
    let values = recordings::detail_values(lib.conn(), Scope::Coach).unwrap();
    assert!(values.reps.contains(&"Dana".to_string()) && values.reps.contains(&"Lee".to_string()));
    assert_eq!(values.tags, vec!["q3".to_string()]);
}

#[test]
fn a_removed_call_leaves_list_and_search_keeps_its_file_and_comes_back_whole() {
    let t = TempLib::new();
    let mut lib = t.open();
    let files = copies(&t, 3);
    let ids = import_all(&mut lib, &files);
    add_note(&mut lib, ids[0], 100, None, NoteKind::Positive, "great pricing talk");
    let all = ListFilter::default();
    let query = search::SearchQuery { text: "pricing".into(), ..Default::default() };

    let removed = recordings::remove(&mut lib, Scope::Coach, &ids[..2]).unwrap();
    assert_eq!(removed, ids[..2].to_vec());
    assert!(files.iter().all(|f| f.is_file()), "the files on disk are never touched");
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &all).unwrap(), 1);
    assert!(search::search(lib.conn(), Scope::Coach, &query).unwrap().hits.is_empty());
    // Importing the file again (a watch folder's rescan) leaves it removed.
    let report =
        import::import(&mut lib, &files[..1], &ImportOptions::default(), &Job::silent()).unwrap();
    assert!(matches!(report.files[0].outcome, Outcome::Removed { id } if id == ids[0]));
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &all).unwrap(), 1);

    // All or none: an unknown id restores nothing.
    let e = recordings::restore(&mut lib, Scope::Coach, &[ids[0], 4242]).unwrap_err();
    assert!(e.to_string().contains("4242"), "{e}");
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &all).unwrap(), 1);

    recordings::restore(&mut lib, Scope::Coach, &ids[..2]).unwrap();
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &all).unwrap(), 3);
    let hits = search::search(lib.conn(), Scope::Coach, &query).unwrap().hits;
    assert_eq!(hits.len(), 1, "the call's notes come back with it");

    // A rep removes only her own calls.
    let dana = person(&mut lib, "Dana", Role::Rep);
    let e = recordings::remove(&mut lib, dana.scope(), &[ids[2]]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::LibraryNotFound);
    assert_eq!(recordings::count(lib.conn(), Scope::Coach, &all).unwrap(), 3);

    // A file gone from disk is flagged; one that is there is not.
    std::fs::rename(&files[1], t.dir.path().join("moved.wav")).unwrap();
    let missing = recordings::missing_files(lib.conn(), Scope::Coach, &ids).unwrap();
    assert_eq!(missing, vec![ids[1]]);
}

#[test]
fn a_removal_travels_in_a_pack_as_a_tombstone_and_a_restore_travels_back() {
    let a_t = TempLib::new();
    let mut a = a_t.open();
    let ids = import_all(&mut a, &copies(&a_t, 2));
    let coach_a = coach(&mut a);
    let dana = person(&mut a, "Dana", Role::Rep);
    for &id in &ids {
        let e = MetaEdit { rep: Some("Dana".into()), ..Default::default() };
        recordings::update_meta(&mut a, id, &e).unwrap();
    }
    let first = a_t.dir.path().join("first.gamefilm");
    pack::export(&mut a, &coach_a, &dana, &ExportOptions::default(), &first).unwrap();
    let b_t = TempLib::new();
    let mut b = b_t.open();
    pack::import(&mut b, &first, &Limits::default()).unwrap();
    let all = ListFilter::default();
    let dana_b = gamefilm::library::people::named(b.conn(), "as", "Dana").unwrap();
    assert_eq!(recordings::count(b.conn(), dana_b.scope(), &all).unwrap(), 2);

    // The coach removes one call: the next pack carries the removal, not the call.
    recordings::remove(&mut a, Scope::Coach, &ids[..1]).unwrap();
    let second = a_t.dir.path().join("second.gamefilm");
    pack::export(&mut a, &coach_a, &dana, &ExportOptions::default(), &second).unwrap();
    let got = pack::import(&mut b, &second, &Limits::default()).unwrap();
    assert_eq!(got.merge.recordings.deleted, 1, "{got:?}");
    assert_eq!(recordings::count(b.conn(), dana_b.scope(), &all).unwrap(), 1);

    // Dana restores it: her restore is newer, and brings it back on the coach's side.
    let removed_on_b: i64 = b
        .conn()
        .query_row("SELECT id FROM recordings WHERE deleted_at IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    recordings::restore(&mut b, dana_b.scope(), &[removed_on_b]).unwrap();
    let coach_b = gamefilm::library::people::named(b.conn(), "as", "Coach").unwrap();
    let back = b_t.dir.path().join("back.gamefilm");
    pack::export(&mut b, &dana_b, &coach_b, &ExportOptions::default(), &back).unwrap();
    pack::import(&mut a, &back, &Limits::default()).unwrap();
    assert_eq!(recordings::count(a.conn(), Scope::Coach, &all).unwrap(), 2);
    assert_eq!(recordings::removed_at(a.conn(), ids[0]).unwrap(), None);
    let (da, db) = (merge::dump(a.conn()).unwrap(), merge::dump(b.conn()).unwrap());
    let calls = |d: &str| d.lines().filter(|l| l.starts_with("recording ")).count();
    assert_eq!(calls(&da), 2);
    assert_eq!(calls(&db), 2);
}

/// A rep change lists the call for re-indexing instead of re-writing its notes into the index
/// inside the edit (migration 10); search by rep is exact before the index catches up and after.
#[test]
fn search_by_rep_is_exact_while_a_moved_call_waits_for_its_notes_to_be_reindexed() {
    let t = TempLib::new();
    let mut lib = t.open();
    let ids = import_all(&mut lib, &copies(&t, 3));
    let _ = coach(&mut lib);
    let ana = person(&mut lib, "Ana", Role::Rep);
    let _ben = person(&mut lib, "Ben", Role::Rep);
    let to = |rep: &str| MetaEdit { rep: Some(rep.into()), ..Default::default() };
    let edits = vec![edit(ids[0], to("Ana")), edit(ids[1], to("Ana")), edit(ids[2], to("Ben"))];
    recordings::edit_calls(&mut lib, Scope::Coach, &edits).unwrap();
    search::refresh_all_rep_facets(&mut lib).unwrap();
    let stale = |lib: &Library| count(lib, "notes_fts_stale_rep");
    assert_eq!(stale(&lib), 0);
    // Ana's own notes on her two calls; the coach's on Ben's.
    let mut own = Vec::new();
    for &id in &ids[..2] {
        let new = gamefilm::library::notes::NewNote {
            recording_id: id,
            start_ms: 500,
            end_ms: None,
            kind: NoteKind::Improvement,
            text: "pricing came too early".into(),
        };
        own.push(gamefilm::library::notes::create(&mut lib, &ana, &new).unwrap().id);
    }
    let coach_note = add_note(&mut lib, ids[2], 700, None, NoteKind::Positive, "pricing held").id;

    let found = |lib: &Library, scope: Scope, text: &str, rep: Option<&str>| -> Vec<String> {
        let q = search::SearchQuery {
            text: text.into(),
            rep: rep.map(Into::into),
            limit: 50,
            ..Default::default()
        };
        let mut ids: Vec<String> = search::search(lib.conn(), scope, &q)
            .unwrap()
            .hits
            .into_iter()
            .filter_map(|h| match h.hit {
                search::Hit::Note { note, .. } => Some(note.id),
                search::Hit::Recording { .. } => None,
            })
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    // Ana's second call goes to Ben: the edit lists it, its notes still say Ana in the index.
    recordings::edit_calls(&mut lib, Scope::Coach, &[edit(ids[1], to("Ben"))]).unwrap();
    assert_eq!(stale(&lib), 1, "the rep change re-indexed nothing inside the edit");
    for text in ["pricing", "pric"] {
        assert_eq!(
            found(&lib, Scope::Coach, text, Some("Ben")),
            sorted(vec![own[1].clone(), coach_note.clone()]),
            "{text}: Ben's calls, the moved one included"
        );
        assert_eq!(found(&lib, Scope::Coach, text, Some("Ana")), vec![own[0].clone()]);
        assert_eq!(found(&lib, ana.scope(), text, None), vec![own[0].clone()], "{text}");
    }
    // Back to Ana before the index caught up: the index says Ben, the call is Ana's again.
    search::refresh_all_rep_facets(&mut lib).unwrap();
    recordings::edit_calls(&mut lib, Scope::Coach, &[edit(ids[1], to("Ana"))]).unwrap();
    assert_eq!(stale(&lib), 1);
    let listed = |lib: &Library, scope: Scope| -> Vec<i64> {
        let f = ListFilter { search: Some("pricing".into()), ..Default::default() };
        let mut v: Vec<i64> =
            recordings::page(lib.conn(), scope, &f).unwrap().rows.iter().map(|r| r.id).collect();
        v.sort();
        v
    };
    let own = sorted(own);
    for round in ["stale", "re-indexed"] {
        assert_eq!(found(&lib, ana.scope(), "pricing", None), own, "{round}");
        assert_eq!(found(&lib, ana.scope(), "pric", Some("Ana")), own, "{round}");
        assert_eq!(found(&lib, Scope::Coach, "pricing", Some("Ben")), vec![coach_note.clone()]);
        assert_eq!(listed(&lib, ana.scope()), ids[..2].to_vec(), "{round}: Ana's list search");
        search::refresh_all_rep_facets(&mut lib).unwrap();
        assert_eq!(stale(&lib), 0);
    }
}
