use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::{Note, Reply, SelfReview, reviews};
use tauri::State;

use super::blocking;
use crate::dto::{NoteInput, NoteUpdate};
use crate::error::AppResult;
use crate::state::LibraryService;

#[tauri::command]
pub async fn notes_create(lib: State<'_, LibraryService>, input: NoteInput) -> AppResult<Note> {
    let lib = lib.inner().clone();
    let new = NewNote {
        recording_id: input.recording_id,
        start_ms: input.start_ms,
        end_ms: input.end_ms,
        kind: input.kind,
        text: input.text,
        author: input.author,
    };
    blocking(move || lib.with(|l| notes::create(l, &new))).await
}

#[tauri::command]
pub async fn notes_update(
    lib: State<'_, LibraryService>,
    id: String,
    update: NoteUpdate,
) -> AppResult<Note> {
    let lib = lib.inner().clone();
    let edit = NoteEdit {
        start_ms: update.start_ms,
        end_ms: if update.clear_end { Some(None) } else { update.end_ms.map(Some) },
        kind: update.kind,
        text: update.text,
    };
    blocking(move || lib.with(|l| notes::edit(l, &id, &edit))).await
}

#[tauri::command]
pub async fn notes_delete(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| notes::delete(l, &id))).await
}

#[tauri::command]
pub async fn notes_restore(lib: State<'_, LibraryService>, id: Option<String>) -> AppResult<Note> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| notes::undo_delete(l, id.as_deref()))).await
}

#[tauri::command]
pub async fn notes_mark_seen(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| notes::mark_seen(l, &id))).await
}

#[tauri::command]
pub async fn replies_create(
    lib: State<'_, LibraryService>,
    note_id: String,
    author: String,
    text: String,
) -> AppResult<Reply> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| notes::reply(l, &note_id, &author, &text))).await
}

#[tauri::command]
pub async fn reviews_save_self(
    lib: State<'_, LibraryService>,
    recording_id: i64,
    author: String,
    focus_area: String,
    text: String,
) -> AppResult<SelfReview> {
    let lib = lib.inner().clone();
    blocking(move || lib.with(|l| reviews::save_self(l, recording_id, &author, &focus_area, &text)))
        .await
}
