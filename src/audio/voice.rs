//! Voice activity per channel, measured in the import's one decode pass.
//!
//! While the decoder runs, [`VoiceBuilder`] keeps, for each of the first two channels, the
//! energy of every 10 ms frame (the peak bucket, so parallel segments join exactly), and sums
//! the channels' cross products over a quarter of each block, to tell a stereo file whose two
//! channels carry the same signal. It costs about a multiply-add per sample.
//!
//! [`VoiceFrames::segments`] then decides, per channel, where someone speaks: a frame is loud
//! against the channel's own noise floor (its 10th percentile), with hysteresis and a bridge over
//! the gaps between words; a long stretch counts as speech only when it dips between syllables
//! (LSTER, the share of frames under half the stretch's mean energy), which steady or rhythmic
//! hold music does not. Segments are in ms of the call.
//!
//! Measured on the generated calls of `tests/insights.rs` (turn boundaries within 20 ms in every
//! format, clean and under −30 dB pink noise), this energy detector was as exact as the same
//! boundaries gated by earshot 1.2's neural detector, which scored 99.9 % of a hold-music
//! channel's frames as speech; LSTER told the music (0.21) from the speech (0.54–0.60).

/// Frames are the peak buckets: about 10 ms.
pub const FRAME_MS: i64 = 10;
/// Accumulates one span of decoded audio (a whole file, or one parallel segment).
pub struct VoiceBuilder {
    channels: usize,
    spb: usize,
    filled: usize,
    sums: [f64; 2],
    energy: [Vec<f32>; 2],
    cross: [f64; 3],
}

/// What one span measured; spans join with [`VoiceFrames::append`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceFrames {
    /// Channels measured: the file's, at most two.
    pub channels: usize,
    /// Per channel, each 10 ms frame's mean power in dBFS.
    pub energy_db: [Vec<f32>; 2],
    /// Σ l·r, Σ l², Σ r² over the span (stereo).
    pub cross: [f64; 3],
}

impl VoiceBuilder {
    pub fn new(channels: usize, samples_per_bucket: u32) -> Self {
        let channels = channels.min(2);
        VoiceBuilder {
            channels,
            spb: samples_per_bucket as usize,
            filled: 0,
            sums: [0.0; 2],
            energy: [Vec::new(), Vec::new()],
            cross: [0.0; 3],
        }
    }

    /// Adds one block of planar audio.
    pub fn push_planar(&mut self, planes: &[Vec<f32>]) {
        let frames = planes.first().map_or(0, Vec::len);
        let chans = self.channels.min(planes.len());
        if chans == 2 {
            // Whether the two channels are one signal: the first quarter of every block tells as
            // well as all of it (contiguous, so the compiler vectorises it).
            let n = frames.div_ceil(4);
            let (l, r) = (&planes[0][..n], &planes[1][..n]);
            let (mut lr, mut ll, mut rr) = ([0.0f32; 8], [0.0f32; 8], [0.0f32; 8]);
            for (a, b) in l.chunks_exact(8).zip(r.chunks_exact(8)) {
                for k in 0..8 {
                    lr[k] += a[k] * b[k];
                    ll[k] += a[k] * a[k];
                    rr[k] += b[k] * b[k];
                }
            }
            let (lr, ll, rr): (f32, f32, f32) = (lr.iter().sum(), ll.iter().sum(), rr.iter().sum());
            self.cross[0] += lr as f64;
            self.cross[1] += ll as f64;
            self.cross[2] += rr as f64;
        }
        let mut pos = 0;
        while pos < frames {
            let take = (self.spb - self.filled).min(frames - pos);
            for (ch, plane) in planes.iter().enumerate().take(chans) {
                self.sums[ch] += energy(&plane[pos..pos + take]) as f64;
            }
            self.filled += take;
            pos += take;
            if self.filled == self.spb {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        for ch in 0..self.channels {
            let mean = self.sums[ch] / self.filled.max(1) as f64;
            self.energy[ch].push(db(mean));
            self.sums[ch] = 0.0;
        }
        self.filled = 0;
    }

    /// Closes the last partial frame.
    pub fn finish(mut self) -> VoiceFrames {
        if self.filled > 0 {
            self.flush();
        }
        VoiceFrames { channels: self.channels, energy_db: self.energy, cross: self.cross }
    }
}

/// Σ v² of `part`, in lanes the compiler vectorises.
fn energy(part: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = part.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (acc, v) in lanes.iter_mut().zip(c) {
            *acc += v * v;
        }
    }
    lanes.iter().sum::<f32>() + rest.iter().map(|v| v * v).sum::<f32>()
}

fn db(mean_square: f64) -> f32 {
    10.0 * ((mean_square + 1e-12) as f32).log10()
}

/// Speech on one side: `[start_ms, end_ms)`.
pub type Span = (i64, i64);

/// A frame this much above the channel's noise floor is loud.
const ON_ABOVE_FLOOR_DB: f32 = 12.0;
/// Quieter than this (dBFS) is never speech, whatever the floor.
const MIN_SPEECH_DB: f32 = -55.0;
/// Below the start threshold by this much ends a stretch (hysteresis).
const OFF_BELOW_ON_DB: f32 = 6.0;
/// Gaps between words shorter than this stay inside one stretch of speech.
const BRIDGE_MS: i64 = 200;
/// Stretches shorter than this are clicks, not speech.
const MIN_SPEECH_MS: i64 = 60;
/// A stretch this long is judged by its dips between syllables ...
const JUDGED_MS: i64 = 2_000;
/// ... and is speech when at least this share of its frames is under half its mean energy.
const MIN_LSTER: f32 = 0.3;

impl VoiceFrames {
    /// Joins the next span (a later parallel segment) after this one.
    pub fn append(&mut self, next: VoiceFrames) {
        self.channels = self.channels.max(next.channels);
        for ch in 0..2 {
            self.energy_db[ch].extend_from_slice(&next.energy_db[ch]);
        }
        for k in 0..3 {
            self.cross[k] += next.cross[k];
        }
    }

    /// The two channels carry the same signal (correlation above 0.99): treat the call as mono.
    pub fn same_signal(&self) -> bool {
        let [lr, ll, rr] = self.cross;
        self.channels == 2 && ll > 0.0 && rr > 0.0 && lr / (ll * rr).sqrt() > 0.99
    }

    /// How much frames `[s, e)` on `ch` dip between syllables: the share of frames under half
    /// the stretch's mean energy (LSTER). Speech scores high; steady or rhythmic music low.
    pub fn lster(&self, ch: usize, s: usize, e: usize) -> f32 {
        let en = &self.energy_db[ch][s..e.min(self.energy_db[ch].len())];
        if en.is_empty() {
            return 0.0;
        }
        let lin: Vec<f32> = en.iter().map(|d| 10f32.powf(d / 10.0)).collect();
        let mean = lin.iter().sum::<f32>() / lin.len() as f32;
        lin.iter().filter(|v| **v < 0.5 * mean).count() as f32 / lin.len() as f32
    }

    /// Where someone speaks on channel `ch`, in ms.
    pub fn segments(&self, ch: usize) -> Vec<Span> {
        let e = &self.energy_db[ch];
        if e.is_empty() {
            return Vec::new();
        }
        // The channel's noise floor: the level it rests at between words (its 10th percentile).
        let mut levels: Vec<f32> = e.iter().copied().filter(|v| v.is_finite()).collect();
        let floor = if levels.is_empty() {
            -120.0
        } else {
            let k = levels.len() / 10;
            *levels.select_nth_unstable_by(k, f32::total_cmp).1
        };
        let on = (floor + ON_ABOVE_FLOOR_DB).max(MIN_SPEECH_DB);
        let off = on - OFF_BELOW_ON_DB;
        // Loud stretches with hysteresis: start above `on`, back to where it rose above `off`;
        // end at the last frame above `off`.
        let mut raw: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < e.len() {
            if e[i] >= on {
                let mut s = i;
                while s > 0 && e[s - 1] >= off && raw.last().is_none_or(|r| r.1 < s) {
                    s -= 1;
                }
                let mut j = i;
                while j < e.len() && e[j] >= off {
                    j += 1;
                }
                raw.push((s, j));
                i = j;
            } else {
                i += 1;
            }
        }
        // Bridge the gaps between words; drop clicks.
        let bridge = (BRIDGE_MS / FRAME_MS) as usize;
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for r in raw {
            match merged.last_mut() {
                Some(m) if r.0 <= m.1 + bridge => m.1 = r.1,
                _ => merged.push(r),
            }
        }
        let min = (MIN_SPEECH_MS / FRAME_MS) as usize;
        let judged = (JUDGED_MS / FRAME_MS) as usize;
        merged
            .into_iter()
            .filter(|(s, e)| e - s >= min)
            .filter(|&(s, e)| e - s < judged || self.lster(ch, s, e) >= MIN_LSTER)
            .map(|(s, e)| (s as i64 * FRAME_MS, e as i64 * FRAME_MS))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loud_stretches_against_the_floor_bridge_short_gaps_and_drop_clicks() {
        // Noise at −60 dB; speech 1.00–2.00 s with a 100 ms gap at 1.50 s; a 30 ms click at 3 s.
        let mut e = vec![-60.0f32; 400];
        for (i, v) in e.iter_mut().enumerate() {
            if (100..150).contains(&i) || (160..200).contains(&i) || (300..303).contains(&i) {
                *v = -20.0;
            }
        }
        let f = VoiceFrames { channels: 1, energy_db: [e, Vec::new()], ..Default::default() };
        assert_eq!(f.segments(0), vec![(1_000, 2_000)]);
    }
}
