//! Probe, decode and peaks (`gamefilm::audio::analyze`, what import runs on every file) on any
//! bytes: a typed error is fine, a panic is a bug (import catches it at its boundary, the player
//! and the reel render now too, but the file deserves a clean error).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::Builder::new().prefix("gamefilm-fuzz-").tempfile().unwrap();
    file.write_all(data).unwrap();
    let _ = gamefilm::audio::analyze(file.path());
});
