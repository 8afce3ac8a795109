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
        _ if (at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") => foreign("RF64 WAV"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_their_first_bytes() {
        let name = |b: &[u8]| container(b).map(|c| (c.name, c.supported));
        assert_eq!(name(b"RIFF\0\0\0\0WAVEfmt "), Some(("WAV", true)));
        assert_eq!(name(b"RIFX\0\0\0\0WAVEfmt "), Some(("big-endian WAV (RIFX)", false)));
        assert_eq!(name(b"RF64\xff\xff\xff\xffWAVEds64"), Some(("RF64 WAV", false)));
        assert_eq!(name(b"\0\0\0\x20ftypM4A "), Some(("MP4", true)));
        assert_eq!(name(b"tBaK\0\0\0\0\0\0\0\0"), Some(("TAK", false)));
        assert_eq!(name(b"RIFF\0\0\0\0AVI LIST"), None);
        assert_eq!(name(b"\x89PNG\r\n\x1a\n\0\0\0\0"), None);
        assert_eq!(name(b"RI"), None);
    }
}
