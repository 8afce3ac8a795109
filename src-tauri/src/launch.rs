//! How the app was started: the library (`--library PATH`, like the CLI's) and the recordings
//! to open (*Open with Gamefilm* passes them as arguments), both for this process and for a
//! second launch that the single-instance plugin hands to the running window.
//!
//! One window per library: the instance id includes the library file, so another library is
//! another instance, and a second launch on the same library gives its files to the window that
//! has it open (then exits).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tauri::{AppHandle, Emitter, Manager};

/// The Tauri event (no payload) that says files are waiting in [`PendingOpens`]: a second launch
/// brought them.
pub const OPEN_FILES: &str = "open-files";

/// A command line, read.
#[derive(Debug, Default, PartialEq)]
pub struct Launch {
    pub library: Option<PathBuf>,
    /// Files to open, made absolute against the launch's working directory.
    pub files: Vec<PathBuf>,
}

impl Launch {
    /// Reads `args` (without the program name). Options other than `--library` are the
    /// toolkit's or a driver's and are skipped; everything else is a file.
    pub fn parse(args: impl IntoIterator<Item = OsString>, cwd: &Path) -> Launch {
        let mut launch = Launch::default();
        let mut args = args.into_iter();
        let mut options = true;
        while let Some(a) = args.next() {
            let text = a.to_string_lossy();
            if options && text == "--" {
                options = false;
            } else if options && text == "--library" {
                launch.library = args.next().map(|p| cwd.join(p));
            } else if let Some(p) = text.strip_prefix("--library=").filter(|_| options) {
                launch.library = Some(cwd.join(p));
            } else if options && text.starts_with('-') {
                continue;
            } else {
                launch.files.push(cwd.join(a));
            }
        }
        launch
    }

    /// This process's own command line.
    pub fn current() -> Launch {
        let cwd = std::env::current_dir().unwrap_or_default();
        Launch::parse(std::env::args_os().skip(1), &cwd)
    }
}

/// The D-Bus name of the instance that has `library` open: the app's identifier and a hash of
/// the library file's absolute path (name elements allow letters, digits and `_` only).
pub fn instance_id(identifier: &str, library: &Path) -> String {
    let absolute = std::path::absolute(library).unwrap_or_else(|_| library.to_path_buf());
    let hash = blake3::hash(absolute.as_os_str().as_encoded_bytes());
    format!("{identifier}.library_{}", &hash.to_hex()[..16])
}

/// Files waiting for the window to take them: the first launch's (before the UI is up) and
/// every later launch's. One queue, so a second launch that arrives before the UI listens is
/// not lost: the UI takes the queue when it starts and whenever [`OPEN_FILES`] says so.
#[derive(Clone, Default)]
pub struct PendingOpens(Arc<Mutex<Vec<String>>>);

impl PendingOpens {
    pub fn new(files: &[PathBuf]) -> PendingOpens {
        let pending = PendingOpens::default();
        pending.push(files);
        pending
    }

    fn push(&self, files: &[PathBuf]) {
        let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        queue.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    }

    /// The waiting files, once.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// What the running window does with a second launch on its library: brings itself forward
/// and, if files came with it, queues them and tells the UI to take them.
pub fn second_launch(app: &AppHandle, argv: Vec<String>, cwd: String) {
    let launch = Launch::parse(argv.into_iter().skip(1).map(OsString::from), Path::new(&cwd));
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if !launch.files.is_empty() {
        app.state::<PendingOpens>().push(&launch.files);
        let _ = app.emit(OPEN_FILES, ());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Launch {
        Launch::parse(args.iter().map(OsString::from), Path::new("/home/coach"))
    }

    #[test]
    fn files_are_made_absolute_and_options_skipped() {
        assert_eq!(
            parse(&["--library", "lib.sqlite", "calls/a.mp3", "--sync", "/tmp/b.wav"]),
            Launch {
                library: Some("/home/coach/lib.sqlite".into()),
                files: vec!["/home/coach/calls/a.mp3".into(), "/tmp/b.wav".into()],
            }
        );
        assert_eq!(parse(&["--library=/l.sqlite"]).library, Some("/l.sqlite".into()));
        assert_eq!(parse(&["--", "-odd.wav"]).files, vec![PathBuf::from("/home/coach/-odd.wav")]);
        assert_eq!(parse(&[]), Launch::default());
    }

    #[test]
    fn each_library_is_its_own_instance() {
        let a = instance_id("app.gamefilm.desktop", Path::new("/home/coach/a.sqlite"));
        let b = instance_id("app.gamefilm.desktop", Path::new("/home/coach/b.sqlite"));
        assert_ne!(a, b);
        assert_eq!(a, instance_id("app.gamefilm.desktop", Path::new("/home/coach/a.sqlite")));
        assert!(a.starts_with("app.gamefilm.desktop.library_"));
        assert!(a.split('.').all(|e| !e.is_empty()
            && !e.starts_with(|c: char| c.is_ascii_digit())
            && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')));
    }
}
