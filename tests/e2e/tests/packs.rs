//! Review packs in the real window: the coach shares a reviewed call with a rep through
//! *Share…*; the rep opens the pack in another instance of the app, on her own (fresh) library
//! file, while the coach's window is still open. Her library becomes hers, the call and its
//! audio arrive, no coach note shows before her self-assessment, and after it the coach's
//! positive note does. Dropping the same pack on her window again changes nothing.

use std::path::Path;
use std::time::Duration;

use gamefilm_e2e::{
    App, Audio, Display, FileDrag, Locator, READY_CSS, artifacts_dir, fixture, testid,
};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// Writing or merging a pack with a short call's audio.
const PACK: Duration = Duration::from_secs(60);

const GOOD: &str = "Lovely open question about their renewal";
const DRAFT_FREE_IMPROVEMENT: &str = "Pitched the bundle before asking about budget";

fn cli(library: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(gamefilm_e2e::cli_binary())
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .expect("run the gamefilm CLI");
    assert!(out.status.success(), "gamefilm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn click(app: &App, id: &str) {
    let e = app.wait_for(&testid(id), UI).await;
    app.click(&e, id).await;
}

async fn text_of(app: &App, id: &str) -> String {
    let e = app.wait_for(&testid(id), UI).await;
    e.prop("textContent").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pack_shared_in_the_window_opens_in_the_reps_own_instance_blind_until_she_assesses() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-packs-").tempdir().unwrap();
    let call = fixture::speech_mp3(dir.path(), "Acme renewal", 10);
    let coach_lib = dir.path().join("coach.sqlite");
    let rep_dir = dir.path().join("rita");
    std::fs::create_dir(&rep_dir).unwrap();
    let rep_lib = rep_dir.join("library.sqlite");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();

    // The coach's library: a call of Rita's, a positive and an improvement note, reviewed.
    cli(&coach_lib, &["people", "add", "Carla", "--role", "coach"]);
    cli(&coach_lib, &["people", "default", "Carla"]);
    cli(&coach_lib, &["people", "add", "Rita", "--role", "rep"]);
    cli(&coach_lib, &["import", call.to_str().unwrap()]);
    cli(&coach_lib, &["set", "1", "--rep", "Rita"]);
    cli(&coach_lib, &["note", "add", "1", "--at", "0:02", "--kind", "positive", GOOD]);
    cli(
        &coach_lib,
        &["note", "add", "1", "--at", "0:05", "--kind", "improvement", DRAFT_FREE_IMPROVEMENT],
    );
    cli(&coach_lib, &["review", "1", "--focus", "discovery", "--summary", "Good start"]);

    // Carla shares the selected call with Rita from the library's toolbar.
    let coach = App::builder(&display, "packs-coach")
        .library(&coach_lib)
        .audio(&Audio::without_device())
        .env("GAMEFILM_TEST_SAVE_DIR", &exports)
        .start()
        .await;
    coach.wait_for(&testid("recording-row"), UI).await;
    click(&coach, "share").await;
    let person = coach.wait_for(&testid("share-person"), UI).await;
    coach.select(&person, "Rita", "share-person").await;
    let scope = coach.by_testid("share-scope-calls").await;
    assert_eq!(scope.prop("checked").await.unwrap().as_deref(), Some("true"), "the selected call");
    coach.screenshot(&artifacts_dir().join("share-dialog.png")).await;
    click(&coach, "share-save").await;
    let done = coach.wait_for(&testid("share-done"), PACK).await;
    let said = done.prop("textContent").await.unwrap().unwrap_or_default();
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(said.contains("Rita") && said.contains("1 call"), "{said}");
    let pack = std::fs::read_dir(&exports)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "gamefilm"))
        .expect("the pack in the save folder");
    assert!(text_of(&coach, "share-path").await.contains(pack.to_str().unwrap()));
    click(&coach, "share-close").await;

    // Rita's Gamefilm: another instance (another library file) while Carla's window is open.
    // Her library is new: the first screen asks who she is, or offers to open the pack.
    let rep = App::builder(&display, "packs-rep")
        .library(&rep_lib)
        .audio(&Audio::without_device())
        .person(None)
        .ready_css(&testid("person-form"))
        .env("GAMEFILM_TEST_OPEN", &pack)
        .start()
        .await;
    click(&rep, "open-pack-first").await;
    rep.wait_for(&testid("pack-result"), PACK).await;
    rep.screenshot(&artifacts_dir().join("pack-opened.png")).await;
    let became = text_of(&rep, "pack-became-default").await;
    assert!(became.contains("Rita"), "{became}");
    click(&rep, "pack-open-call").await;
    rep.wait_for(&format!("{} {}", testid("call-view"), testid("waveform")), UI).await;
    rep.wait_for(&testid("assess-panel"), UI).await;
    let who = rep.by_testid("person-select").await;
    assert_eq!(who.prop("value").await.unwrap().as_deref(), Some("Rita"));
    // The audio came with the pack; no coach note before her self-assessment, in any form.
    assert!(
        rep.client().find_all(Locator::Css(&testid("audio-missing"))).await.unwrap().is_empty(),
        "the pack carried the audio"
    );
    let page = rep.client().source().await.unwrap();
    assert!(!page.contains(GOOD), "a coach note reached the rep before her assessment");
    assert!(
        !page.contains(DRAFT_FREE_IMPROVEMENT),
        "a coach note reached the rep before her assessment"
    );

    // She assesses; the coach's notes are revealed, the positive one with its marker.
    let focus = rep.wait_for(&testid("assess-focus"), UI).await;
    rep.select(&focus, "listening", "assess-focus").await;
    let field = rep.by_testid("assess-text").await;
    rep.click(&field, "assess-text").await;
    rep.type_keys("I talked over them at the start").await;
    click(&rep, "assess-submit").await;
    rep.wait_until(
        async |c| {
            for item in c.find_all(Locator::Css(&testid("note-item"))).await? {
                let text = item.prop("textContent").await?.unwrap_or_default();
                if text.contains(GOOD)
                    && item.attr("data-kind").await?.as_deref() == Some("positive")
                {
                    let id = item.attr("data-id").await?.unwrap_or_default();
                    let css = format!(
                        r#"{}[data-kind="positive"][data-id="{id}"]"#,
                        testid("note-marker")
                    );
                    return Ok((!c.find_all(Locator::Css(&css)).await?.is_empty()).then_some(()));
                }
            }
            Ok(None)
        },
        UI,
        "the coach's positive note, revealed after the self-assessment",
    )
    .await;

    // The same pack again, dropped on her window (Carla's is closed: the drag finds the one
    // window named Gamefilm): nothing new.
    coach.close().await;
    click(&rep, "back-to-library").await;
    rep.wait_for(READY_CSS, UI).await;
    let drag = FileDrag::hover(&display, std::slice::from_ref(&pack)).await;
    rep.wait_for(&testid("drop-overlay"), UI).await;
    assert_eq!(drag.drop_files().await, "XdndActionCopy");
    rep.wait_for(&testid("pack-nothing-new"), PACK).await;
    click(&rep, "pack-open-call").await;
    rep.wait_for(&testid("assessment-panel"), UI).await;
    rep.close().await;

    // The rep's library holds the call and its audio beside it, under her name.
    let list = cli(&rep_lib, &["list"]);
    assert!(list.contains("Acme renewal") || list.contains("Rita"), "{list}");
    let audio: Vec<_> = std::fs::read_dir(rep_dir.join("audio")).unwrap().flatten().collect();
    assert_eq!(audio.len(), 1, "one audio file beside the rep's library");
}
