use gamefilm::library::notes::{self, NewNote, NoteEdit};
use gamefilm::library::{Note, Reply, SelfReview, reviews};
use tauri::State;

use crate::error::AppResult;
use crate::events::ChangeSource::{Notes, Reviews};
use crate::state::LibraryService;

#[tauri::command]
pub async fn notes_create(lib: State<'_, LibraryService>, input: NewNote) -> AppResult<Note> {
    lib.write(Notes, move |l| notes::create(l, &input)).await
}

#[tauri::command]
pub async fn notes_update(
    lib: State<'_, LibraryService>,
    id: String,
    update: NoteEdit,
) -> AppResult<Note> {
    lib.write(Notes, move |l| notes::edit(l, &id, &update)).await
}

/// Soft-deletes a note: [`notes_restore`] brings it back.
#[tauri::command]
pub async fn notes_delete(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    lib.write(Notes, move |l| notes::delete(l, &id)).await
}

/// Undo of a delete: the note `id`, or the most recently deleted one.
#[tauri::command]
pub async fn notes_restore(lib: State<'_, LibraryService>, id: Option<String>) -> AppResult<Note> {
    lib.write(Notes, move |l| notes::undo_delete(l, id.as_deref())).await
}

#[tauri::command]
pub async fn notes_mark_seen(lib: State<'_, LibraryService>, id: String) -> AppResult<Note> {
    lib.write(Notes, move |l| notes::mark_seen(l, &id)).await
}

#[tauri::command]
pub async fn replies_create(
    lib: State<'_, LibraryService>,
    note_id: String,
    author: String,
    text: String,
) -> AppResult<Reply> {
    lib.write(Reviews, move |l| notes::reply(l, &note_id, &author, &text)).await
}

#[tauri::command]
pub async fn reviews_save_self(
    lib: State<'_, LibraryService>,
    recording_id: i64,
    author: String,
    focus_area: String,
    text: String,
) -> AppResult<SelfReview> {
    lib.write(Reviews, move |l| reviews::save_self(l, recording_id, &author, &focus_area, &text))
        .await
}
