//! *Open with Gamefilm*: a recording passed on the app's command line (as a file manager passes
//! it through the desktop entry) is imported once and its call opens; a second launch on the
//! same library hands its file to the running window over the D-Bus session bus, and exits;
//! a launch on another library is another window.
//!
//! `GAMEFILM_APP_BIN` points these tests at an installed app (`make package-test` runs them on
//! the .deb's `/usr/bin/gamefilm-app`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gamefilm_e2e::{App, Audio, Display, READY_CSS, app_binary, fixture, gamefilm, testid};

/// A UI reaction (an IPC round trip and a render), with room for a loaded 2-core machine.
const UI: Duration = Duration::from_secs(20);
/// Importing a short file.
const IMPORT: Duration = Duration::from_secs(60);

/// How many recordings the library lists (its lines but the header).
fn recordings(library: &Path) -> usize {
    gamefilm(library, &["list"]).lines().skip(1).filter(|l| !l.trim().is_empty()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_on_the_command_line_is_imported_once_and_its_call_opens() {
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-launch-").tempdir().unwrap();
    let call = fixture::speech_mp3(dir.path(), "Acme renewal", 8);
    let library = dir.path().join("library.sqlite");
    let call_arg = call.to_str().unwrap();
    for attempt in ["first", "second"] {
        let app = App::builder(&display, &format!("launch-{attempt}"))
            .library(&library)
            .audio(&Audio::without_device())
            .args(&[call_arg])
            // The call may open before the library list has shown.
            .ready_css(&format!("{}, {}", READY_CSS, testid("call-view")))
            .start()
            .await;
        app.wait_for_call("Acme renewal", IMPORT).await;
        app.close().await;
        assert_eq!(recordings(&library), 1, "after the {attempt} launch: imported once");
    }
}

/// Runs [`second_launch_child`] under its own D-Bus session bus, as a desktop session has one.
#[test]
fn a_second_launch_hands_its_file_to_the_running_window() {
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "second_launch_child", "--nocapture", "--test-threads=1"])
        .env("GAMEFILM_E2E_DBUS_CHILD", "1")
        .output()
        .expect("dbus-run-session (package dbus-daemon) runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the test under dbus-run-session failed:\n{text}");
    assert!(text.contains("1 passed"), "the child test did not run:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by a_second_launch_hands_its_file_to_the_running_window, on its own session bus"]
async fn second_launch_child() {
    if std::env::var_os("GAMEFILM_E2E_DBUS_CHILD").is_none() {
        return;
    }
    assert!(std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(), "no session bus");
    let display = Display::start();
    let dir = tempfile::Builder::new().prefix("gamefilm-e2e-single-").tempdir().unwrap();
    let call = fixture::speech_mp3(dir.path(), "Globex discovery", 8);
    let library = dir.path().join("library.sqlite");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let app = App::builder(&display, "single-instance")
        .library(&library)
        .home(&home)
        .audio(&Audio::without_device())
        .start()
        .await;
    app.wait_for(&testid("first-run"), UI).await;

    // The same library: the second launch gives its file to the window and exits at once.
    let launch = |library: &Path| {
        Command::new(app_binary())
            .arg("--library")
            .arg(library)
            .arg(&call)
            .env("DISPLAY", display.name())
            .env("HOME", &home)
            .env_remove("GAMEFILM_LIBRARY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts")
    };
    let mut second = launch(&library);
    let deadline = Instant::now() + UI;
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("a second launch on the same library opened a second window");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the second launch failed: {status}");
    app.wait_for_call("Globex discovery", IMPORT).await;
    assert_eq!(recordings(&library), 1);

    // Another library: another instance, which keeps running.
    let mut other = launch(&dir.path().join("other.sqlite"));
    std::thread::sleep(Duration::from_secs(5));
    let still_running = other.try_wait().unwrap().is_none();
    let _ = other.kill();
    let _ = other.wait();
    assert!(still_running, "a launch on another library was handed to this one's window");
    app.close().await;
}
