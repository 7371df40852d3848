//! The pre-join screen's state machine, pure: camera preview and microphone meter before Join,
//! what the browser must do (ask `getUserMedia`, stop a track, route the speaker, store a
//! choice, join with the tracks) and what the screen says. Which device to use is
//! [`crate::devices`]'; the browser side performs the effects and reports what happened.
//!
//! ```text
//! Start ─→ Asking ─every track answered→ Previewing ─Join→ Joining
//!   ↑       │ one request for both kinds; it failed, not refused → each kind alone, in turn
//!   │       │ OverconstrainedError (a remembered id the browser no longer knows) → any device
//!   └─ Try again (refused, missing, failed) ──── Previewing ⇄ Switch (that track only restarts)
//! ```
//!
//! One `getUserMedia` runs at a time: the first asks for both kinds (one permission prompt);
//! if that fails for a reason other than a refusal, each kind is asked alone, so a missing
//! camera does not cost the microphone. What may be joined with, decided:
//!
//! - **No camera** (none, or it cannot start): Join as usual, audio only, with a notice.
//! - **No microphone**: the screen says the others will not hear you, and Join says
//!   "Join without microphone": joining muted is allowed, knowingly.
//! - **Refused**: the screen says how to allow access and offers Try again; Join says
//!   "Join without camera and microphone" (you still see and hear the others).
//!
//! The glue re-enumerates once tracks run (labels appear) and, if [`crate::devices::pick`]
//! matches the remembered device by label where the id had changed, switches to it with
//! `remember: true` (the stored id is renewed).

use crate::devices::{remember, Constraint, Device, Kind, MediaError, Remembered};
use crate::strings::Text;

/// One kind's track on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// Asked for (or waiting its turn).
    Asking(Constraint),
    /// Running, from this device.
    Live(String),
    Missing,
    Refused,
    Failed,
}

impl Slot {
    /// The running track's device.
    pub fn live(&self) -> Option<String> {
        match self {
            Slot::Live(id) => Some(id.clone()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Asking,
    Previewing,
    /// Handed over to the call.
    Joining,
}

/// What the browser side must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// One `getUserMedia` call (see [`crate::devices::constraints`]); `None` is `false`.
    Acquire {
        audio: Option<Constraint>,
        video: Option<Constraint>,
    },
    /// Stop this kind's preview track.
    Stop(Kind),
    /// `setSinkId` on the page's media elements.
    Route(String),
    /// Store the choice under [`crate::devices::storage_key`], or clear it (`None`).
    Store(Kind, Option<Remembered>),
    /// Join with these running tracks (`None`: without that kind) and this speaker.
    Join {
        microphone: Option<String>,
        camera: Option<String>,
        speaker: Option<String>,
    },
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// The screen opened, or Try again: how to ask for each kind (`None`: no such device,
    /// from [`crate::devices::first_constraint`]).
    Start {
        microphone: Option<&'a Constraint>,
        camera: Option<&'a Constraint>,
    },
    /// The request gave this kind's track, from this device (`getSettings().deviceId`).
    Got(Kind, &'a str),
    /// The request failed.
    Failed(MediaError),
    /// Use this device (`remember`: the person chose it; not for an automatic switch).
    Switch {
        device: &'a Device,
        remember: bool,
    },
    /// This kind's device went away with no other to use: its track is stopped.
    Lost(Kind),
    Join,
}

/// The screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreJoin {
    phase: Phase,
    microphone: Slot,
    camera: Slot,
    speaker: Option<String>,
    /// The kinds the running request covers (microphone, camera).
    inflight: (bool, bool),
}

impl Default for PreJoin {
    fn default() -> Self {
        PreJoin {
            phase: Phase::Idle,
            microphone: Slot::Missing,
            camera: Slot::Missing,
            speaker: None,
            inflight: (false, false),
        }
    }
}

fn slot_for(c: Option<&Constraint>) -> Slot {
    c.map_or(Slot::Missing, |c| Slot::Asking(c.clone()))
}

fn asked(s: &Slot) -> Option<Constraint> {
    match s {
        Slot::Asking(c) => Some(c.clone()),
        _ => None,
    }
}

impl PreJoin {
    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn slot(&self, kind: Kind) -> Option<&Slot> {
        match kind {
            Kind::Microphone => Some(&self.microphone),
            Kind::Camera => Some(&self.camera),
            Kind::Speaker => None,
        }
    }

    fn slot_mut(&mut self, kind: Kind) -> Option<&mut Slot> {
        match kind {
            Kind::Microphone => Some(&mut self.microphone),
            Kind::Camera => Some(&mut self.camera),
            Kind::Speaker => None,
        }
    }

    /// Whether the running request covers `kind` (`None` for the speaker: never captured).
    fn covers(&mut self, kind: Kind) -> Option<&mut bool> {
        match kind {
            Kind::Microphone => Some(&mut self.inflight.0),
            Kind::Camera => Some(&mut self.inflight.1),
            Kind::Speaker => None,
        }
    }

    fn busy(&self) -> bool {
        self.inflight.0 || self.inflight.1
    }

    fn stop_live(&self) -> Vec<Effect> {
        let live = |k, s: &Slot| s.live().map(|_| Effect::Stop(k));
        live(Kind::Microphone, &self.microphone)
            .into_iter()
            .chain(live(Kind::Camera, &self.camera))
            .collect()
    }

    /// The request to send next (both kinds `together`, else the microphone's turn first).
    /// Once none is due, previewing.
    fn next(&mut self, together: bool) -> Vec<Effect> {
        let (audio, video) = (asked(&self.microphone), asked(&self.camera));
        if audio.is_none() && video.is_none() {
            self.inflight = (false, false);
            self.phase = Phase::Previewing;
            return Vec::new();
        }
        let video = if together || audio.is_none() {
            video
        } else {
            None
        };
        self.inflight = (audio.is_some(), video.is_some());
        vec![Effect::Acquire { audio, video }]
    }

    /// The slots the running request covers.
    fn covered(&mut self) -> Vec<&mut Slot> {
        let (mic, cam) = self.inflight;
        [(mic, &mut self.microphone), (cam, &mut self.camera)]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, slot)| slot)
            .collect()
    }

    /// The running request failed: what becomes of the kinds it covered.
    fn failed(&mut self, error: MediaError) -> Vec<Effect> {
        let both = self.inflight == (true, true);
        let end = match error {
            // A remembered id the browser no longer knows: any device will do.
            MediaError::Overconstrained
                if self
                    .covered()
                    .iter()
                    .any(|s| **s != Slot::Asking(Constraint::Any)) =>
            {
                for slot in self.covered() {
                    *slot = Slot::Asking(Constraint::Any);
                }
                return self.next(both);
            }
            MediaError::Refused => Slot::Refused,
            // Asked for both: ask each alone, so one missing device does not cost the other.
            _ if both => return self.next(false),
            MediaError::NotFound => Slot::Missing,
            _ => Slot::Failed,
        };
        for slot in self.covered() {
            *slot = end.clone();
        }
        self.next(false)
    }

    /// The effects `input` causes, or `None` when it does not apply now (a late answer, a
    /// click while a track is starting): the caller ignores it.
    pub fn step(&mut self, input: Input<'_>) -> Option<Vec<Effect>> {
        let busy = self.busy();
        match (self.phase, input) {
            (Phase::Idle | Phase::Previewing, Input::Start { microphone, camera }) if !busy => {
                let mut effects = self.stop_live();
                self.microphone = slot_for(microphone);
                self.camera = slot_for(camera);
                self.phase = Phase::Asking;
                effects.extend(self.next(true));
                Some(effects)
            }
            (Phase::Asking | Phase::Previewing, Input::Got(kind, id)) => {
                if !std::mem::take(self.covers(kind)?) {
                    return None;
                }
                *self.slot_mut(kind)? = Slot::Live(id.to_owned());
                // The other half of a request for both kinds is still to come.
                Some(if self.busy() {
                    Vec::new()
                } else {
                    self.next(false)
                })
            }
            (Phase::Asking | Phase::Previewing, Input::Failed(error)) if busy => {
                Some(self.failed(error))
            }
            (
                Phase::Previewing,
                Input::Switch {
                    device,
                    remember: keep,
                },
            ) if !busy => {
                let mut effects = Vec::new();
                match self.slot_mut(device.kind) {
                    Some(Slot::Live(id)) if *id == device.device_id => {}
                    Some(slot) => {
                        if matches!(slot, Slot::Live(_)) {
                            effects.push(Effect::Stop(device.kind));
                        }
                        *slot = Slot::Asking(Constraint::for_id(&device.device_id));
                        effects.extend(self.next(false));
                    }
                    None => {
                        self.speaker = Some(device.device_id.clone());
                        effects.push(Effect::Route(device.device_id.clone()));
                    }
                }
                if keep {
                    effects.push(Effect::Store(device.kind, remember(device)));
                }
                Some(effects)
            }
            (Phase::Previewing, Input::Lost(kind)) => {
                if *self.covers(kind)? {
                    // The running request answers for it.
                    return None;
                }
                let was = std::mem::replace(self.slot_mut(kind)?, Slot::Missing);
                Some(was.live().map(|_| Effect::Stop(kind)).into_iter().collect())
            }
            (Phase::Previewing, Input::Join) if !busy => {
                self.phase = Phase::Joining;
                Some(vec![Effect::Join {
                    microphone: self.microphone.live(),
                    camera: self.camera.live(),
                    speaker: self.speaker.clone(),
                }])
            }
            _ => None,
        }
    }

    /// Whether Join is offered (and accepted) now.
    pub fn can_join(&self) -> bool {
        self.phase == Phase::Previewing && !self.busy()
    }

    /// What Join says: plain, or what joining now goes without.
    pub fn join_text(&self) -> Text {
        match (&self.microphone, &self.camera) {
            (Slot::Live(_), _) => Text::JoinVideoRoom,
            (_, Slot::Live(_)) => Text::JoinWithoutMicrophone,
            _ => Text::JoinWithoutDevices,
        }
    }

    /// Whether Try again is offered: something refused, missing or failed.
    pub fn can_retry(&self) -> bool {
        self.can_join()
            && [&self.microphone, &self.camera]
                .into_iter()
                .any(|s| matches!(s, Slot::Refused | Slot::Missing | Slot::Failed))
    }

    /// What the screen says, in order.
    pub fn notices(&self) -> Vec<Text> {
        if self.phase == Phase::Asking {
            return vec![Text::PreJoinAsking];
        }
        if self.microphone == Slot::Refused || self.camera == Slot::Refused {
            return vec![Text::PreJoinRefused];
        }
        let camera = match self.camera {
            Slot::Missing => Some(Text::PreJoinNoCamera),
            Slot::Failed => Some(Text::PreJoinCameraFailed),
            _ => None,
        };
        let microphone = match self.microphone {
            Slot::Missing => Some(Text::PreJoinNoMicrophone),
            Slot::Failed => Some(Text::PreJoinMicrophoneFailed),
            _ => None,
        };
        camera.into_iter().chain(microphone).collect()
    }
}

/// Steps of the microphone meter.
pub const METER_STEPS: u8 = 10;
/// The meter's range: this many dB below full scale is step 0, full scale is step 10.
pub const METER_RANGE_DB: f32 = 60.0;

/// The meter's step (0–10) for one `AnalyserNode.getFloatTimeDomainData` frame (samples in
/// -1..1): the frame's RMS in dB below full scale, 6 dB a step, so speech (around -30 dBFS)
/// sits mid-scale. Silence, an empty frame and non-finite samples are step 0.
pub fn meter_step(samples: &[f32]) -> u8 {
    if samples.is_empty() {
        return 0;
    }
    let sum: f32 = samples.iter().map(|s| s * s).sum();
    let rms = (sum / samples.len() as f32).sqrt();
    if !rms.is_finite() || rms <= 0.0 {
        return 0;
    }
    let db = 20.0 * rms.log10();
    let step = (db + METER_RANGE_DB) / (METER_RANGE_DB / METER_STEPS as f32);
    step.clamp(0.0, METER_STEPS as f32) as u8
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
