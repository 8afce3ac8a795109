//! Time, range and date notations (`gamefilm::timefmt`) on any text: parsed or refused, never a
//! panic; and an offset that parses reads back the same once printed.
#![no_main]

use gamefilm::timefmt::{format_ms, parse_date_ms, parse_offset_ms, parse_range_ms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_range_ms(s);
    let _ = parse_date_ms(s, 1_764_000_000_000);
    if let Ok(ms) = parse_offset_ms(s) {
        if (0..=100 * 3_600_000).contains(&ms) {
            assert_eq!(
                parse_offset_ms(&format_ms(ms)),
                Ok(ms),
                "{s:?} -> {ms} ms -> {}",
                format_ms(ms)
            );
        }
    }
});
