//! Call insights from the two channels of a call: who spoke when (the import's voice activity,
//! one side per channel), and the figures coaches quote, each defined here as the app shows it.
//!
//! - talk ratio = rep speech ÷ (rep speech + customer speech);
//! - a *turn* is one side's continuous speech: its own pauses shorter than [`BRIDGE_MS`] are
//!   bridged, and the other side's backchannel ("mm-hm": speech shorter than
//!   [`BACKCHANNEL_MS`]) does not break it; longest rep monologue and longest customer story are
//!   the longest turns of each side;
//! - switches per minute = changes of who holds the floor (turns in start order, backchannels
//!   left out) per minute of call;
//! - patience = the median gap between a customer turn ending and the rep's next turn starting,
//!   over positive gaps only; a rep turn starting while the customer's runs is an interruption;
//! - overtalk = share of the call when both speak; silence = share when neither does;
//! - one-sided: a side (stereo) or the call (mono) has under [`ONE_SIDED_MS`] of speech.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;

use super::people::Scope;
use super::{Library, Result};
use crate::audio::voice::VoiceFrames;

/// One side's speech: `[start_ms, end_ms)`.
pub type Span = (i64, i64);

/// A side's own pauses shorter than this stay inside its turn.
pub const BRIDGE_MS: i64 = 1_500;
/// The other side's speech shorter than this is a backchannel ("mm-hm"): it breaks no turn.
pub const BACKCHANNEL_MS: i64 = 1_000;
/// Less speech than this on a side makes the call one-sided (voicemail, no answer, hold music).
pub const ONE_SIDED_MS: i64 = 5_000;

pub use super::model::RepChannel;

/// A call's figures (`gamefilm stats ID --json`). Times in ms, shares 0–1; `None` where the
/// figure does not exist for this call (a mono call has no sides).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Stats {
    pub recording_id: i64,
    /// The voice activity was measured (false: an import from before insights, not analysed yet).
    pub analysed: bool,
    /// One side per channel; false for a mono file or a stereo file whose two channels carry the
    /// same signal.
    pub stereo: bool,
    pub rep_channel: RepChannel,
    /// The rep channel is this call's own choice (else the library's).
    pub rep_channel_overridden: bool,
    pub talk_ratio: Option<f64>,
    pub longest_monologue_ms: Option<i64>,
    pub longest_story_ms: Option<i64>,
    pub switches_per_minute: Option<f64>,
    pub patience_ms: Option<i64>,
    pub interruptions: Option<u32>,
    pub overtalk_ratio: Option<f64>,
    pub silence_ratio: Option<f64>,
    pub rep_speech_ms: Option<i64>,
    pub customer_speech_ms: Option<i64>,
    pub one_sided: bool,
}

// ---------------------------------------------------------------------------------------------
// Storage

/// Stores what the import's decode pass heard on recording `id`, replacing what was there (nothing
/// when it was not measured). Call inside the import's transaction.
pub fn store(conn: &Connection, id: i64, voice: &VoiceFrames) -> Result<()> {
    if voice.channels == 0 {
        // Not measured (an import without insights): the background analysis does it later.
        return Ok(());
    }
    conn.execute("DELETE FROM speech_segments WHERE recording_id = ?1", [id])?;
    let stereo = voice.channels == 2 && !voice.same_signal();
    let sides = if stereo { 2 } else { 1 };
    let mut totals = [0i64; 2];
    let mut stmt = conn.prepare_cached(
        "INSERT INTO speech_segments (recording_id, channel, start_ms, end_ms) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (ch, total_ms) in totals.iter_mut().enumerate().take(sides.min(voice.channels.max(1))) {
        let spans = voice.segments(ch);
        *total_ms = total(&spans);
        for (s, e) in spans {
            stmt.execute(params![id, ch as i64, s, e])?;
        }
    }
    conn.execute(
        "INSERT INTO call_voice (recording_id, stereo, speech_ms_0, speech_ms_1, analysed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (recording_id) DO UPDATE SET stereo = excluded.stereo,
             speech_ms_0 = excluded.speech_ms_0, speech_ms_1 = excluded.speech_ms_1,
             analysed_at = excluded.analysed_at",
        params![id, stereo, totals[0], totals[1], crate::timefmt::now_ms()],
    )?;
    Ok(())
}

/// The library's rep channel (left unless set).
pub fn library_rep_channel(conn: &Connection) -> Result<RepChannel> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM library_settings WHERE key = 'rep_channel'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(RepChannel::Left))
}

/// Sets the library's rep channel: only the labels change (left/right speech stays as measured).
pub fn set_library_rep_channel(lib: &mut Library, ch: RepChannel) -> Result<()> {
    lib.write(|tx| {
        tx.execute(
            "INSERT INTO library_settings (key, value) VALUES ('rep_channel', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [ch.as_str()],
        )?;
        Ok(())
    })
}

/// The SQL value of recording `r`'s talk ratio (NULL when mono or not analysed) and whether it is
/// one-sided, for the list (`v` is its `call_voice` row; `library` the library's rep channel, read
/// once by the caller).
pub(crate) fn talk_ratio_sql(r: &str, v: &str, library: RepChannel) -> String {
    let library = library.as_str();
    format!(
        "(CASE WHEN {v}.stereo = 1 AND {v}.speech_ms_0 + {v}.speech_ms_1 > 0 THEN
            (CASE coalesce({r}.rep_channel, '{library}')
             WHEN 'right' THEN {v}.speech_ms_1 ELSE {v}.speech_ms_0 END) * 1.0
            / ({v}.speech_ms_0 + {v}.speech_ms_1) END)"
    )
}

pub(crate) fn one_sided_sql(v: &str) -> String {
    format!(
        "(CASE WHEN {v}.recording_id IS NULL THEN 0
               WHEN {v}.stereo = 1 THEN min({v}.speech_ms_0, {v}.speech_ms_1) < {ONE_SIDED_MS}
               ELSE {v}.speech_ms_0 < {ONE_SIDED_MS} END)"
    )
}

/// A call's figures, if `scope` may see it.
pub fn stats(conn: &Connection, scope: Scope, id: i64) -> Result<Stats> {
    super::rows::require_visible_call(conn, scope, id)?;
    let duration_ms = super::rows::recording_duration_ms(conn, id)?;
    let (rep_channel, own) = rep_channel_of(conn, id)?;
    let voice = measured(conn, id)?;
    let mut out = Stats {
        recording_id: id,
        analysed: voice.is_some(),
        stereo: voice == Some(true),
        rep_channel,
        rep_channel_overridden: own,
        talk_ratio: None,
        longest_monologue_ms: None,
        longest_story_ms: None,
        switches_per_minute: None,
        patience_ms: None,
        interruptions: None,
        overtalk_ratio: None,
        silence_ratio: None,
        rep_speech_ms: None,
        customer_speech_ms: None,
        one_sided: false,
    };
    let Some(stereo) = voice else { return Ok(out) };
    let spans = segments(conn, id)?;
    if stereo {
        let rep = &spans[rep_channel.index()];
        let customer = &spans[1 - rep_channel.index()];
        let f = stereo_figures(rep, customer, duration_ms);
        out.talk_ratio = f.talk_ratio;
        out.longest_monologue_ms = Some(f.longest_monologue_ms);
        out.longest_story_ms = Some(f.longest_story_ms);
        out.switches_per_minute = Some(f.switches_per_minute);
        out.patience_ms = f.patience_ms;
        out.interruptions = Some(f.interruptions);
        out.overtalk_ratio = Some(f.overtalk_ratio);
        out.silence_ratio = Some(f.silence_ratio);
        out.rep_speech_ms = Some(f.rep_speech_ms);
        out.customer_speech_ms = Some(f.customer_speech_ms);
        out.one_sided = f.one_sided;
    } else {
        let speech = total(&spans[0]);
        out.silence_ratio = Some(share((duration_ms - speech).max(0), duration_ms));
        out.one_sided = speech < ONE_SIDED_MS;
    }
    Ok(out)
}

/// The rep's channel of call `id`, and whether it is the call's own choice (else the library's).
fn rep_channel_of(conn: &Connection, id: i64) -> Result<(RepChannel, bool)> {
    let own: Option<String> = conn
        .prepare_cached("SELECT rep_channel FROM recordings WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(match own.as_deref() {
        Some(c) => (c.parse()?, true),
        None => (library_rep_channel(conn)?, false),
    })
}

/// Whether call `id`'s voice was measured (`None`: not yet), and if so whether it has two sides.
fn measured(conn: &Connection, id: i64) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT stereo FROM call_voice WHERE recording_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Who spoke when on a call, as the speaker strip draws it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CallSpeech {
    /// One side per channel; a mono call has its speech in `rep` only, with no sides told.
    pub stereo: bool,
    pub rep_channel: RepChannel,
    pub rep: Vec<Span>,
    pub customer: Vec<Span>,
}

/// Call `id`'s speech by side, if `scope` may see the call.
pub fn speech(conn: &Connection, scope: Scope, id: i64) -> Result<CallSpeech> {
    super::rows::require_visible_call(conn, scope, id)?;
    let (rep_channel, _) = rep_channel_of(conn, id)?;
    let stereo = measured(conn, id)? == Some(true);
    let [left, right] = segments(conn, id)?;
    let (rep, customer) = match (stereo, rep_channel) {
        (false, _) => (left, Vec::new()),
        (true, RepChannel::Left) => (left, right),
        (true, RepChannel::Right) => (right, left),
    };
    Ok(CallSpeech { stereo, rep_channel, rep, customer })
}

/// Each channel's speech of recording `id`, in time order.
pub fn segments(conn: &Connection, id: i64) -> Result<[Vec<Span>; 2]> {
    let mut out: [Vec<Span>; 2] = [Vec::new(), Vec::new()];
    let mut stmt = conn.prepare_cached(
        "SELECT channel, start_ms, end_ms FROM speech_segments WHERE recording_id = ?1
         ORDER BY channel, start_ms",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
    for row in rows {
        let (ch, s, e) = row?;
        out[(ch as usize).min(1)].push((s, e));
    }
    Ok(out)
}

/// Recordings with audio here whose voice was never measured (imported before insights), oldest
/// first: what the background analysis works through. Calls whose waveform is still a review
/// pack's coarse one are left to `refine_peaks`, which measures them as it decodes them.
pub fn unanalysed(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT r.id FROM recordings r WHERE r.path IS NOT NULL AND r.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM call_voice v WHERE v.recording_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM peaks p WHERE p.recording_id = r.id AND p.level = 0
                           AND p.samples_per_bucket * 10 >= r.sample_rate)
         ORDER BY r.id",
    )?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Total length of spans.
pub fn total(spans: &[Span]) -> i64 {
    spans.iter().map(|(s, e)| e - s).sum()
}

/// Turns of one side: its spans merged over its own short pauses, unless the other side holds
/// the floor in between (speech of `BACKCHANNEL_MS` or more starting inside the pause).
pub fn turns(own: &[Span], other: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for &(s, e) in own {
        if let Some(last) = out.last_mut() {
            let gap = s - last.1;
            let floor_taken =
                other.iter().any(|&(os, oe)| oe - os >= BACKCHANNEL_MS && os < s && oe > last.1);
            if gap < BRIDGE_MS && !floor_taken {
                last.1 = last.1.max(e);
                continue;
            }
        }
        out.push((s, e));
    }
    out
}

/// Time both sides speak at once.
fn overlap(a: &[Span], b: &[Span]) -> i64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if e > s {
            both += e - s;
        }
        if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
    }
    both
}

/// The figures of a stereo call from each side's speech.
pub fn stereo_figures(rep: &[Span], customer: &[Span], duration_ms: i64) -> Figures {
    let (rep_ms, cust_ms) = (total(rep), total(customer));
    let rep_turns = turns(rep, customer);
    let cust_turns = turns(customer, rep);
    // Who holds the floor: turns of either side that are not backchannels, in start order.
    let mut floor: Vec<(i64, i64, bool)> = rep_turns
        .iter()
        .map(|&(s, e)| (s, e, true))
        .chain(cust_turns.iter().map(|&(s, e)| (s, e, false)))
        .filter(|(s, e, _)| e - s >= BACKCHANNEL_MS)
        .collect();
    floor.sort();
    let switches = floor.windows(2).filter(|w| w[0].2 != w[1].2).count();
    // Patience: after each customer turn, the rep's next turn.
    let mut gaps: Vec<i64> = Vec::new();
    let mut interruptions = 0u32;
    for &(cs, ce) in &cust_turns {
        if ce - cs < BACKCHANNEL_MS {
            continue;
        }
        let Some(&(rs, _)) =
            rep_turns.iter().find(|&&(rs, re)| rs > cs && re - rs >= BACKCHANNEL_MS)
        else {
            continue;
        };
        if rs >= ce {
            // Only when the rep answers this turn (not after another customer turn).
            let answered =
                !cust_turns.iter().any(|&(s, e)| s > ce && s < rs && e - s >= BACKCHANNEL_MS);
            if answered {
                gaps.push(rs - ce);
            }
        } else {
            interruptions += 1;
        }
    }
    gaps.sort();
    let both = overlap(rep, customer);
    let any = rep_ms + cust_ms - both;
    let minutes = duration_ms as f64 / 60_000.0;
    Figures {
        talk_ratio: (rep_ms + cust_ms > 0).then(|| rep_ms as f64 / (rep_ms + cust_ms) as f64),
        longest_monologue_ms: rep_turns.iter().map(|(s, e)| e - s).max().unwrap_or(0),
        longest_story_ms: cust_turns.iter().map(|(s, e)| e - s).max().unwrap_or(0),
        switches_per_minute: if minutes > 0.0 { switches as f64 / minutes } else { 0.0 },
        patience_ms: (!gaps.is_empty()).then(|| gaps[gaps.len() / 2]),
        interruptions,
        overtalk_ratio: share(both, duration_ms),
        silence_ratio: share((duration_ms - any).max(0), duration_ms),
        rep_speech_ms: rep_ms,
        customer_speech_ms: cust_ms,
        one_sided: rep_ms < ONE_SIDED_MS || cust_ms < ONE_SIDED_MS,
    }
}

fn share(part: i64, whole: i64) -> f64 {
    if whole > 0 { part as f64 / whole as f64 } else { 0.0 }
}

/// What [`stereo_figures`] computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub talk_ratio: Option<f64>,
    pub longest_monologue_ms: i64,
    pub longest_story_ms: i64,
    pub switches_per_minute: f64,
    pub patience_ms: Option<i64>,
    pub interruptions: u32,
    pub overtalk_ratio: f64,
    pub silence_ratio: f64,
    pub rep_speech_ms: i64,
    pub customer_speech_ms: i64,
    pub one_sided: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_bridge_own_pauses_and_backchannels_but_not_the_other_sides_turn() {
        let rep = [(0, 4_000), (4_500, 9_000), (12_000, 13_000)];
        // "mm-hm" at 5 s does not break the rep's turn; the customer's 2 s turn does.
        let customer = [(5_000, 5_300), (9_500, 11_500)];
        assert_eq!(turns(&rep, &customer), vec![(0, 9_000), (12_000, 13_000)]);
        let f = stereo_figures(&rep, &customer, 20_000);
        assert_eq!(f.longest_monologue_ms, 9_000);
        assert_eq!(f.longest_story_ms, 2_000);
        // Customer 9.5–11.5, rep answers at 12.0: patience 500 ms.
        assert_eq!(f.patience_ms, Some(500));
        assert_eq!(f.interruptions, 0);
        assert_eq!(f.rep_speech_ms, 4_000 + 4_500 + 1_000);
        // Overtalk: the backchannel, 300 ms of 20 s.
        assert!((f.overtalk_ratio - 0.015).abs() < 1e-9);
        // rep → customer → rep: two switches in a third of a minute.
        assert!((f.switches_per_minute - 6.0).abs() < 1e-9);
    }

    #[test]
    fn a_rep_starting_before_the_customer_stops_interrupts() {
        let customer = [(0, 5_000)];
        let rep = [(4_000, 8_000)];
        let f = stereo_figures(&rep, &customer, 10_000);
        assert_eq!(f.interruptions, 1);
        assert_eq!(f.patience_ms, None);
        assert!((f.overtalk_ratio - 0.1).abs() < 1e-9);
        assert!((f.silence_ratio - 0.2).abs() < 1e-9);
    }
}
