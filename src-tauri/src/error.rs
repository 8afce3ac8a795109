//! The shell's one error type. It crosses IPC as `{ code, message }`: `code` is stable
//! (`library.too_new`, `player.no_device`, …) so the UI can branch on it; `message` is the core
//! error's own text, written for the user.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError { code: code.to_string(), message: message.into() }
    }

    pub fn invalid(field: &str, reason: impl std::fmt::Display) -> Self {
        AppError::new("app.invalid", format!("{field}: {reason}"))
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

macro_rules! coded {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                AppError::new(e.code(), e.to_string())
            }
        }
    )*};
}

coded!(
    gamefilm::library::LibraryError,
    gamefilm::audio::player::PlayerError,
    gamefilm::import::ImportError
);

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        AppError::new("app.internal", e.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
