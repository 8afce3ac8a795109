//! Tauri commands: each parses its arguments, calls one core function off the UI thread and
//! maps the error. Names are `<area>_<verb>`.

pub mod import;
pub mod library;
pub mod notes;
pub mod player;
pub mod reels;

use crate::error::{AppError, AppResult};

/// Runs blocking core work on Tauri's blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::new("app.internal", format!("background work failed: {e}")))?
}
