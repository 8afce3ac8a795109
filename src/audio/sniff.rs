//! What a file says it is, from its first bytes, whatever its name: so that a file whose
//! container symphonia cannot read is refused naming that container (not "no known container"),
//! and a file of a format Gamefilm does not decode is never imported as a scrap of audio that
//! symphonia's probe, which scans ahead for any sync word, found somewhere inside it.

/// A container recognised by its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Container {
    /// How the file is named to a person: "big-endian WAV (RIFX)".
    pub name: &'static str,
    /// Whether Gamefilm decodes this container at all (with a supported codec inside).
    pub supported: bool,
}

const fn known(name: &'static str) -> Option<Container> {
    Some(Container { name, supported: true })
}

const fn foreign(name: &'static str) -> Option<Container> {
    Some(Container { name, supported: false })
}

/// The container `head` (the file's first bytes, 12 or more) announces, if any.
pub fn container(head: &[u8]) -> Option<Container> {
    let at = |i: usize, sig: &[u8]| head.get(i..i + sig.len()) == Some(sig);
    match () {
        _ if at(0, b"RIFF") && at(8, b"WAVE") => known("WAV"),
        _ if at(0, b"RIFX") && at(8, b"WAVE") => foreign("big-endian WAV (RIFX)"),
        _ if (at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") => known("RF64 WAV"),
        _ if at(0, b"fLaC") => known("FLAC"),
        _ if at(0, b"OggS") => known("Ogg"),
        _ if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) => known("AIFF"),
        _ if at(0, b"caff") => known("CAF"),
        _ if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) => known("Matroska/WebM"),
        _ if at(4, b"ftyp") => known("MP4"),
        _ if at(0, b"ID3") => known("MP3"),
        _ if at(0, b"tBaK") => foreign("TAK"),
        _ if at(0, b"MAC ") => foreign("Monkey's Audio (APE)"),
        _ if at(0, b"wvpk") => foreign("WavPack"),
        _ if at(0, b"#!AMR") => foreign("AMR"),
        _ if at(0, b"MPCK") || at(0, b"MP+") => foreign("Musepack"),
        _ if at(0, b"OFR ") => foreign("OptimFROG"),
        _ => None,
    }
}

/// The codec a WAV's `fmt ` chunk names, when it is one Gamefilm does not decode (so that the
/// refusal names it: symphonia's reader only says "unsupported wave format").
pub fn wav_foreign_codec(head: &[u8]) -> Option<&'static str> {
    if head.get(0..4) != Some(b"RIFF") || head.get(8..12) != Some(b"WAVE") {
        return None;
    }
    let mut at = 12;
    while let (Some(id), Some(size)) = (head.get(at..at + 4), head.get(at + 4..at + 8)) {
        let size = u32::from_le_bytes(size.try_into().ok()?) as usize;
        if id == b"fmt " {
            let tag = u16::from_le_bytes(head.get(at + 8..at + 10)?.try_into().ok()?);
            return match tag {
                0x0031 | 0x0032 => Some("GSM 6.10"),
                0x0022 => Some("DSP Group TrueSpeech"),
                0x0014 | 0x0042 => Some("G.723"),
                0x0040 | 0x0064 => Some("G.721 ADPCM"),
                0x0045 => Some("G.726 ADPCM"),
                0x0067 => Some("G.722"),
                0x0083 | 0x0133 => Some("G.729"),
                0x0055 => Some("MP3 in WAV"),
                0x0160..=0x0163 => Some("Windows Media Audio"),
                0x0270 | 0x0057 | 0x0058 => Some("AMR"),
                _ => None,
            };
        }
        // Chunks are padded to an even size.
        at = at.checked_add(8)?.checked_add(size + (size & 1))?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_their_first_bytes() {
        let name = |b: &[u8]| container(b).map(|c| (c.name, c.supported));
        assert_eq!(name(b"RIFF\0\0\0\0WAVEfmt "), Some(("WAV", true)));
        assert_eq!(name(b"RIFX\0\0\0\0WAVEfmt "), Some(("big-endian WAV (RIFX)", false)));
        assert_eq!(name(b"RF64\xff\xff\xff\xffWAVEds64"), Some(("RF64 WAV", true)));
        assert_eq!(name(b"\0\0\0\x20ftypM4A "), Some(("MP4", true)));
        assert_eq!(name(b"tBaK\0\0\0\0\0\0\0\0"), Some(("TAK", false)));
        assert_eq!(name(b"RIFF\0\0\0\0AVI LIST"), None);
        assert_eq!(name(b"\x89PNG\r\n\x1a\n\0\0\0\0"), None);
        assert_eq!(name(b"RI"), None);
    }

    #[test]
    fn a_wav_names_a_codec_it_carries_that_gamefilm_does_not_decode() {
        let wav = |tag: u16| {
            let mut b = b"RIFF\0\0\0\0WAVE".to_vec();
            b.extend_from_slice(b"LIST\x04\0\0\0INFO");
            b.extend_from_slice(b"fmt \x14\0\0\0");
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&[0; 18]);
            b
        };
        assert_eq!(wav_foreign_codec(&wav(0x0031)), Some("GSM 6.10"));
        assert_eq!(wav_foreign_codec(&wav(0x0001)), None, "PCM is decoded");
        assert_eq!(wav_foreign_codec(&wav(0x0031)[..20]), None, "cut before the fmt chunk");
        assert_eq!(wav_foreign_codec(b"RIFF\0\0\0\0WAVEfmt \xff\xff\xff\xff"), None);
    }
}
