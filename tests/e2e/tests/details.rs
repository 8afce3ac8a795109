//! A coach's edits in the real window, checked in the library through the CLI: three calls
//! marked (Ctrl+A) get an outcome at once and Undo puts them back; a call removed from the
//! library (Delete) comes back with Undo; a note's marker dragged 5 s later moves the note (and
//! Undo moves it back); P then Enter keeps a marker-only note; the call header sets the rep.

use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Key, Locator, artifacts_dir, fixture, gamefilm, testid};
use serde_json::Value;

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);

fn json(library: &std::path::Path, args: &[&str]) -> Value {
    serde_json::from_str(&gamefilm(library, args)).expect("the CLI's JSON")
}

fn listed(library: &std::path::Path, args: &[&str]) -> usize {
    let mut all = vec!["list", "--json"];
    all.extend_from_slice(args);
    json(library, &all).as_array().map_or(0, Vec::len)
}

/// Waits until the CLI, reading the library file, sees `what`.
async fn until_library(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + UI;
    while !ok() {
        assert!(std::time::Instant::now() < deadline, "the library never showed {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn rows(app: &App, n: usize) {
    app.wait_until(
        async |c| {
            Ok((c.find_all(Locator::Css(&testid("recording-row"))).await?.len() == n).then_some(()))
        },
        UI,
        &format!("{n} rows in the list"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_outcome_removal_and_a_dragged_note_each_undo_and_reach_the_library() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-details-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    gamefilm(&library, &["people", "add", "Coach", "--role", "coach"]);
    gamefilm(&library, &["people", "default", "Coach"]);
    for (i, name) in ["Alpha", "Bravo", "Charlie"].iter().enumerate() {
        // Different lengths: the same length would be the same file, imported once.
        let call = fixture::speech_mp3(dir.path(), &format!("call {name}"), 20 + i as u32);
        gamefilm(&library, &["import", call.to_str().unwrap()]);
        gamefilm(&library, &["set", &(i + 1).to_string(), "--counterpart", name]);
    }
    gamefilm(&library, &["note", "add", "1", "--at", "0:05", "--kind", "positive", "Good opener"]);
    let app = App::builder(&display, "details")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;
    rows(&app, 3).await;

    // Ctrl+A marks the whole list; one outcome for all three; Undo puts each back.
    let list = app.by_testid("library-list").await;
    app.click(&list, "library-list").await;
    app.type_keys(&format!("{}a{}", Key::Control, Key::Null)).await;
    app.wait_until(
        async |c| {
            let Some(n) = c.find_all(Locator::Css(&testid("bulk-count"))).await?.into_iter().next()
            else {
                return Ok(None);
            };
            Ok(n.prop("textContent").await?.unwrap_or_default().contains("3 calls").then_some(()))
        },
        UI,
        "three calls marked",
    )
    .await;
    app.screenshot(&artifacts_dir().join("bulk-bar.png")).await;
    let booked = app.by_testid("bulk-outcome-meeting-booked").await;
    app.click(&booked, "bulk-outcome-meeting-booked").await;
    until_library("three calls booked", || listed(&library, &["--outcome", "meeting-booked"]) == 3)
        .await;
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    until_library("the outcomes undone", || {
        listed(&library, &["--outcome", "meeting-booked"]) == 0
    })
    .await;

    // Delete takes the selected call out of the library (its file stays); Undo brings it back.
    let list = app.by_testid("library-list").await;
    app.click(&list, "library-list").await;
    app.type_keys(&Key::Delete.to_string()).await;
    rows(&app, 2).await;
    assert_eq!(listed(&library, &[]), 2);
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    rows(&app, 3).await;
    assert_eq!(listed(&library, &[]), 3);

    // Open Alpha and drag its note's marker 5 s later.
    let alpha = app
        .wait_until(
            async |c| {
                for row in c.find_all(Locator::Css(&testid("recording-row"))).await? {
                    if row.prop("textContent").await?.unwrap_or_default().contains("Alpha") {
                        return Ok(Some(row));
                    }
                }
                Ok(None)
            },
            UI,
            "Alpha's row",
        )
        .await;
    app.double_click(&alpha).await;
    app.wait_for_call("Alpha", UI).await;
    let marker = app.wait_for(&testid("note-marker"), UI).await;
    let stage = app.client().find(Locator::Css("#waveform-stage")).await.expect("the stage");
    let attr = async |name: &str| -> f64 {
        stage.attr(name).await.unwrap().unwrap_or_default().parse().unwrap_or(0.0)
    };
    let (from, to) = (attr("data-from-ms").await, attr("data-to-ms").await);
    let width = app
        .client()
        .execute("return document.getElementById('waveform-stage').clientWidth", vec![])
        .await
        .expect("the stage's width")
        .as_f64()
        .unwrap_or(0.0);
    assert!(to > from && width > 100.0, "the waveform's span {from}–{to} over {width} px");
    let px_per_ms = width / (to - from);
    app.drag_by(&marker, 5_000.0 * px_per_ms).await;
    let start_of_note = || -> i64 {
        let show = json(&library, &["show", "1", "--json"]);
        show["notes"][0]["startMs"].as_i64().unwrap_or(-1)
    };
    // Within two pixels of 0:10.
    let slack = (2.0 / px_per_ms) as i64 + 1;
    until_library("the note at 0:10", || (start_of_note() - 10_000).abs() <= slack).await;
    let undo = app.wait_for(&testid("undo"), UI).await;
    app.click(&undo, "undo").await;
    until_library("the note back at 0:05", || start_of_note() == 5_000).await;

    // P then Enter: a marker-only note, kept without a word.
    let view = app.by_testid("call-view").await;
    app.click(&view, "call-view").await;
    app.type_keys("p").await;
    app.wait_for(&testid("note-text"), UI).await;
    app.type_keys(&Key::Enter.to_string()).await;
    until_library("a marker-only note", || {
        let show = json(&library, &["show", "1", "--json"]);
        show["notes"].as_array().is_some_and(|n| n.iter().any(|n| n["text"] == ""))
    })
    .await;

    // The header sets the rep.
    let rep = app.by_testid("detail-rep").await;
    app.click(&rep, "detail-rep").await;
    app.type_keys(&format!("Dana{}", Key::Enter)).await;
    until_library("Dana as the rep", || {
        json(&library, &["show", "1", "--json"])["recording"]["rep"] == "Dana"
    })
    .await;
    app.screenshot(&artifacts_dir().join("call-details.png")).await;
    app.close().await;
}
