//! What the sandbox room hears from signaling: the join answer, participants arriving and leaving,
//! the offers, answers and candidates for each peer, and track messages, turned into
//! [`VideoEvent`]s.

use super::{Inner, Phase};
use crate::protocol::{ServerMessage, TrackChange, TrackState};
use crate::web::video::{emit, TrackName, VideoEvent};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::MediaStreamTrack;

impl Inner {
    pub(super) fn remote_track(&self, from: &str, track: MediaStreamTrack, stream: Option<String>) {
        let name = if track.kind() == "audio" {
            TrackName::Microphone
        } else {
            stream
                .and_then(|s| self.streams.borrow().get(from)?.get(&s).copied())
                .unwrap_or(TrackName::Camera)
        };
        emit(
            &self.events,
            VideoEvent::TrackAdded {
                participant: from.to_owned(),
                name,
                track,
            },
        );
    }

    fn remember(&self, participant: &str, tracks: &[TrackState]) {
        let mut streams = self.streams.borrow_mut();
        let known = streams.get_or_default(participant);
        for t in tracks {
            if let Some(s) = &t.stream {
                known.insert(s.clone(), t.name);
            }
        }
    }

    pub(super) fn on_message(self: &Rc<Self>, message: ServerMessage) {
        match message {
            ServerMessage::Joined {
                participant_sid,
                participants,
                ..
            } => self.on_joined(participant_sid, participants),
            ServerMessage::ParticipantJoined { participant } => {
                self.remember(&participant.sid, &participant.tracks);
                emit(
                    &self.events,
                    VideoEvent::ParticipantJoined {
                        sid: participant.sid,
                        identity: participant.identity,
                    },
                );
            }
            ServerMessage::ParticipantLeft { sid } => {
                self.peers.borrow_mut().remove(&sid);
                self.streams.borrow_mut().remove(&sid);
                emit(&self.events, VideoEvent::ParticipantLeft { sid });
            }
            ServerMessage::Offer { from, sdp } => {
                let existing = self.peers.borrow().contains_key(&from);
                let Some(peer) = self.peer(&from) else { return };
                let weak = Rc::downgrade(self);
                let new_peer = peer.clone();
                peer.offer(&sdp, move || {
                    if let (false, Some(inner)) = (existing, weak.upgrade()) {
                        inner.add_local_tracks(&new_peer);
                    }
                });
            }
            ServerMessage::Answer { from, sdp } => {
                if let Some(peer) = self.peers.borrow().get(&from) {
                    peer.answer(&sdp);
                }
            }
            ServerMessage::Candidate { from, candidate } => {
                if let Some(peer) = self.peers.borrow().get(&from) {
                    peer.candidate(&candidate);
                }
            }
            ServerMessage::Track {
                from,
                change,
                name,
                stream,
                ..
            } => self.on_track_message(from, change, name, stream),
            ServerMessage::Error { message } => {
                web_sys::console::warn_2(&"signaling refused a message:".into(), &message.into());
            }
            ServerMessage::Disconnected { reason, .. } => self.close(Some(reason)),
        }
    }

    fn on_joined(self: &Rc<Self>, me: String, participants: Vec<crate::protocol::Participant>) {
        let was = self.phase.replace(Phase::Connected);
        *self.me.borrow_mut() = me;
        // Name our tracks before any offer carries them.
        for (name, track, _) in self.local.tracks() {
            self.track_message(TrackChange::Published, name);
            if name == TrackName::Microphone && !track.enabled() {
                self.track_message(TrackChange::Disabled, name);
            }
        }
        for p in participants {
            self.remember(&p.sid, &p.tracks);
            emit(
                &self.events,
                VideoEvent::ParticipantJoined {
                    sid: p.sid.clone(),
                    identity: p.identity.clone(),
                },
            );
            for t in p.tracks.iter().filter(|t| !t.enabled) {
                emit(
                    &self.events,
                    VideoEvent::TrackSwitched {
                        participant: p.sid.clone(),
                        name: t.name,
                        enabled: false,
                    },
                );
            }
            // The newcomer offers: adding tracks triggers negotiation.
            if let Some(peer) = self.peer(&p.sid) {
                self.add_local_tracks(&peer);
            }
        }
        match was {
            Phase::Reconnecting(_) => emit(&self.events, VideoEvent::Reconnected),
            _ => {
                if let Some((resolve, _)) = self.joining.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            }
        }
    }

    fn on_track_message(
        &self,
        from: String,
        change: TrackChange,
        name: TrackName,
        stream: Option<String>,
    ) {
        let event = match change {
            TrackChange::Published => {
                if let Some(s) = stream {
                    self.streams
                        .borrow_mut()
                        .get_or_default(&from)
                        .insert(s, name);
                }
                return;
            }
            TrackChange::Unpublished => VideoEvent::TrackRemoved {
                participant: from,
                name,
            },
            TrackChange::Enabled | TrackChange::Disabled => VideoEvent::TrackSwitched {
                participant: from,
                name,
                enabled: change == TrackChange::Enabled,
            },
        };
        emit(&self.events, event);
    }
}
