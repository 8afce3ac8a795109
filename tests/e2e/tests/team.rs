//! The team library in the real window: a coach joins a throwaway PostgreSQL server with the
//! administrator's login and gives Dana a login (CLI); Dana's app, joined with it, lists her call
//! from the team, fetches its audio on first open, shows the team's status in *Team…*, and a note
//! she writes reaches the coach's machine without her syncing by hand (the background worker).

#[path = "../../common/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::process::Command;
use std::time::Duration;

use gamefilm_e2e::{App, Audio, Display, Key, Locator, artifacts_dir, gamefilm, testid};

const UI: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_works_on_a_call_that_came_from_the_team() {
    let server = pg::PgCluster::start();
    let mut admin = postgres_admin(&server);
    admin.batch_execute("CREATE DATABASE team").unwrap();
    drop(admin);
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-team-").tempdir().unwrap();

    // The coach's machine: one call of Dana's, joined to the team.
    let coach = dir.path().join("coach").join("library.sqlite");
    std::fs::create_dir_all(coach.parent().unwrap()).unwrap();
    gamefilm(&coach, &["people", "add", "Coach", "--role", "coach", "--default"]);
    let call = dir.path().join("Team call.wav");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=45"])
        .arg(&call)
        .status()
        .expect("ffmpeg");
    assert!(made.success());
    gamefilm(&coach, &["import", call.to_str().unwrap()]);
    gamefilm(&coach, &["set", "1", "--rep", "Dana"]);
    gamefilm(&coach, &["team", "connect", &server.url(pg::ADMIN, pg::ADMIN_PASSWORD, "team")]);
    let login: serde_json::Value = serde_json::from_str(&gamefilm(
        &coach,
        &["team", "add-person", "Dana", "--role", "rep", "--json"],
    ))
    .unwrap();
    let dana_url = login["url"].as_str().unwrap();

    // Dana's machine: joined, nothing else.
    let dana = dir.path().join("dana").join("library.sqlite");
    std::fs::create_dir_all(dana.parent().unwrap()).unwrap();
    gamefilm(&dana, &["team", "connect", dana_url]);
    let app =
        App::builder(&display, "team").library(&dana).audio(&Audio::without_device()).start().await;

    // Team…: connected, nothing waiting.
    let team = app.wait_for(&testid("team"), UI).await;
    app.click(&team, "team").await;
    app.wait_until(
        async |c| {
            let t = c.find(Locator::Css(&testid("team-connected"))).await?;
            Ok((t.prop("textContent").await?.as_deref() == Some("connected")).then_some(()))
        },
        UI,
        "the team dialog to say connected",
    )
    .await;
    // No desktop keyring here (no session bus): the dialog says the password is in the file.
    let kept = app.wait_for(&testid("team-credentials"), UI).await;
    let said = kept.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(said.contains("in a file beside the library"), "{said}");
    app.screenshot(&artifacts_dir().join("team-dialog.png")).await;
    app.type_keys(&Key::Escape.to_string()).await;

    // Her call, from the team; its audio fetched as it opens.
    let row = app.wait_for(&testid("recording-row"), UI).await;
    app.double_click(&row).await;
    app.wait_for_call("Team call", UI).await;
    let fetched = dana.parent().unwrap().join("audio");
    app.wait_until(
        async |c| {
            let here = std::fs::read_dir(&fetched).map(|d| d.count()).unwrap_or(0) == 1;
            let notice = c.find_all(Locator::Css(&testid("audio-missing"))).await?;
            Ok((here && notice.is_empty()).then_some(()))
        },
        UI,
        "the call's audio fetched from the team, and no missing-audio notice",
    )
    .await;
    let got = std::fs::read_dir(&fetched).unwrap().next().unwrap().unwrap().path();
    assert_eq!(std::fs::read(&got).unwrap(), std::fs::read(&call).unwrap());

    // A note of hers reaches the coach's machine by itself.
    app.type_keys("p").await;
    app.wait_until(
        async |c| {
            let active = c.active_element().await?;
            Ok((active.attr("data-testid").await?.as_deref() == Some("note-text")).then_some(()))
        },
        UI,
        "the note's text field",
    )
    .await;
    app.type_keys("Opened with a question").await;
    app.type_keys(&Key::Enter.to_string()).await;
    let until = std::time::Instant::now() + UI;
    loop {
        gamefilm(&coach, &["team", "sync"]);
        let shown = gamefilm(&coach, &["show", "1", "--json"]);
        if shown.contains("Opened with a question") {
            break;
        }
        assert!(std::time::Instant::now() < until, "Dana's note never reached the coach: {shown}");
        std::thread::sleep(Duration::from_millis(300));
    }
    app.close().await;
}

fn postgres_admin(server: &pg::PgCluster) -> Admin {
    Admin { url: server.admin_url() }
}

/// The administrator, through psql (the e2e crate has no PostgreSQL client of its own).
struct Admin {
    url: String,
}

impl Admin {
    fn batch_execute(&mut self, sql: &str) -> Result<(), String> {
        let out = Command::new("psql")
            .arg(&self.url)
            .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into()) }
    }
}
