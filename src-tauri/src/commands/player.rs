use std::path::PathBuf;
use std::sync::mpsc;

use gamefilm::audio::player::{ChannelMode, Player, PlayerEvent, PlayerOptions};
use gamefilm::library::recordings;
use tauri::State;
use tauri::ipc::Channel;

use super::blocking;
use crate::dto::PlayerInfo;
use crate::error::{AppError, AppResult};
use crate::state::{LibraryService, PlayerService};

/// Opens a call in the player, paused at `from_ms` (and ending at `to_ms`, for a reel's clip).
/// Positions (30 Hz while playing), the end and failures arrive on `on_event`. The previous
/// player is closed first: one device stream at a time.
#[tauri::command]
pub async fn player_open(
    lib: State<'_, LibraryService>,
    player: State<'_, PlayerService>,
    recording_id: i64,
    from_ms: i64,
    to_ms: Option<i64>,
    on_event: Channel<PlayerEvent>,
) -> AppResult<PlayerInfo> {
    let (lib, player) = (lib.inner().clone(), player.inner().clone());
    blocking(move || {
        player.set(None)?;
        let rec = lib.with(|l| recordings::get(l.conn(), recording_id))?;
        let from_ms = from_ms.clamp(0, rec.duration_ms);
        let (tx, rx) = mpsc::channel();
        let to_ms = to_ms.map(|t| t.clamp(from_ms + 1, rec.duration_ms.max(from_ms + 1)));
        let opts = PlayerOptions { from_ms, to_ms, start_paused: true, ..Default::default() };
        let p = Player::open(&PathBuf::from(&rec.path), opts, Some(tx))?;
        // Ends when the player thread drops its sender.
        std::thread::Builder::new()
            .name("gamefilm-player-events".into())
            .spawn(move || {
                for event in rx {
                    if on_event.send(event).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| AppError::new("app.internal", format!("cannot start a thread: {e}")))?;
        let device = p.device();
        let info = PlayerInfo {
            duration_ms: p.duration_ms(),
            device_rate: device.sample_rate,
            device_channels: device.channels as u32,
        };
        player.set(Some(p))?;
        Ok(info)
    })
    .await
}

#[tauri::command]
pub async fn player_play(player: State<'_, PlayerService>) -> AppResult<()> {
    player.with(|p| p.play())
}

#[tauri::command]
pub async fn player_pause(player: State<'_, PlayerService>) -> AppResult<()> {
    player.with(|p| p.pause())
}

/// Returns once no audio from before the seek can play.
#[tauri::command]
pub async fn player_seek(player: State<'_, PlayerService>, ms: i64) -> AppResult<()> {
    let player = player.inner().clone();
    blocking(move || player.with(|p| p.seek(ms))).await
}

#[tauri::command]
pub async fn player_set_speed(player: State<'_, PlayerService>, speed: f64) -> AppResult<()> {
    player.with(|p| p.set_speed(speed))
}

#[tauri::command]
pub async fn player_set_skip_silence(player: State<'_, PlayerService>, on: bool) -> AppResult<()> {
    player.with(|p| p.set_skip_silence(on))
}

#[tauri::command]
pub async fn player_set_channel(
    player: State<'_, PlayerService>,
    mode: ChannelMode,
) -> AppResult<()> {
    player.with(|p| p.set_channel(mode))
}

#[tauri::command]
pub async fn player_close(player: State<'_, PlayerService>) -> AppResult<()> {
    let player = player.inner().clone();
    blocking(move || player.set(None)).await
}
