//! Network quality in the sandbox: every [`POLL_MS`] each peer connection's `getStats()` report
//! becomes a [`Sample`] for that peer's [`Monitor`] ([`crate::network_quality`] decides the
//! level), and a change goes out as [`VideoEvent::NetworkQuality`].
//!
//! Each side measures from its own reports, and nothing travels over signaling: the remote
//! participant's level is that of the connection to them as this side sees it (its round trip,
//! what arrives from them and what they report losing of ours, `remote-inbound-rtp`), and the
//! local participant's is the worst of those connections ([`worst`]). In a two-person call
//! that is one connection, so both indicators measure the same link, which is what a person
//! can act on: a cut on either side shows on the other within [`CUT_AFTER_MS`].
//!
//! [`CUT_AFTER_MS`]: crate::network_quality::CUT_AFTER_MS

use super::peer::Peer;
use super::Inner;
use crate::network_quality::{worst, Counters, Monitor, Quality, Sample};
use crate::web::dom::Timer;
use crate::web::video::table::Table;
use crate::web::video::{emit, VideoEvent};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How often each connection's statistics are read.
pub const POLL_MS: u32 = 2000;

/// The monitors of one room; dropping it stops the polling.
#[derive(Default)]
pub struct Watch {
    /// Remote participant → their monitor and the level last announced.
    monitors: RefCell<Table<(Monitor, Quality)>>,
    local: Cell<Quality>,
    next: RefCell<Option<Timer>>,
}

impl Watch {
    /// Stops polling (the room closed).
    pub fn stop(&self) {
        self.next.borrow_mut().take();
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn num(v: &JsValue, key: &str) -> Option<f64> {
    get(v, key).as_f64()
}

fn is(v: &JsValue, key: &str, value: &str) -> bool {
    get(v, key).as_string().as_deref() == Some(value)
}

/// What one `getStats()` report says, at `at_ms`.
fn sample(report: &JsValue, at_ms: f64) -> Sample {
    let mut s = Sample {
        at_ms,
        ..Sample::default()
    };
    let mut each = |entry: JsValue| {
        if is(&entry, "type", "candidate-pair") {
            if get(&entry, "nominated").as_bool() == Some(true) && is(&entry, "state", "succeeded")
            {
                s.round_trip_s = num(&entry, "currentRoundTripTime");
                s.available_outgoing_bps = num(&entry, "availableOutgoingBitrate");
            }
        } else if is(&entry, "type", "inbound-rtp") {
            let c = s.inbound.get_or_insert(Counters::default());
            let received = num(&entry, "packetsReceived").unwrap_or(0.0).max(0.0);
            c.received = c.received.saturating_add(received as u64);
            c.lost = c
                .lost
                .saturating_add(num(&entry, "packetsLost").unwrap_or(0.0) as i64);
            if is(&entry, "kind", "audio") {
                s.jitter_s = num(&entry, "jitter");
            }
        } else if is(&entry, "type", "remote-inbound-rtp") {
            if let Some(f) = num(&entry, "fractionLost") {
                s.remote_fraction_lost = Some(s.remote_fraction_lost.map_or(f, |w| w.max(f)));
            }
        }
    };
    // RTCStatsReport is map-like: iterating it gives [id, stats] pairs.
    if let Ok(Some(pairs)) = js_sys::try_iter(report) {
        for pair in pairs.flatten() {
            each(js_sys::Reflect::get_u32(&pair, 1).unwrap_or(JsValue::UNDEFINED));
        }
    }
    s
}

impl Inner {
    /// Starts (or continues) polling every connection's statistics.
    pub(super) fn watch_quality(self: &Rc<Self>) {
        let weak: Weak<Inner> = Rc::downgrade(self);
        let next = Timer::new(POLL_MS, move || {
            let Some(inner) = weak.upgrade() else { return };
            wasm_bindgen_futures::spawn_local(async move {
                inner.measure().await;
                if inner.phase.get() != super::Phase::Closed {
                    inner.watch_quality();
                }
            });
        });
        *self.quality.next.borrow_mut() = Some(next);
    }

    async fn measure(&self) {
        let peers: Vec<(String, Rc<Peer>)> = self
            .peers
            .borrow()
            .iter()
            .map(|(sid, p)| (sid.to_owned(), p.clone()))
            .collect();
        self.quality
            .monitors
            .borrow_mut()
            .retain(|sid| peers.iter().any(|(p, _)| p == sid));
        for (sid, peer) in peers {
            let report = match peer.stats() {
                Ok(promise) => JsFuture::from(promise).await,
                Err(e) => Err(e),
            };
            // A closed connection has no report; the peer is going away.
            let Ok(report) = report else { continue };
            let sample = sample(&report, js_sys::Date::now());
            if !self.peers.borrow().contains_key(&sid) {
                continue;
            }
            let changed = {
                let mut monitors = self.quality.monitors.borrow_mut();
                let (monitor, shown) =
                    monitors.get_or_insert_with(&sid, || (Monitor::default(), Quality::Unknown));
                let now = monitor.push(sample);
                (now != *shown).then(|| {
                    *shown = now;
                    now
                })
            };
            if let Some(quality) = changed {
                emit(
                    &self.events,
                    VideoEvent::NetworkQuality {
                        participant: Some(sid),
                        quality,
                    },
                );
            }
        }
        let local = worst(self.quality.monitors.borrow().values().map(|(_, q)| *q));
        if self.quality.local.replace(local) != local {
            emit(
                &self.events,
                VideoEvent::NetworkQuality {
                    participant: None,
                    quality: local,
                },
            );
        }
    }
}
