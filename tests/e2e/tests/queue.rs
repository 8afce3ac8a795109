//! The review queue in the real window: from a call opened in the list, *Mark reviewed and next*
//! lands on the next call of the list as it stands (under "Unreviewed only" the reviewed call
//! leaves it and the next one moves up), and J / K step forward and back.

use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Locator, fixture, gamefilm, testid};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_reviewed_and_next_walks_the_list_in_its_order_and_filters() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-queue-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    gamefilm(&library, &["people", "add", "Coach", "--role", "coach"]);
    gamefilm(&library, &["people", "default", "Coach"]);
    for (i, name) in ["Alpha", "Bravo", "Charlie"].iter().enumerate() {
        // Different lengths: the same length would be the same file, imported once.
        let call = fixture::speech_mp3(dir.path(), &format!("call {name}"), 5 + i as u32);
        gamefilm(&library, &["import", call.to_str().unwrap()]);
        gamefilm(&library, &["set", &(i + 1).to_string(), "--counterpart", name]);
    }
    let app = App::builder(&display, "queue")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;

    // The list as shown, under "Unreviewed only": its order is the queue's.
    let unreviewed = app.wait_for(&testid("unreviewed-only"), UI).await;
    app.click(&unreviewed, "unreviewed-only").await;
    let order: Vec<String> = app
        .wait_until(
            async |c| {
                let mut names = Vec::new();
                for row in c.find_all(Locator::Css(&testid("recording-row"))).await? {
                    let text = row.prop("textContent").await?.unwrap_or_default();
                    if let Some(n) =
                        ["Alpha", "Bravo", "Charlie"].iter().find(|n| text.contains(*n))
                    {
                        names.push(n.to_string());
                    }
                }
                Ok((names.len() == 3).then_some(names))
            },
            UI,
            "three calls in the list",
        )
        .await;
    let row = app.wait_for(&testid("recording-row"), UI).await;
    app.double_click(&row).await;
    app.wait_for_call(&order[0], UI).await;

    // Reviewed, and on to the next: the second of the list.
    let focus = app.wait_for(&testid("review-focus"), UI).await;
    app.select(&focus, "discovery", "review-focus").await;
    let next = app.by_testid("review-mark-next").await;
    app.click(&next, "review-mark-next").await;
    app.wait_for_call(&order[1], UI).await;

    // J and K: the third, and back.
    app.type_keys("j").await;
    app.wait_for_call(&order[2], UI).await;
    app.type_keys("k").await;
    app.wait_for_call(&order[1], UI).await;
    let reviewed = gamefilm(&library, &["list", "--unreviewed"]);
    assert!(!reviewed.contains(&order[0]) && reviewed.contains(&order[1]), "{reviewed}");
    app.close().await;
}
