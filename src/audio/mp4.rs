//! Reads the edit list of an MP4/M4A audio track, which symphonia 0.6 parses but does not apply.
//!
//! AAC encoders put priming frames (usually 1024) before the audio and padding after it; the
//! `elst` box says which span of the track is the real audio. ffmpeg and players honour it, so
//! durations and waveform positions only agree with theirs when Gamefilm does too.
//!
//! The file may be anything: every read is bounded and checked, and a box that does not add up
//! means "no edit list", never a panic.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Frames to skip at the start and, if known, how many to keep after that (track timescale
/// converted to `sample_rate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trim {
    pub skip: u64,
    pub keep: Option<u64>,
}

/// The trim of the first sound track, or `None` when the file has no usable edit list.
pub fn edit_list_trim(path: &Path, sample_rate: u32) -> Option<Trim> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let moov = find_box(&mut f, 0, len, b"moov")?;
    let movie_ts = {
        let (start, end) = find_box(&mut f, moov.0, moov.1, b"mvhd")?;
        let b = read_span(&mut f, start, end.min(start + 32))?;
        if *b.first()? == 1 { be32(&b, 20)? } else { be32(&b, 12)? }
    };
    let mut pos = moov.0;
    while let Some((start, end)) = find_box(&mut f, pos, moov.1, b"trak") {
        pos = end;
        let Some(mdia) = find_box(&mut f, start, end, b"mdia") else {
            continue;
        };
        let Some(hdlr) = find_box(&mut f, mdia.0, mdia.1, b"hdlr") else {
            continue;
        };
        if read_span(&mut f, hdlr.0 + 8, hdlr.0 + 12)? != b"soun" {
            continue;
        }
        let (ms, me) = find_box(&mut f, mdia.0, mdia.1, b"mdhd")?;
        let b = read_span(&mut f, ms, me.min(ms + 32))?;
        let track_ts = if *b.first()? == 1 { be32(&b, 20)? } else { be32(&b, 12)? };
        let edts = find_box(&mut f, start, end, b"edts")?;
        let (es, ee) = find_box(&mut f, edts.0, edts.1, b"elst")?;
        let b = read_span(&mut f, es, ee.min(es + 8 + 20 * 16))?;
        let version = *b.first()?;
        let count = be32(&b, 4)? as usize;
        let entry = if version == 1 { 20 } else { 12 };
        for i in 0..count.min(16) {
            let at = 8 + i * entry;
            let (dur, media_time) = if version == 1 {
                (be64(&b, at)?, be64(&b, at + 8)? as i64)
            } else {
                (be32(&b, at)? as u64, be32(&b, at + 4)? as i32 as i64)
            };
            if media_time < 0 || track_ts == 0 || movie_ts == 0 {
                continue; // an empty edit (leading silence): not trimming
            }
            let to_rate = |v: u64, ts: u32| (v as u128 * sample_rate as u128 / ts as u128) as u64;
            let skip = to_rate(media_time as u64, track_ts);
            let keep = (dur > 0).then(|| to_rate(dur, movie_ts));
            return Some(Trim { skip, keep });
        }
        return None;
    }
    None
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn read_span(f: &mut File, start: u64, end: u64) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; end.checked_sub(start)? as usize];
    f.seek(SeekFrom::Start(start)).ok()?;
    f.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// Finds a child box of `kind` between `start` and `end`: its payload span. Full-box headers
/// (version, flags) stay in the payload.
fn find_box(f: &mut File, mut pos: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    while pos + 8 <= end {
        let h = read_span(f, pos, pos + 8)?;
        let size32 = be32(&h, 0)? as u64;
        let (size, header) = match size32 {
            1 => (be64(&read_span(f, pos + 8, pos + 16)?, 0)?, 16),
            0 => (end - pos, 8),
            s => (s, 8),
        };
        let box_end = pos.checked_add(size)?;
        if size < header || box_end > end {
            return None;
        }
        if h.get(4..8)? == kind {
            return Some((pos + header, box_end));
        }
        pos = box_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    fn trim_of(bytes: &[u8]) -> Option<Trim> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        edit_list_trim(f.path(), 44_100)
    }

    #[test]
    fn boxes_that_do_not_add_up_give_no_trim_and_no_panic() {
        // An empty `mvhd` (no version byte to read).
        assert_eq!(trim_of(&boxed(b"moov", &boxed(b"mvhd", &[]))), None);
        // A 64-bit box size that overflows the file offset.
        let mut huge = 1u32.to_be_bytes().to_vec();
        huge.extend_from_slice(b"moov");
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert_eq!(trim_of(&huge), None);
        // A box claiming more than the file holds, and a truncated header.
        assert_eq!(trim_of(&boxed(b"moov", &[0; 4])[..10]), None);
        assert_eq!(trim_of(b"\0\0\0"), None);
        // Every prefix of a well-formed tree: truncation anywhere is refused quietly.
        let mdhd = [&[0u8; 12][..], &44_100u32.to_be_bytes(), &[0; 8]].concat();
        let elst = [&[0u8; 4][..], &1u32.to_be_bytes(), &[0; 8]].concat();
        let trak = boxed(
            b"trak",
            &[
                boxed(
                    b"mdia",
                    &[boxed(b"hdlr", b"\0\0\0\0\0\0\0\0soun"), boxed(b"mdhd", &mdhd)].concat(),
                ),
                boxed(b"edts", &boxed(b"elst", &elst)),
            ]
            .concat(),
        );
        let mvhd = [&[0u8; 12][..], &1000u32.to_be_bytes(), &[0; 8]].concat();
        let file = boxed(b"moov", &[boxed(b"mvhd", &mvhd), trak].concat());
        for n in 0..file.len() {
            let _ = trim_of(&file[..n]);
        }
    }
}
