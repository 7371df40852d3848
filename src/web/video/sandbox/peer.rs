//! One `RTCPeerConnection` to one remote participant, negotiated with the "perfect
//! negotiation" pattern: either side may offer whenever its tracks change; when offers cross,
//! the polite side (decided by comparing participant sids) rolls back and answers, the other
//! ignores the incoming offer. Closing the connection and releasing every listener happen on
//! drop.

use crate::protocol::{Candidate, ClientMessage, TrackName};
use crate::web::dom::Listener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcRtpSender, RtcSdpType, RtcSessionDescriptionInit,
    RtcSignalingState, RtcTrackEvent,
};

/// Sends a signaling message to the server.
pub type Outbox = Rc<dyn Fn(ClientMessage)>;
/// A remote track arrived, with the id of the stream it came in.
pub type OnTrack = Rc<dyn Fn(MediaStreamTrack, Option<String>)>;

struct Negotiation {
    polite: bool,
    making_offer: Cell<bool>,
    ignore_offer: Cell<bool>,
}

#[must_use = "dropping the peer closes its connection"]
pub struct Peer {
    remote: String,
    pc: RtcPeerConnection,
    negotiation: Rc<Negotiation>,
    outbox: Outbox,
    senders: RefCell<Vec<(TrackName, RtcRtpSender)>>,
    _listeners: [Listener; 3],
}

/// `pc.setLocalDescription()` without arguments: the browser creates the offer or answer
/// that fits the current state, atomically.
fn set_local(pc: &RtcPeerConnection) -> Result<js_sys::Promise, JsValue> {
    let f: js_sys::Function =
        js_sys::Reflect::get(pc, &JsValue::from_str("setLocalDescription"))?.dyn_into()?;
    f.call0(pc)?.dyn_into()
}

fn warn(what: &str, e: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(what), e);
}

impl Peer {
    pub fn new(
        local: &str,
        remote: &str,
        config: &RtcConfiguration,
        loopback_only: bool,
        outbox: Outbox,
        on_track: OnTrack,
    ) -> Result<Peer, JsValue> {
        let pc = RtcPeerConnection::new_with_configuration(config)?;
        let negotiation = Rc::new(Negotiation {
            polite: local > remote,
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
        });
        let to = remote.to_owned();

        let out = outbox.clone();
        let candidate_to = to.clone();
        let ice = Listener::new(&pc, "icecandidate", move |event| {
            let Some(c) = event
                .dyn_ref::<RtcPeerConnectionIceEvent>()
                .and_then(RtcPeerConnectionIceEvent::candidate)
            else {
                return;
            };
            let candidate = Candidate {
                candidate: c.candidate(),
                sdp_mid: c.sdp_mid(),
                sdp_m_line_index: c.sdp_m_line_index(),
            };
            if candidate.candidate.is_empty() || (loopback_only && !candidate.is_loopback()) {
                return;
            }
            out(ClientMessage::Candidate {
                to: candidate_to.clone(),
                candidate,
            });
        });

        let track = Listener::new(&pc, "track", move |event| {
            let Some(event) = event.dyn_ref::<RtcTrackEvent>() else {
                return;
            };
            let stream = event
                .streams()
                .get(0)
                .dyn_into::<MediaStream>()
                .ok()
                .map(|s| s.id());
            on_track(event.track(), stream);
        });

        let (pc2, neg, out) = (pc.clone(), negotiation.clone(), outbox.clone());
        let needed = Listener::new(&pc, "negotiationneeded", move |_| {
            let (pc, neg, out, to) = (pc2.clone(), neg.clone(), out.clone(), to.clone());
            spawn_local(async move {
                neg.making_offer.set(true);
                let done = match set_local(&pc) {
                    Ok(p) => JsFuture::from(p).await,
                    Err(e) => Err(e),
                };
                neg.making_offer.set(false);
                match (done, pc.local_description()) {
                    (Ok(_), Some(d)) if d.type_() == RtcSdpType::Offer => {
                        out(ClientMessage::Offer { to, sdp: d.sdp() })
                    }
                    (Err(e), _) => warn("creating an offer failed", &e),
                    _ => {}
                }
            });
        });

        Ok(Peer {
            remote: remote.to_owned(),
            pc,
            negotiation,
            outbox,
            senders: RefCell::new(Vec::new()),
            _listeners: [ice, track, needed],
        })
    }

    /// `pc.getStats()`: the report for the network quality ([`super::quality`]).
    pub fn stats(&self) -> Result<js_sys::Promise, JsValue> {
        let f: js_sys::Function =
            js_sys::Reflect::get(&self.pc, &JsValue::from_str("getStats"))?.dyn_into()?;
        f.call0(&self.pc)?.dyn_into()
    }

    /// Starts sending a local track (renegotiates).
    pub fn add(&self, name: TrackName, track: &MediaStreamTrack, stream: &MediaStream) {
        let sender = self.pc.add_track_0(track, stream);
        self.senders.borrow_mut().push((name, sender));
    }

    /// Sends `track` in place of what the `name` sender sends (no renegotiation).
    pub fn replace(&self, name: TrackName, track: &MediaStreamTrack) {
        for (n, sender) in self.senders.borrow().iter() {
            if *n == name {
                let replaced = sender.replace_track(Some(track));
                spawn_local(async move {
                    if let Err(e) = JsFuture::from(replaced).await {
                        warn("replacing a track failed", &e);
                    }
                });
            }
        }
    }

    /// Stops sending a local track (renegotiates).
    pub fn remove(&self, name: TrackName) {
        let removed: Vec<RtcRtpSender> = {
            let mut senders = self.senders.borrow_mut();
            let (gone, kept) = senders.drain(..).partition(|(n, _)| *n == name);
            *senders = kept;
            gone.into_iter().map(|(_, s)| s).collect()
        };
        for sender in removed {
            self.pc.remove_track(&sender);
        }
    }

    /// A remote offer. `then` runs once it is applied and before the answer is created
    /// (a new peer adds its local tracks there, so the answer carries them).
    pub fn offer(&self, sdp: &str, then: impl FnOnce() + 'static) {
        let neg = &self.negotiation;
        let collision =
            neg.making_offer.get() || self.pc.signaling_state() != RtcSignalingState::Stable;
        let ignore = !neg.polite && collision;
        neg.ignore_offer.set(ignore);
        if ignore {
            return;
        }
        let init = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
        init.set_sdp(sdp);
        // Called now, not in the task: candidates that follow queue behind it.
        let applied = self.pc.set_remote_description(&init);
        let (pc, out, to) = (self.pc.clone(), self.outbox.clone(), self.remote.clone());
        spawn_local(async move {
            if let Err(e) = JsFuture::from(applied).await {
                return warn("applying an offer failed", &e);
            }
            then();
            let answered = match set_local(&pc) {
                Ok(p) => JsFuture::from(p).await,
                Err(e) => Err(e),
            };
            match (answered, pc.local_description()) {
                (Ok(_), Some(d)) if d.type_() == RtcSdpType::Answer => {
                    out(ClientMessage::Answer { to, sdp: d.sdp() })
                }
                (Err(e), _) => warn("creating an answer failed", &e),
                _ => {}
            }
        });
    }

    pub fn answer(&self, sdp: &str) {
        let init = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
        init.set_sdp(sdp);
        let applied = self.pc.set_remote_description(&init);
        spawn_local(async move {
            if let Err(e) = JsFuture::from(applied).await {
                warn("applying an answer failed", &e);
            }
        });
    }

    pub fn candidate(&self, candidate: &Candidate) {
        let init = RtcIceCandidateInit::new(&candidate.candidate);
        init.set_sdp_mid(candidate.sdp_mid.as_deref());
        init.set_sdp_m_line_index(candidate.sdp_m_line_index);
        let added = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
        let neg = self.negotiation.clone();
        spawn_local(async move {
            if let Err(e) = JsFuture::from(added).await {
                // Candidates of an offer we ignored are expected to fail.
                if !neg.ignore_offer.get() {
                    warn("adding an ICE candidate failed", &e);
                }
            }
        });
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.pc.close();
    }
}
