//! Waveform peaks: a min/max pyramid computed in the single decode pass of an import.
//!
//! Level 0 holds one min/max pair per channel for every `samples_per_bucket` frames, about
//! 10 ms of audio (rate / 100, rounded). Each further level merges [`LEVEL_FACTOR`] buckets of the
//! level below, until a level has at most [`TOP_LEVEL_MAX_BUCKETS`] buckets. Values are stored
//! as i16 (full scale 32767), clamped to [-1, 1]: decoders such as AAC may overshoot 1.0.
//!
//! Layout of one level's data: bucket-major, then channel, then (min, max), little-endian i16.

/// How many buckets of one level make one bucket of the next.
pub const LEVEL_FACTOR: usize = 8;
/// The coarsest level has at most this many buckets.
pub const TOP_LEVEL_MAX_BUCKETS: usize = 1024;

/// One level of the pyramid.
#[derive(Debug, Clone, PartialEq)]
pub struct PeakLevel {
    pub samples_per_bucket: u32,
    /// `buckets * channels * 2` values: min, max per channel per bucket.
    pub values: Vec<i16>,
}

impl PeakLevel {
    pub fn buckets(&self, channels: usize) -> usize {
        self.values.len() / (2 * channels.max(1))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn from_bytes(samples_per_bucket: u32, bytes: &[u8]) -> Self {
        let values = bytes.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
        PeakLevel { samples_per_bucket, values }
    }
}

/// The whole pyramid, finest level first.
#[derive(Debug, Clone, PartialEq)]
pub struct Peaks {
    pub channels: usize,
    pub levels: Vec<PeakLevel>,
}

/// The base bucket size for a sample rate: about 10 ms.
pub fn base_samples_per_bucket(sample_rate: u32) -> u32 {
    ((sample_rate as f64 / 100.0).round() as u32).max(1)
}

/// Converts a sample to the stored i16 scale, clamping overshoot.
pub fn quantize(v: f32) -> i16 {
    (v.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

/// Converts a stored value back to a sample.
pub fn dequantize(v: i16) -> f32 {
    v as f32 / 32767.0
}

/// Accumulates planar audio into level-0 buckets.
pub struct PeakBuilder {
    channels: usize,
    spb: usize,
    filled: usize,
    cur_min: Vec<f32>,
    cur_max: Vec<f32>,
    out: Vec<i16>,
}

impl PeakBuilder {
    pub fn new(channels: usize, samples_per_bucket: u32) -> Self {
        PeakBuilder {
            channels,
            spb: samples_per_bucket as usize,
            filled: 0,
            cur_min: vec![f32::INFINITY; channels],
            cur_max: vec![f32::NEG_INFINITY; channels],
            out: Vec::new(),
        }
    }

    /// Adds one block of planar audio; every plane has the same length.
    pub fn push_planar(&mut self, planes: &[Vec<f32>]) {
        let frames = planes.first().map_or(0, Vec::len);
        let mut pos = 0;
        while pos < frames {
            let take = (self.spb - self.filled).min(frames - pos);
            for (ch, plane) in planes.iter().enumerate().take(self.channels) {
                let (lo, hi) = plane[pos..pos + take]
                    .iter()
                    .fold((self.cur_min[ch], self.cur_max[ch]), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    });
                self.cur_min[ch] = lo;
                self.cur_max[ch] = hi;
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
            self.out.push(quantize(self.cur_min[ch]));
            self.out.push(quantize(self.cur_max[ch]));
            self.cur_min[ch] = f32::INFINITY;
            self.cur_max[ch] = f32::NEG_INFINITY;
        }
        self.filled = 0;
    }

    /// Closes the last partial bucket and returns the level-0 values.
    pub fn finish_base(mut self) -> Vec<i16> {
        if self.filled > 0 {
            self.flush();
        }
        self.out
    }

    /// Closes the last partial bucket and builds the whole pyramid.
    pub fn finish(self) -> Peaks {
        let (channels, spb) = (self.channels, self.spb as u32);
        Peaks::from_base(channels, spb, self.finish_base())
    }
}

impl Peaks {
    /// Builds the coarser levels over level-0 `values`.
    pub fn from_base(channels: usize, samples_per_bucket: u32, values: Vec<i16>) -> Peaks {
        let mut levels = vec![PeakLevel { samples_per_bucket, values }];
        while levels.last().is_some_and(|l| l.buckets(channels) > TOP_LEVEL_MAX_BUCKETS) {
            let below = levels.last().expect("levels is never empty here");
            levels.push(merge_level(below, channels, LEVEL_FACTOR));
        }
        Peaks { channels, levels }
    }
}

/// Merges every `factor` buckets of `level` into one.
pub fn merge_level(level: &PeakLevel, channels: usize, factor: usize) -> PeakLevel {
    let stride = 2 * channels;
    let values = level
        .values
        .chunks(stride * factor)
        .flat_map(|group| {
            (0..channels).flat_map(move |ch| {
                let mins = group.chunks(stride).map(move |b| b[2 * ch]);
                let maxs = group.chunks(stride).map(move |b| b[2 * ch + 1]);
                [mins.min().unwrap_or(0), maxs.max().unwrap_or(0)]
            })
        })
        .collect();
    PeakLevel { samples_per_bucket: level.samples_per_bucket * factor as u32, values }
}

/// Min/max per channel over `columns` equal spans of `[from_frame, to_frame)`, read from the
/// coarsest level whose buckets are no wider than a column. Returns `columns * channels` pairs.
pub fn columns(peaks: &Peaks, from_frame: u64, to_frame: u64, columns: usize) -> Vec<(f32, f32)> {
    let channels = peaks.channels.max(1);
    let span = to_frame.saturating_sub(from_frame);
    if columns == 0 || span == 0 {
        return Vec::new();
    }
    let col_frames = span as f64 / columns as f64;
    let level = peaks
        .levels
        .iter()
        .rev()
        .find(|l| l.samples_per_bucket as f64 <= col_frames)
        .or(peaks.levels.first());
    let Some(level) = level else {
        return Vec::new();
    };
    let spb = level.samples_per_bucket as u64;
    let buckets = level.buckets(channels) as u64;
    let mut out = Vec::with_capacity(columns * channels);
    for c in 0..columns {
        let a = from_frame + (c as f64 * col_frames) as u64;
        let b = (from_frame + ((c + 1) as f64 * col_frames) as u64).max(a + 1);
        let (b0, b1) = (a / spb, b.div_ceil(spb).min(buckets));
        for ch in 0..channels {
            let mut lo = i16::MAX;
            let mut hi = i16::MIN;
            for bucket in b0..b1 {
                let i = (bucket as usize * channels + ch) * 2;
                lo = lo.min(level.values[i]);
                hi = hi.max(level.values[i + 1]);
            }
            if lo > hi {
                out.push((0.0, 0.0));
            } else {
                out.push((dequantize(lo), dequantize(hi)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_hold_min_and_max_of_their_frames() {
        let mut b = PeakBuilder::new(2, 4);
        // Pushed in uneven blocks to cross bucket borders.
        b.push_planar(&[vec![0.1, -0.5, 0.2], vec![0.0, 0.0, 0.9]]);
        b.push_planar(&[vec![0.3, 0.4, 0.0], vec![-1.5, 0.0, 0.0]]);
        let p = b.finish();
        let l0 = &p.levels[0];
        assert_eq!(l0.buckets(2), 2);
        assert_eq!(l0.values[0], quantize(-0.5));
        assert_eq!(l0.values[1], quantize(0.3));
        assert_eq!(l0.values[2], -32767, "overshoot is clamped");
        assert_eq!(l0.values[3], quantize(0.9));
        assert_eq!(l0.values[4], quantize(0.0));
        assert_eq!(l0.values[5], quantize(0.4));
    }

    #[test]
    fn pyramid_levels_shrink_until_small_and_agree_with_the_base() {
        let mut b = PeakBuilder::new(1, 10);
        let plane: Vec<f32> = (0..200_000).map(|i| ((i as f32) * 0.001).sin()).collect();
        b.push_planar(&[plane]);
        let p = b.finish();
        assert!(p.levels.len() >= 2);
        assert!(p.levels.last().map(|l| l.buckets(1)).unwrap_or(0) <= TOP_LEVEL_MAX_BUCKETS);
        let l0 = &p.levels[0];
        let l1 = &p.levels[1];
        let base_min = l0.values[..16].chunks(2).map(|c| c[0]).min();
        assert_eq!(Some(l1.values[0]), base_min);
        let cols = columns(&p, 0, 200_000, 10);
        assert_eq!(cols.len(), 10);
        assert!(cols.iter().all(|(lo, hi)| lo <= hi));
    }

    #[test]
    fn bytes_round_trip() {
        let l = PeakLevel { samples_per_bucket: 441, values: vec![-32767, 0, 12, 32767] };
        assert_eq!(PeakLevel::from_bytes(441, &l.to_bytes()), l);
    }
}
