//! Search that lands on the moment, in the real window: typing the start of a word lists the
//! matching notes beside the calls (the word marked); Enter on one opens its call with the
//! playhead at the note's time minus the lead-in. A note kind alone lists notes too. The
//! speed, the lead-in and the list's filters are there again after a restart.

use std::time::Duration;

use gamefilm_e2e::{
    App, Audio, Client, CmdError, Display, Key, Locator, artifacts_dir, fixture, gamefilm, testid,
};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);

/// The moments listed: (recording id, start ms, text). The list re-renders as results arrive:
/// a stale element is an error `wait_until` retries.
async fn moments(c: &Client) -> Result<Vec<(String, String, String)>, CmdError> {
    let mut out = Vec::new();
    for m in c.find_all(Locator::Css(&testid("search-moment"))).await? {
        out.push((
            m.attr("data-recording-id").await?.unwrap_or_default(),
            m.attr("data-start-ms").await?.unwrap_or_default(),
            m.prop("textContent").await?.unwrap_or_default(),
        ));
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_part_of_a_word_lists_the_moments_and_enter_plays_one_from_its_lead_in() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-search-").tempdir().unwrap();
    let library = dir.path().join("library.sqlite");
    let a = fixture::speech_mp3(dir.path(), "Acme renewal", 12);
    let b = fixture::speech_mp3(dir.path(), "Bolt intro", 8);
    gamefilm(&library, &["people", "add", "Coach", "--role", "coach"]);
    gamefilm(&library, &["people", "default", "Coach"]);
    gamefilm(&library, &["import", a.to_str().unwrap()]);
    gamefilm(&library, &["import", b.to_str().unwrap()]);
    gamefilm(
        &library,
        &["note", "add", "1", "--at", "0:07", "--kind", "improvement", "Jumped to pricing early"],
    );
    gamefilm(&library, &["note", "add", "2", "--at", "0:02", "--kind", "positive", "Warm opener"]);
    gamefilm(
        &library,
        &["note", "add", "2", "--at", "0:05", "--kind", "positive", "Priced the pilot clearly"],
    );

    let app = App::builder(&display, "search")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;
    let search = app.wait_for(&testid("search-input"), UI).await;
    app.click(&search, "search-input").await;
    app.type_keys("pric").await;
    let found = app
        .wait_until(
            async |c| {
                let m = moments(c).await?;
                Ok((m.len() == 2).then_some(m))
            },
            UI,
            "two moments for \"pric\"",
        )
        .await;
    assert!(
        found.iter().any(|(id, at, text)| id == "1"
            && at == "7000"
            && text.contains("Jumped to pricing early")),
        "{found:?}"
    );
    assert!(found.iter().any(|(id, at, _)| id == "2" && at == "5000"), "{found:?}");
    app.screenshot(&artifacts_dir().join("search-moments.png")).await;
    let marks: Vec<String> = {
        let mut v = Vec::new();
        for m in app
            .client()
            .find_all(Locator::Css(&format!("{} mark", testid("search-moments"))))
            .await
            .unwrap()
        {
            v.push(m.prop("textContent").await.unwrap().unwrap_or_default());
        }
        v
    };
    assert!(
        marks.contains(&"pricing".to_string()) && marks.contains(&"Priced".to_string()),
        "{marks:?}"
    );

    // Enter on the pricing moment: its call opens, the playhead 3 s before the note.
    let moment =
        app.wait_for(&format!(r#"{}[data-start-ms="7000"]"#, testid("search-moment")), UI).await;
    app.client()
        .execute("arguments[0].focus();", vec![serde_json::to_value(&moment).unwrap()])
        .await
        .unwrap();
    app.type_keys(&Key::Enter.to_string()).await;
    let at = app
        .wait_until(
            async |c| {
                let Some(view) = c.find_all(Locator::Css(&testid("call-view"))).await?.pop() else {
                    return Ok(None);
                };
                let title = c.find(Locator::Css(&format!("{} h1", testid("call-view")))).await?;
                if title.prop("textContent").await?.unwrap_or_default().trim() != "Acme renewal" {
                    return Ok(None);
                }
                Ok(view.attr("data-position-ms").await?.and_then(|v| v.parse::<i64>().ok()))
            },
            UI,
            "the Acme call open at the moment",
        )
        .await;
    assert_eq!(at, 4000, "the note's time (7 s) minus the 3 s lead-in");
    // How she listens stays: 2× and a 5 s lead-in, kept in the library for the next call and
    // the next start.
    let speed = app.by_testid("speed").await;
    app.select(&speed, "2", "speed").await;
    let lead = app.by_testid("lead-in").await;
    app.select(&lead, "5000", "lead-in").await;

    // Back: the search is still there; a kind alone lists notes of that kind.
    let back = app.by_testid("back-to-library").await;
    app.click(&back, "back-to-library").await;
    let search = app.wait_for(&testid("search-input"), UI).await;
    app.client()
        .execute(
            "const e = arguments[0]; e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&search).unwrap()],
        )
        .await
        .unwrap();
    let kind = app.wait_for(r#"select[aria-label="Note kind"]"#, UI).await;
    app.select(&kind, "positive", "note kind").await;
    let positives = app
        .wait_until(
            async |c| {
                let m = moments(c).await?;
                Ok((m.len() == 2 && m.iter().all(|(id, _, _)| id == "2")).then_some(m))
            },
            UI,
            "the two positive notes, with no word typed",
        )
        .await;
    assert!(positives.iter().any(|(_, _, t)| t.contains("Warm opener")), "{positives:?}");
    // Saved a moment after the last change; then a restart finds the list and the player as
    // they were left.
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.close().await;
    let app = App::builder(&display, "search-again")
        .library(&library)
        .audio(&Audio::without_device())
        .start()
        .await;
    let kind = app.wait_for(r#"select[aria-label="Note kind"]"#, UI).await;
    assert_eq!(kind.prop("value").await.unwrap().as_deref(), Some("positive"));
    let moment =
        app.wait_for(&format!(r#"{}[data-start-ms="5000"]"#, testid("search-moment")), UI).await;
    app.click(&moment, "the 0:05 moment").await;
    let at = app
        .wait_until(
            async |c| {
                let Some(view) = c.find_all(Locator::Css(&testid("call-view"))).await?.pop() else {
                    return Ok(None);
                };
                let speed = c.find(Locator::Css(&testid("speed"))).await?.prop("value").await?;
                Ok(view
                    .attr("data-position-ms")
                    .await?
                    .and_then(|v| v.parse::<i64>().ok())
                    .filter(|_| speed.as_deref() == Some("2")))
            },
            UI,
            "the call at 2× with the moment open",
        )
        .await;
    assert_eq!(at, 0, "5 s minus the 5 s lead-in kept from the last start");
    let lead = app.by_testid("lead-in").await;
    assert_eq!(lead.prop("value").await.unwrap().as_deref(), Some("5000"));
    app.close().await;
}
