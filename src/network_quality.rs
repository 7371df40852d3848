//! Network quality for each participant, pure: a 0–5 level with a text alternative, from the
//! Video SDK's `networkQualityLevel` (twilio mode) or from a window of `RTCPeerConnection`
//! `getStats()` samples (the sandbox). The browser reads the reports and shows the result.
//!
//! ```text
//! getStats() ─Sample→ Monitor: window of WINDOW samples ─deltas→ loss, rtt, jitter, bitrate
//!                        │ nothing received for CUT_AFTER_MS → Cut (0, "connection lost")
//!                        └ MOS (E-model) → 1–5, capped by the available bitrate → Smoother → shown
//! SDK networkQualityLevel (null | 0–5) ─Quality::from_sdk→ shown as it comes
//! ```
//!
//! The scale is Twilio's (Network Quality API guide, twilio.com/docs/video/using-network-quality-api):
//! 5 excellent, 4 good, 3 average, 2 below average, 1 bad, 0 network broken (reconnecting).
//! Twilio computes its level on its servers and publishes no thresholds, so the sandbox's
//! mapping follows the nearest formula Twilio does publish, twilio-video.js's preflight test
//! (`lib/preflight/mos.ts`): `calculateMOS(rtt, jitter, loss)` and `mosToScore`. Where ours
//! follows which source, and where it knowingly differs:
//!
//! - **MOS** ([`mos`]): effective latency `rtt + 2·jitter + 10` ms, `R0 = 94.768`, the two
//!   latency slopes (below 160 ms and below 1000 ms) and the loss penalty `2.5 · loss%` with its
//!   floor `6.52`: exactly `calculateMOS`. Loss is in percent, as `calculateMOS`'s own tests
//!   pass it (10 → MOS 3.57); the preflight test itself passes a fraction (0.1), which we do not
//!   copy: it would make any loss nearly free.
//! - **MOS → level** ([`score`]): `> 4.2` → 5, `> 4.0` → 4, `> 3.6` → 3, `> 3.0` → 2, else 1:
//!   exactly `mosToScore`. A measured connection is never below 1; 0 is only [`Quality::Cut`].
//! - **Loss**: the worse direction. Received: `packetsLost / (packetsLost + packetsReceived)`
//!   over the window's deltas (summed over `inbound-rtp`, as the preflight test does); sent:
//!   the peer's latest `remote-inbound-rtp` `fractionLost`. Taking the worse is ours: Twilio
//!   reports send and receive levels apart (`NetworkQualityMediaStats.send`/`recv`) next to
//!   its one level, without saying how it combines them.
//! - **RTT**: the `candidate-pair`'s `currentRoundTripTime`, as the preflight test prefers; a
//!   missing one counts as 0, as there. **Jitter**: `inbound-rtp` audio `jitter`, 0 if missing.
//! - **Bitrate** ([`bitrate_cap`]): ours. Twilio's level is relative to what is sent; we cap it
//!   by `availableOutgoingBitrate` against the data rates Twilio's bandwidth guidance gives per
//!   use (HD audio ≈ 40 kbit/s, low-res video + audio ≈ 200, SD ≈ 540, HD ≈ 1500: converted
//!   from its GB-per-minute table, as quoted, not checked against twilio.com): below 40 → 1,
//!   below 200 → 2, below 540 → 3, below 1500 → 4.
//! - **Cut** and **smoothing**: ours (Twilio smooths on its servers). Nothing received for
//!   [`CUT_AFTER_MS`] while the peer has inbound streams → [`Quality::Cut`]. The shown level
//!   drops at once, and rises only after [`RISE_AFTER`] consecutive samples above it, to the
//!   lowest of them: a flapping link shows its worse level rather than blinking.
//!
//! Twilio mode shows the SDK's level as it comes ([`Quality::from_sdk`]): the server already
//! smooths it, and the SDK's `null` (not computed yet) is [`Quality::Unknown`].

use crate::strings::Text;
use std::collections::VecDeque;

/// How many samples the loss is computed over (about 5 s at one `getStats()` a second).
pub const WINDOW: usize = 5;
/// Nothing received for this long (ms) while the peer has inbound streams: the connection is cut.
pub const CUT_AFTER_MS: f64 = 5000.0;
/// Consecutive better samples before the shown level rises.
pub const RISE_AFTER: u32 = 3;

/// A level on Twilio's scale: 0 (network broken) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Level(u8);

impl Level {
    pub const MAX: Level = Level(5);

    /// The level `n`, if it is on the scale.
    pub const fn new(n: u8) -> Option<Level> {
        if n <= 5 {
            Some(Level(n))
        } else {
            None
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

/// What the indicator shows for one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quality {
    /// Not measured yet (the first report only sets a baseline; the SDK says `null`).
    #[default]
    Unknown,
    Level(Level),
    /// Nothing received for [`CUT_AFTER_MS`]: shown as 0, with its own reason.
    Cut,
}

impl Quality {
    /// The SDK's `networkQualityLevel` (`null` or 0–5). Anything else (a fraction, a number
    /// off the scale) is not a level the SDK gives: shown as not measured.
    pub fn from_sdk(level: Option<f64>) -> Quality {
        match level {
            Some(n) if n.fract() == 0.0 && (0.0..=5.0).contains(&n) => {
                Quality::Level(Level(n as u8))
            }
            _ => Quality::Unknown,
        }
    }

    /// The bars to fill, 0–5; `None` while not measured.
    pub const fn bars(self) -> Option<u8> {
        match self {
            Quality::Unknown => None,
            Quality::Level(l) => Some(l.0),
            Quality::Cut => Some(0),
        }
    }

    /// The text alternative ("Network quality: 4 of 5 (good)").
    pub const fn text(self) -> Text {
        match self {
            Quality::Unknown => Text::NetworkQualityUnknown,
            Quality::Cut => Text::NetworkQualityCut,
            Quality::Level(Level(0)) => Text::NetworkQuality0,
            Quality::Level(Level(1)) => Text::NetworkQuality1,
            Quality::Level(Level(2)) => Text::NetworkQuality2,
            Quality::Level(Level(3)) => Text::NetworkQuality3,
            Quality::Level(Level(4)) => Text::NetworkQuality4,
            Quality::Level(_) => Text::NetworkQuality5,
        }
    }
}

/// The worst of several measured qualities (a cut is worse than any level); `Unknown` when
/// none is measured. The sandbox shows the local participant's quality as the worst of its
/// connections to the others.
pub fn worst(qualities: impl IntoIterator<Item = Quality>) -> Quality {
    let rank = |q: &Quality| match q {
        Quality::Unknown => None,
        Quality::Cut => Some(0),
        Quality::Level(l) => Some(1 + u16::from(l.0)),
    };
    qualities
        .into_iter()
        .filter(|q| rank(q).is_some())
        .min_by_key(rank)
        .unwrap_or(Quality::Unknown)
}

/// Cumulative `inbound-rtp` counters, summed over the peer's inbound streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    pub received: u64,
    /// `packetsLost` may go down (late packets), and is signed in the spec.
    pub lost: i64,
}

/// What one `getStats()` report says about one remote peer. Non-finite or negative values are
/// treated as missing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sample {
    /// The report's `timestamp`, ms.
    pub at_ms: f64,
    /// The selected `candidate-pair`'s `currentRoundTripTime`, seconds.
    pub round_trip_s: Option<f64>,
    /// The selected `candidate-pair`'s `availableOutgoingBitrate`, bit/s.
    pub available_outgoing_bps: Option<f64>,
    /// The audio `inbound-rtp`'s `jitter`, seconds.
    pub jitter_s: Option<f64>,
    /// `None`: the peer sends nothing (no `inbound-rtp`), so silence is no sign of a cut.
    pub inbound: Option<Counters>,
    /// The worst `remote-inbound-rtp` `fractionLost` (0–1): what the peer loses of ours.
    pub remote_fraction_lost: Option<f64>,
}

fn valid(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite() && *v >= 0.0)
}

/// The R factor's latency part for an effective latency in ms (`calculateMOS`): 1 point per
/// 40 ms up to 160 ms, then 1 per 10 ms (the slopes meet at 160: `(160 - 120) / 10 = 4`), and
/// nothing left from a second on.
pub fn latency_r(effective_ms: f64) -> f64 {
    const R0: f64 = 94.768;
    if effective_ms >= 1000.0 {
        return 0.0;
    }
    R0 - effective_ms.min(160.0) / 40.0 - (effective_ms - 160.0).max(0.0) / 10.0
}

/// The R factor after a loss of `loss_pct` percent (`calculateMOS`).
pub fn loss_r(r: f64, loss_pct: f64) -> f64 {
    if loss_pct <= r / 2.5 {
        (r - loss_pct * 2.5).max(6.52)
    } else {
        0.0
    }
}

/// The mean opinion score (1–4.5) for a round trip and jitter in ms and a loss in percent.
pub fn mos(rtt_ms: f64, jitter_ms: f64, loss_pct: f64) -> f64 {
    let r = loss_r(latency_r(rtt_ms + jitter_ms * 2.0 + 10.0), loss_pct);
    1.0 + 0.035 * r + 0.000007 * r * (r - 60.0) * (100.0 - r)
}

/// The level for a MOS (`mosToScore`, without its 0 for a missing MOS).
pub fn score(mos: f64) -> Level {
    Level(match mos {
        m if m > 4.2 => 5,
        m if m > 4.0 => 4,
        m if m > 3.6 => 3,
        m if m > 3.0 => 2,
        _ => 1,
    })
}

/// The highest level an available outgoing bitrate (bit/s) allows.
pub fn bitrate_cap(bps: f64) -> Level {
    Level(match bps {
        b if b < 40_000.0 => 1,
        b if b < 200_000.0 => 2,
        b if b < 540_000.0 => 3,
        b if b < 1_500_000.0 => 4,
        _ => 5,
    })
}

/// The shown level: down at once, up after [`RISE_AFTER`] consecutive better samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Smoother {
    shown: Quality,
    /// The lowest of the better samples so far, and how many there were in a row.
    rising: Option<(Level, u32)>,
}

impl Smoother {
    pub fn shown(&self) -> Quality {
        self.shown
    }

    /// Takes a measured quality and returns what to show. `Unknown` changes nothing (a gap in
    /// the measurement is not news); a cut shows at once, and so does the first level after
    /// not knowing or after a cut (the connection is back: that is the news).
    pub fn push(&mut self, measured: Quality) -> Quality {
        match (self.shown, measured) {
            (_, Quality::Unknown) => {}
            (Quality::Level(shown), Quality::Level(l)) if l > shown => {
                let (low, n) = match self.rising {
                    Some((low, n)) => (low.min(l), n + 1),
                    None => (l, 1),
                };
                if n >= RISE_AFTER {
                    self.shown = Quality::Level(low);
                    self.rising = None;
                } else {
                    self.rising = Some((low, n));
                }
            }
            (_, m) => {
                self.shown = m;
                self.rising = None;
            }
        }
        self.shown
    }
}

/// One remote peer's measurement: the last [`WINDOW`] samples and the shown level.
#[derive(Debug, Clone, Default)]
pub struct Monitor {
    window: VecDeque<Sample>,
    /// When the received count last went up. A report without inbound streams (silence from a
    /// peer that sends nothing is no sign of a cut), or with new ones, restarts the clock.
    progress_ms: f64,
    smoother: Smoother,
}

impl Monitor {
    /// Adds a report and returns what to show. A report older than the last one (a late
    /// `getStats()` answer) is ignored.
    pub fn push(&mut self, sample: Sample) -> Quality {
        if self.window.back().is_some_and(|b| sample.at_ms < b.at_ms) {
            return self.smoother.shown();
        }
        let stalled = match (self.window.back().and_then(|b| b.inbound), sample.inbound) {
            (Some(prev), Some(cur)) => cur.received == prev.received,
            _ => false,
        };
        if !stalled {
            self.progress_ms = sample.at_ms;
        }
        if self.window.len() == WINDOW {
            self.window.pop_front();
        }
        self.window.push_back(sample);
        let measured = self.measure();
        self.smoother.push(measured)
    }

    /// The measured quality of the window, before smoothing.
    pub fn measure(&self) -> Quality {
        let Some(last) = self.window.back() else {
            return Quality::Unknown;
        };
        if last.at_ms - self.progress_ms >= CUT_AFTER_MS {
            return Quality::Cut;
        }
        let rtt = valid(last.round_trip_s);
        if self.window.len() < 2 || (rtt.is_none() && last.inbound.is_none()) {
            return Quality::Unknown;
        }
        let sent_loss = valid(last.remote_fraction_lost).map_or(0.0, |f| f.min(1.0) * 100.0);
        let loss = self.received_loss_pct().max(sent_loss);
        let jitter = valid(last.jitter_s).unwrap_or(0.0);
        let level = score(mos(rtt.unwrap_or(0.0) * 1000.0, jitter * 1000.0, loss));
        let cap = valid(last.available_outgoing_bps).map_or(Level::MAX, bitrate_cap);
        Quality::Level(level.min(cap))
    }

    /// Lost packets as a percentage of those expected over the window. A received count that
    /// went down is a counter reset (a stream replaced): that interval is left out.
    fn received_loss_pct(&self) -> f64 {
        let (mut received, mut lost) = (0u64, 0i64);
        for (prev, cur) in self.window.iter().zip(self.window.iter().skip(1)) {
            if let (Some(p), Some(c)) = (prev.inbound, cur.inbound) {
                if c.received >= p.received {
                    received = received.saturating_add(c.received - p.received);
                    lost = lost.saturating_add(c.lost.saturating_sub(p.lost));
                }
            }
        }
        let lost = lost.max(0) as f64;
        let expected = received as f64 + lost;
        if expected > 0.0 {
            lost / expected * 100.0
        } else {
            0.0
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
