//! The harness for Gamefilm's end-to-end tests: the real app in a real window, under a private
//! Xvfb, driven through tauri-driver and WebKitWebDriver, with its audio captured at real-time
//! pace through ALSA's `file` plugin.
//!
//! - [`Display`]: one Xvfb per test; the display number comes from Xvfb (`-displayfd`).
//! - [`Audio`]: an ALSA configuration for the app, either a paced capture or no device at all.
//! - [`App`]: tauri-driver plus a WebDriver session on the app binary, with waits that fail with
//!   the page's state, a screenshot and the app's log.
//! - [`FileDrag`]: files dragged onto the window from another X client (XDND), then dropped.
//! - [`fixture`]: test recordings made from synthetic speech.
//!
//! This crate depends on neither the app nor the core, so that building it never changes the
//! features of the Tauri build; it finds the app binary on disk instead ([`app_binary`]).

mod app;
mod audio;
mod display;
mod drag;
pub mod fixture;
mod process;

use std::path::{Path, PathBuf};

pub use app::{App, AppBuilder, READY_CSS};
pub use audio::{Audio, BYTES_PER_SECOND, Captured, RATE};
pub use display::Display;
pub use drag::FileDrag;
pub use fantoccini::{Client, Locator, elements::Element, error::CmdError, key::Key};
pub use process::live_group_members;

/// The CSS selector for `data-testid="id"`.
pub fn testid(id: &str) -> String {
    format!(r#"[data-testid="{id}"]"#)
}

/// The workspace root (this crate lives in `tests/e2e`).
pub fn workspace_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace) or `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => workspace_dir().join(dir),
        None => workspace_dir().join("target"),
    }
}

/// Where screenshots go: `<target>/e2e`.
pub fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e")
}

/// The app under test: `GAMEFILM_APP_BIN`, else `<target>/debug/gamefilm-app`. Panics when it
/// does not exist: a window test that skips itself silently proves nothing.
pub fn app_binary() -> PathBuf {
    let path = match std::env::var_os("GAMEFILM_APP_BIN").filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => target_dir().join("debug/gamefilm-app"),
    };
    assert!(
        path.is_file(),
        "the app binary {} does not exist: run `cargo build -p gamefilm-app` first \
         (or point GAMEFILM_APP_BIN at a build of it)",
        path.display()
    );
    std::path::absolute(&path).unwrap_or(path)
}

/// The `gamefilm` CLI, for preparing libraries: `GAMEFILM_CLI_BIN`, else `<target>/debug/gamefilm`
/// (built by `cargo build --bin gamefilm`, and by `cargo test --workspace`).
pub fn cli_binary() -> PathBuf {
    let path = match std::env::var_os("GAMEFILM_CLI_BIN").filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => target_dir().join("debug/gamefilm"),
    };
    assert!(
        path.is_file(),
        "the CLI {} does not exist: run `cargo build --bin gamefilm` first (or set GAMEFILM_CLI_BIN)",
        path.display()
    );
    std::path::absolute(&path).unwrap_or(path)
}

/// Runs the CLI on `library` with `args`; panics with its error output when it fails.
pub fn gamefilm<S: AsRef<std::ffi::OsStr>>(library: &Path, args: &[S]) -> String {
    let out = std::process::Command::new(cli_binary())
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .expect("the gamefilm CLI runs");
    assert!(
        out.status.success(),
        "gamefilm {:?} failed: {}",
        args.iter().map(|a| a.as_ref().to_string_lossy()).collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
