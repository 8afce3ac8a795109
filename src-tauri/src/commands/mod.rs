//! Tauri commands: each validates its arguments, calls one core function off the UI thread
//! (through [`crate::state::LibraryService::run`] or `write`) and returns its result; errors
//! are the core's, coded. Names are `<area>_<verb>`.

pub mod coaching;
pub mod import;
pub mod insights;
pub mod library;
pub mod notes;
pub mod packs;
pub mod player;
pub mod reels;
pub mod team;

/// The native dialogs can be bypassed in debug builds, for the window tests: WebDriver cannot
/// click a GTK file chooser (PLATFORM-NOTES.md). Release builds always ask.
#[cfg(debug_assertions)]
pub(crate) fn test_hook(var: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(var)
}

#[cfg(not(debug_assertions))]
pub(crate) fn test_hook(_var: &str) -> Option<std::ffi::OsString> {
    None
}
