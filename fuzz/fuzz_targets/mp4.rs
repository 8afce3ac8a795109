//! The MP4 edit-list reader (`gamefilm::audio::mp4`) on any bytes: `None` or a trim, never a
//! panic, never an allocation the file's size does not justify.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::Builder::new().prefix("gamefilm-fuzz-").tempfile().unwrap();
    file.write_all(data).unwrap();
    let _ = gamefilm::audio::mp4::edit_list_trim(file.path(), 44_100);
});
