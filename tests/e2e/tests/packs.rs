//! Review packs in the real window: the coach shares a reviewed call with a rep through
//! *Share…*; the rep opens the pack in another instance of the app, on her own (fresh) library
//! file, while the coach's window is still open. Her library becomes hers, the call and its
//! audio arrive, no coach note shows before her self-assessment, and after it the coach's
//! positive note does. Dropping the same pack on her window again changes nothing; a pack
//! without audio brings a call that says its audio is not here, until *Locate…* finds it.

use std::time::Duration;

use gamefilm_e2e::{
    App, Audio, Display, FileDrag, Locator, READY_CSS, artifacts_dir, fixture, gamefilm, testid,
};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// Writing or merging a pack with a short call's audio.
const PACK: Duration = Duration::from_secs(60);

const GOOD: &str = "Lovely open question about their renewal";
const DRAFT_FREE_IMPROVEMENT: &str = "Pitched the bundle before asking about budget";

async fn click(app: &App, id: &str) {
    let e = app.wait_for(&testid(id), UI).await;
    app.click(&e, id).await;
}

async fn text_of(app: &App, id: &str) -> String {
    let e = app.wait_for(&testid(id), UI).await;
    e.prop("textContent").await.unwrap().unwrap_or_default()
}

/// Goes back to the library and drops `file` on the window (the only one named Gamefilm).
async fn drop_from_the_library(app: &App, display: &Display, file: &std::path::Path) {
    click(app, "back-to-library").await;
    app.wait_for(READY_CSS, UI).await;
    let drag = FileDrag::hover(display, &[file.to_path_buf()]).await;
    app.wait_for(&testid("drop-overlay"), UI).await;
    assert_eq!(drag.drop_files().await, "XdndActionCopy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pack_shared_in_the_window_opens_in_the_reps_own_instance_blind_until_she_assesses() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-packs-").tempdir().unwrap();
    let call = fixture::speech_mp3(dir.path(), "Acme renewal", 10);
    let second = fixture::speech_mp3(dir.path(), "Bolt intro", 6);
    let coach_lib = dir.path().join("coach.sqlite");
    let rep_dir = dir.path().join("rita");
    std::fs::create_dir(&rep_dir).unwrap();
    let rep_lib = rep_dir.join("library.sqlite");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();

    // The coach's library: a call of Rita's, a positive and an improvement note, reviewed.
    gamefilm(&coach_lib, &["people", "add", "Carla", "--role", "coach"]);
    gamefilm(&coach_lib, &["people", "default", "Carla"]);
    gamefilm(&coach_lib, &["people", "add", "Rita", "--role", "rep"]);
    gamefilm(&coach_lib, &["import", call.to_str().unwrap()]);
    gamefilm(&coach_lib, &["set", "1", "--rep", "Rita"]);
    gamefilm(&coach_lib, &["note", "add", "1", "--at", "0:02", "--kind", "positive", GOOD]);
    gamefilm(
        &coach_lib,
        &["note", "add", "1", "--at", "0:05", "--kind", "improvement", DRAFT_FREE_IMPROVEMENT],
    );
    gamefilm(&coach_lib, &["review", "1", "--focus", "discovery", "--summary", "Good start"]);

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
        // What the file dialogs answer: the pack (Open pack…), the recording (Locate…).
        .env("GAMEFILM_TEST_OPEN", std::env::join_paths([&pack, &second]).unwrap())
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
    drop_from_the_library(&rep, &display, &pack).await;
    rep.wait_for(&testid("pack-nothing-new"), PACK).await;
    click(&rep, "pack-open-call").await;
    rep.wait_for(&testid("assessment-panel"), UI).await;

    // A pack without audio: the call arrives with its waveform, says its audio is not on this
    // machine, and Locate… takes the recording.
    gamefilm(&coach_lib, &["import", second.to_str().unwrap()]);
    gamefilm(&coach_lib, &["set", "2", "--rep", "Rita"]);
    let light = dir.path().join("light.gamefilm");
    let (light_s, second_id) = (light.to_str().unwrap(), "2");
    gamefilm(
        &coach_lib,
        &[
            "pack",
            "export",
            "--for",
            "Rita",
            "--calls",
            second_id,
            "--without-audio",
            "--out",
            light_s,
        ],
    );
    drop_from_the_library(&rep, &display, &light).await;
    rep.wait_for(&testid("pack-without-audio"), PACK).await;
    click(&rep, "pack-open-call").await;
    rep.wait_for(&format!("{} {}", testid("call-view"), testid("waveform")), UI).await;
    let missing = text_of(&rep, "audio-missing").await;
    assert!(missing.contains("not on this machine"), "{missing}");
    rep.screenshot(&artifacts_dir().join("audio-missing.png")).await;
    click(&rep, "locate-audio").await;
    rep.wait_until(
        async |c| {
            Ok(c.find_all(Locator::Css(&testid("audio-missing"))).await?.is_empty().then_some(()))
        },
        UI,
        "the audio-missing notice to go once the recording is located",
    )
    .await;
    rep.close().await;

    // The rep's library holds both calls: the first with its audio beside it, the second at
    // the file Locate… found.
    let list = gamefilm(&rep_lib, &["list"]);
    assert!(list.contains("Acme renewal") && list.contains("Bolt intro"), "{list}");
    let shown = gamefilm(&rep_lib, &["show", "2"]);
    assert!(shown.contains(second.to_str().unwrap()), "{shown}");
    let audio: Vec<_> = std::fs::read_dir(rep_dir.join("audio")).unwrap().flatten().collect();
    assert_eq!(audio.len(), 1, "one audio file beside the rep's library");
}
