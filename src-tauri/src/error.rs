//! The shell's one error type is the core's [`AppError`]: `{ code, message }` with a code from
//! the one [`gamefilm::error::ErrorCode`] enum, so the UI branches on generated names. The
//! shell's own refusals (no call open, an argument out of range, a job already running) take
//! their codes from the same enum.

pub use gamefilm::error::AppError;

pub type AppResult<T> = Result<T, AppError>;

/// What a failure of Tauri itself (a window, a thread of its pool) looks like to the UI.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("Gamefilm failed internally: {e}"))
}

#[cfg(test)]
mod tests {
    //! The JSON of one error of each kind, pinned: the UI and scripts read exactly this.
    use std::path::PathBuf;

    use gamefilm::audio::AudioError;
    use gamefilm::audio::player::PlayerError;
    use gamefilm::error::ErrorCode;
    use gamefilm::import::ImportError;
    use gamefilm::jobs::Slot;
    use gamefilm::library::LibraryError;
    use gamefilm::reel::ReelError;

    use super::*;

    fn json(e: impl Into<AppError>) -> String {
        serde_json::to_string(&e.into()).unwrap()
    }

    #[test]
    fn errors_cross_ipc_as_code_and_message() {
        let path = PathBuf::from("/calls/a.wav");
        assert_eq!(
            json(LibraryError::TooNew { path: path.clone(), found: 9, supported: 4 }),
            r#"{"code":"library.too_new","message":"the library /calls/a.wav was written by a newer Gamefilm (schema version 9; this version understands up to 4); it was left untouched: update Gamefilm to open it"}"#
        );
        assert_eq!(
            json(AudioError::UnsupportedCodec { path: path.clone(), codec: "opus".into() }),
            r#"{"code":"audio.unsupported_codec","message":"/calls/a.wav: unsupported codec opus, which Gamefilm cannot decode yet; convert it to MP3, M4A or WAV"}"#
        );
        assert_eq!(
            json(PlayerError::NoDevice { reason: "no card".into() }),
            r#"{"code":"player.no_device","message":"no audio output device (no card); Gamefilm can still show and annotate calls"}"#
        );
        assert_eq!(
            json(ImportError::ChangedOnDisk { path: path.clone(), id: 3 }),
            r#"{"code":"import.changed_on_disk","message":"/calls/a.wav: this path is already in the library as recording 3, but its content has changed since; remove that recording first to import the new content"}"#
        );
        assert_eq!(
            json(ReelError::Cancelled),
            r#"{"code":"reel.cancelled","message":"the render was cancelled; nothing was written"}"#
        );
        let slot = Slot::new(ErrorCode::ReelBusy, "a reel export");
        let _running = slot.start().unwrap();
        assert_eq!(
            json(slot.start().err().unwrap()),
            r#"{"code":"reel.busy","message":"a reel export is already running: wait for it to finish or cancel it"}"#
        );
        assert_eq!(
            json(AppError::new(ErrorCode::PlayerClosed, "no call is open in the player")),
            r#"{"code":"player.closed","message":"no call is open in the player"}"#
        );
        assert_eq!(
            json(AppError::invalid("outDir", "choose a folder to export to")),
            r#"{"code":"app.invalid","message":"outDir: choose a folder to export to"}"#
        );
        assert_eq!(
            json(internal("a thread panicked")),
            r#"{"code":"app.internal","message":"Gamefilm failed internally: a thread panicked"}"#
        );
    }
}
