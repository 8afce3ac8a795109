//! 16-bit PCM WAV files for tests and benchmarks (a canonical 44-byte header).

/// A WAV file's bytes: `channels` interleaved in `samples`, at `rate`.
pub fn pcm16(channels: u16, rate: u32, samples: &[i16]) -> Vec<u8> {
    let size = (samples.len() * 2) as u32;
    let mut data = Vec::with_capacity(44 + samples.len() * 2);
    data.extend_from_slice(b"RIFF");
    data.extend_from_slice(&(36 + size).to_le_bytes());
    data.extend_from_slice(b"WAVEfmt ");
    data.extend_from_slice(&16u32.to_le_bytes());
    data.extend_from_slice(&1u16.to_le_bytes());
    data.extend_from_slice(&channels.to_le_bytes());
    data.extend_from_slice(&rate.to_le_bytes());
    data.extend_from_slice(&(rate * channels as u32 * 2).to_le_bytes());
    data.extend_from_slice(&(channels * 2).to_le_bytes());
    data.extend_from_slice(&16u16.to_le_bytes());
    data.extend_from_slice(b"data");
    data.extend_from_slice(&size.to_le_bytes());
    for s in samples {
        data.extend_from_slice(&s.to_le_bytes());
    }
    data
}
