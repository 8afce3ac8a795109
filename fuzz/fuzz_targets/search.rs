//! What a person types into search, as the library turns it into FTS5 queries (note search and
//! the library list's filter, the last word a prefix as typed, expanded through the terms
//! tables): a result, or "type at least one word"; any other error means the query built was
//! not valid FTS5, a bug.
#![no_main]

use std::sync::{Mutex, OnceLock};

use gamefilm::library::recordings::{self, ListFilter};
use gamefilm::library::search::{self, SearchQuery};
use gamefilm::library::{Library, LibraryError, Scope};
use libfuzzer_sys::fuzz_target;

fn library() -> &'static Mutex<Library> {
    static LIB: OnceLock<Mutex<Library>> = OnceLock::new();
    LIB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        Mutex::new(Library::open(&dir.join("library.sqlite")).unwrap())
    })
}

fn acceptable(r: Result<(), LibraryError>, text: &str) {
    match r {
        Ok(()) | Err(LibraryError::Invalid { .. }) => {}
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lib = library().lock().unwrap();
    let q = SearchQuery { text: text.to_string(), limit: 20, ..Default::default() };
    acceptable(search::search(lib.conn(), Scope::Coach, &q).map(drop), text);
    let filter = ListFilter { search: Some(text.to_string()), ..Default::default() };
    acceptable(recordings::page(lib.conn(), Scope::Coach, &filter).map(drop), text);
});
