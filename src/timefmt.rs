//! Time notations: offsets inside a call (`83.5s`, `1:23`, `01:02:03.500`, `1:23-1:40`) and
//! calendar dates for filters (`2026-03-14`, `7d`). Parsing is strict: anything else is an error
//! that quotes the input.

use time::{
    Date, OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description,
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimeError {
    #[error("cannot read time '{0}': use 83.5s, 1:23 or 01:02:03.500")]
    BadOffset(String),
    #[error("cannot read range '{0}': use START-END, e.g. 1:23-1:40")]
    BadRange(String),
    #[error("cannot read date '{0}': use YYYY-MM-DD, an RFC 3339 time, or a age such as 7d or 12h")]
    BadDate(String),
}

/// Parses an offset into milliseconds: `83.5s`, `83`, `1:23`, `1:23.5`, `01:02:03.500`.
pub fn parse_offset_ms(s: &str) -> Result<i64, TimeError> {
    let bad = || TimeError::BadOffset(s.to_string());
    let t = s.trim();
    let t = t.strip_suffix('s').unwrap_or(t);
    if t.is_empty() || t.starts_with('-') || t.starts_with('+') {
        return Err(bad());
    }
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let (whole, last) = parts.split_at(parts.len() - 1);
    let secs = parse_seconds(last[0]).ok_or_else(bad)?;
    if !whole.is_empty() && secs >= 60_000 {
        return Err(bad());
    }
    let mut ms = secs;
    let mut unit = 60_000i64;
    for (i, p) in whole.iter().rev().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6 {
            return Err(bad());
        }
        let v: i64 = p.parse().map_err(|_| bad())?;
        // Minutes under an hour field stay below 60.
        if i == 0 && whole.len() == 2 && v >= 60 {
            return Err(bad());
        }
        ms += v * unit;
        unit *= 60;
    }
    Ok(ms)
}

/// Seconds with up to three decimals, as milliseconds.
fn parse_seconds(s: &str) -> Option<i64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || int.len() > 9 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 3
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (s.contains('.') && frac.is_empty())
    {
        return None;
    }
    let mut ms = int.parse::<i64>().ok()? * 1000;
    if !frac.is_empty() {
        let padded = format!("{frac:0<3}");
        ms += padded.parse::<i64>().ok()?;
    }
    Some(ms)
}

/// Parses `START` or `START-END` into milliseconds.
pub fn parse_range_ms(s: &str) -> Result<(i64, Option<i64>), TimeError> {
    match s.split_once('-') {
        None => Ok((parse_offset_ms(s)?, None)),
        Some((a, b)) => {
            let start = parse_offset_ms(a).map_err(|_| TimeError::BadRange(s.to_string()))?;
            let end = parse_offset_ms(b).map_err(|_| TimeError::BadRange(s.to_string()))?;
            Ok((start, Some(end)))
        }
    }
}

/// Formats milliseconds as `m:ss.mmm` or `h:mm:ss.mmm`.
pub fn format_ms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.abs();
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, milli) = (rem / 1000, rem % 1000);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{sign}{m}:{s:02}.{milli:03}")
    }
}

/// Parses a date filter into Unix milliseconds (UTC): `2026-03-14`, RFC 3339, or an age before
/// `now_ms` such as `7d`, `12h`, `30m`.
pub fn parse_date_ms(s: &str, now_ms: i64) -> Result<i64, TimeError> {
    let bad = || TimeError::BadDate(s.to_string());
    let t = s.trim();
    if let Some(unit) = t.chars().last().filter(|c| matches!(c, 'd' | 'h' | 'm' | 'w')) {
        let n = &t[..t.len() - 1];
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = n.parse().map_err(|_| bad())?;
            let unit_ms = match unit {
                'w' => 7 * 86_400_000,
                'd' => 86_400_000,
                'h' => 3_600_000,
                _ => 60_000,
            };
            return Ok(now_ms - n.checked_mul(unit_ms).ok_or_else(bad)?);
        }
    }
    if let Ok(d) = Date::parse(t, format_description!("[year]-[month]-[day]")) {
        return Ok(d.midnight().assume_utc().unix_timestamp() * 1000);
    }
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok((dt.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    Err(bad())
}

/// Reads a date out of a tag value: `2026-03-14`, `2026-03-14T10:30:00`, `2026`, RFC 3339.
pub fn parse_tag_date_ms(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Some((dt.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    let date_part = t.get(..10).unwrap_or(t);
    if let Ok(d) = Date::parse(date_part, format_description!("[year]-[month]-[day]")) {
        let mut ms = d.midnight().assume_utc().unix_timestamp() * 1000;
        if let Some(rest) = t.get(11..) {
            let hms: Vec<i64> = rest.split(':').filter_map(|p| p.get(..2)?.parse().ok()).collect();
            if let [h, m, ..] = hms[..] {
                ms += (h * 3600 + m * 60 + hms.get(2).copied().unwrap_or(0)) * 1000;
            }
        }
        return Some(ms);
    }
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        let d = Date::from_ordinal_date(t.parse().ok()?, 1).ok()?;
        return Some(d.midnight().assume_utc().unix_timestamp() * 1000);
    }
    None
}

/// Formats Unix milliseconds as `YYYY-MM-DD HH:MM` (UTC).
pub fn format_date_ms(ms: i64) -> String {
    match OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000) {
        Ok(dt) => dt
            .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
            .unwrap_or_default(),
        Err(_) => String::from("?"),
    }
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_documented_offset_notation() {
        assert_eq!(parse_offset_ms("83.5s"), Ok(83_500));
        assert_eq!(parse_offset_ms("83"), Ok(83_000));
        assert_eq!(parse_offset_ms("1:23"), Ok(83_000));
        assert_eq!(parse_offset_ms("1:23.25"), Ok(83_250));
        assert_eq!(parse_offset_ms("01:02:03.500"), Ok(3_723_500));
        assert_eq!(parse_offset_ms("0.001s"), Ok(1));
    }

    #[test]
    fn rejects_malformed_offsets() {
        for s in [
            "", "s", "-1", "1:2:3:4", "1:60", "1:61:00", "1.2.3", "abc", "1:", ":30", "1.",
            "1.2345",
        ] {
            assert!(parse_offset_ms(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn parses_ranges() {
        assert_eq!(parse_range_ms("1:23-1:40"), Ok((83_000, Some(100_000))));
        assert_eq!(parse_range_ms("5s"), Ok((5_000, None)));
        assert!(parse_range_ms("1:23-x").is_err());
    }

    #[test]
    fn formats_offsets() {
        assert_eq!(format_ms(83_500), "1:23.500");
        assert_eq!(format_ms(3_723_500), "1:02:03.500");
    }

    #[test]
    fn parses_dates_and_ages() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_date_ms("7d", now), Ok(now - 7 * 86_400_000));
        assert_eq!(parse_date_ms("2026-03-14", now), Ok(1_773_446_400_000));
        assert!(parse_date_ms("14/03/2026", now).is_err());
        assert_eq!(parse_tag_date_ms("2026-03-14"), Some(1_773_446_400_000));
        assert_eq!(parse_tag_date_ms("2026-03-14T01:00:00"), Some(1_773_450_000_000));
    }
}
