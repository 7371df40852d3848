//! The sandbox room: the host's signaling socket plus one peer connection per remote
//! participant (a full mesh). The newcomer offers to everyone already there; later track
//! changes renegotiate from either side. Microphone mute is `track.enabled = false` plus a
//! track message; camera off and screen share stop are unpublish (stop + remove + renegotiate)
//! plus a track message, so the other side sees them either way.

mod peer;
mod socket;

use super::table::Table;
use super::{
    emit, media, on_share_ended, ConnectOptions, DisconnectReason, EventSink, TrackName,
    VideoError, VideoEvent,
};
use crate::protocol::{ClientMessage, ServerMessage, TrackChange, TrackState};
use gloo_events::EventListener;
use peer::Peer;
use socket::Socket;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack, RtcConfiguration};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Joining,
    Connected,
    Reconnecting(u32),
    Closed,
}

/// How often to try again after the signaling connection drops.
const RECONNECT_ATTEMPTS: u32 = 5;
const RECONNECT_DELAY_MS: i32 = 1000;

struct Local {
    /// Camera and microphone travel in this stream (its id tells receivers "camera").
    stream: MediaStream,
    microphone: RefCell<Option<MediaStreamTrack>>,
    camera: RefCell<Option<MediaStreamTrack>>,
    screen_stream: MediaStream,
    screen: RefCell<Option<(MediaStreamTrack, EventListener)>>,
}

impl Local {
    fn tracks(&self) -> Vec<(TrackName, MediaStreamTrack, MediaStream)> {
        let mut all = Vec::new();
        if let Some(t) = self.microphone.borrow().clone() {
            all.push((TrackName::Microphone, t, media::same_stream(&self.stream)));
        }
        if let Some(t) = self.camera.borrow().clone() {
            all.push((TrackName::Camera, t, media::same_stream(&self.stream)));
        }
        if let Some((t, _)) = self.screen.borrow().as_ref() {
            all.push((
                TrackName::Screen,
                media::same_track(t),
                media::same_stream(&self.screen_stream),
            ));
        }
        all
    }

    fn stop(&self) {
        media::stop_stream(&self.stream);
        self.microphone.borrow_mut().take();
        self.camera.borrow_mut().take();
        if let Some((t, _)) = self.screen.borrow_mut().take() {
            t.stop();
        }
    }
}

struct Inner {
    options: ConnectOptions,
    events: EventSink,
    config: RtcConfiguration,
    phase: Cell<Phase>,
    me: RefCell<String>,
    socket: RefCell<Option<Socket>>,
    peers: RefCell<Table<Rc<Peer>>>,
    /// Remote participant → stream id → track name (video tracks).
    streams: RefCell<Table<Table<TrackName>>>,
    local: Local,
    /// Settles `connect`: resolve on `joined`, reject with the reason code otherwise.
    joining: RefCell<Option<(js_sys::Function, js_sys::Function)>>,
}

#[must_use = "dropping the room leaves it and stops every local track"]
pub struct SandboxRoom {
    inner: Rc<Inner>,
}

fn rtc_config(options: &ConnectOptions) -> RtcConfiguration {
    let config = RtcConfiguration::new();
    config.set_ice_servers(&super::wire::ice_servers(&options.ice.servers));
    config
}

impl SandboxRoom {
    pub async fn connect(options: ConnectOptions, events: EventSink) -> Result<Self, VideoError> {
        let url = options
            .signaling_url
            .clone()
            .ok_or_else(|| VideoError::Other("no signaling URL".into()))?;
        let captured = media::user_media(true, true).await?;
        let stream = MediaStream::new().map_err(|_| VideoError::Unsupported)?;
        let microphone = media::first_track(&captured, "audio");
        let camera = media::first_track(&captured, "video");
        for t in microphone.iter().chain(camera.iter()) {
            stream.add_track(t);
        }
        let local = Local {
            stream,
            microphone: RefCell::new(microphone),
            camera: RefCell::new(camera),
            screen_stream: MediaStream::new().map_err(|_| VideoError::Unsupported)?,
            screen: RefCell::new(None),
        };
        let inner = Rc::new(Inner {
            config: rtc_config(&options),
            options,
            events,
            phase: Cell::new(Phase::Joining),
            me: RefCell::new(String::new()),
            socket: RefCell::new(None),
            peers: RefCell::default(),
            streams: RefCell::default(),
            local,
            joining: RefCell::new(None),
        });
        let joined = js_sys::Promise::new(&mut |resolve, reject| {
            *inner.joining.borrow_mut() = Some((resolve, reject));
        });
        if let Err(e) = Inner::open(&inner, &url) {
            inner.local.stop();
            return Err(VideoError::Other(media::error_name(&e)));
        }
        match JsFuture::from(joined).await {
            Ok(_) => Ok(SandboxRoom { inner }),
            Err(code) => {
                inner.phase.set(Phase::Closed);
                inner.socket.borrow_mut().take();
                inner.local.stop();
                let reason = code
                    .as_f64()
                    .and_then(|c| DisconnectReason::from_code(c as u32))
                    .unwrap_or(DisconnectReason::Network);
                Err(VideoError::Refused(reason))
            }
        }
    }

    pub fn local_stream(&self) -> MediaStream {
        media::same_stream(&self.inner.local.stream)
    }

    pub fn microphone_enabled(&self) -> bool {
        self.inner
            .local
            .microphone
            .borrow()
            .as_ref()
            .is_some_and(MediaStreamTrack::enabled)
    }

    pub fn set_microphone(&self, enabled: bool) {
        let Some(track) = self.inner.local.microphone.borrow().clone() else {
            return;
        };
        track.set_enabled(enabled);
        let change = if enabled {
            TrackChange::Enabled
        } else {
            TrackChange::Disabled
        };
        self.inner.track_message(change, TrackName::Microphone);
    }

    pub fn camera_enabled(&self) -> bool {
        self.inner.local.camera.borrow().is_some()
    }

    pub async fn set_camera(&self, enabled: bool) -> Result<(), VideoError> {
        let inner = &self.inner;
        if enabled == self.camera_enabled() {
            return Ok(());
        }
        if enabled {
            let captured = media::user_media(true, false).await?;
            let track = media::first_track(&captured, "video")
                .ok_or_else(|| VideoError::Devices("NotFoundError".into()))?;
            if inner.phase.get() == Phase::Closed {
                track.stop();
                return Ok(());
            }
            inner.local.stream.add_track(&track);
            *inner.local.camera.borrow_mut() = Some(media::same_track(&track));
            inner.publish(TrackName::Camera, &track, &inner.local.stream);
        } else {
            let track = inner.local.camera.borrow_mut().take();
            if let Some(track) = track {
                inner.unpublish(TrackName::Camera);
                track.stop();
                inner.local.stream.remove_track(&track);
            }
        }
        Ok(())
    }

    pub fn sharing_screen(&self) -> bool {
        self.inner.local.screen.borrow().is_some()
    }

    pub async fn start_screen_share(&self) -> Result<Option<MediaStreamTrack>, VideoError> {
        if self.sharing_screen() {
            return Ok(self
                .inner
                .local
                .screen
                .borrow()
                .as_ref()
                .map(|(t, _)| media::same_track(t)));
        }
        let Some(track) = media::display_media().await? else {
            return Ok(None);
        };
        let inner = &self.inner;
        if inner.phase.get() == Phase::Closed {
            track.stop();
            return Ok(None);
        }
        let ended = on_share_ended(&track, inner, Inner::stop_screen, |i| &i.events);
        inner.local.screen_stream.add_track(&track);
        *inner.local.screen.borrow_mut() = Some((media::same_track(&track), ended));
        inner.publish(TrackName::Screen, &track, &inner.local.screen_stream);
        Ok(Some(track))
    }

    pub fn stop_screen_share(&self) {
        self.inner.stop_screen();
    }

    pub fn disconnect(&self) {
        self.inner.close(None);
    }
}

impl Inner {
    fn send(&self, message: ClientMessage) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(&message);
        }
    }

    fn outbox(self: &Rc<Self>) -> peer::Outbox {
        let weak = Rc::downgrade(self);
        Rc::new(move |message| {
            if let Some(inner) = weak.upgrade() {
                inner.send(message);
            }
        })
    }

    fn track_message(&self, change: TrackChange, name: TrackName) {
        let stream = (change == TrackChange::Published).then(|| match name {
            TrackName::Screen => self.local.screen_stream.id(),
            _ => self.local.stream.id(),
        });
        self.send(ClientMessage::Track {
            change,
            kind: name.kind(),
            name,
            stream,
        });
    }

    /// Tells the room first (so receivers can name the track), then adds it everywhere.
    fn publish(&self, name: TrackName, track: &MediaStreamTrack, stream: &MediaStream) {
        self.track_message(TrackChange::Published, name);
        for peer in self.peers.borrow().values() {
            peer.add(name, track, stream);
        }
    }

    fn unpublish(&self, name: TrackName) {
        for peer in self.peers.borrow().values() {
            peer.remove(name);
        }
        self.track_message(TrackChange::Unpublished, name);
    }

    /// Returns whether a share was running.
    fn stop_screen(&self) -> bool {
        let Some((track, _listener)) = self.local.screen.borrow_mut().take() else {
            return false;
        };
        self.unpublish(TrackName::Screen);
        track.stop();
        self.local.screen_stream.remove_track(&track);
        true
    }

    fn open(self: &Rc<Self>, url: &str) -> Result<(), JsValue> {
        let token = self.options.token.clone();
        let (w1, w2, w3) = (
            Rc::downgrade(self),
            Rc::downgrade(self),
            Rc::downgrade(self),
        );
        let socket = Socket::open(
            url,
            move || {
                if let Some(inner) = w1.upgrade() {
                    inner.send(ClientMessage::Join {
                        token: token.clone(),
                    });
                }
            },
            move |message| {
                if let Some(inner) = w2.upgrade() {
                    inner.on_message(message);
                }
            },
            move || {
                if let Some(inner) = w3.upgrade() {
                    inner.on_socket_closed();
                }
            },
        )?;
        *self.socket.borrow_mut() = Some(socket);
        Ok(())
    }

    fn peer(self: &Rc<Self>, remote: &str) -> Option<Rc<Peer>> {
        if let Some(p) = self.peers.borrow().get(remote) {
            return Some(p.clone());
        }
        let weak: Weak<Inner> = Rc::downgrade(self);
        let from = remote.to_owned();
        let on_track: peer::OnTrack = Rc::new(move |track, stream| {
            if let Some(inner) = weak.upgrade() {
                inner.remote_track(&from, track, stream);
            }
        });
        let me = self.me.borrow().clone();
        let loopback = self.options.ice.loopback_only;
        let peer = Peer::new(&me, remote, &self.config, loopback, self.outbox(), on_track)
            .map_err(|e| web_sys::console::warn_2(&"peer connection failed".into(), &e))
            .ok()?;
        let peer = Rc::new(peer);
        self.peers
            .borrow_mut()
            .insert(remote.to_owned(), peer.clone());
        Some(peer)
    }

    fn add_local_tracks(&self, peer: &Peer) {
        for (name, track, stream) in self.local.tracks() {
            peer.add(name, &track, &stream);
        }
    }

    fn remote_track(&self, from: &str, track: MediaStreamTrack, stream: Option<String>) {
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

    fn on_message(self: &Rc<Self>, message: ServerMessage) {
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

    fn on_socket_closed(self: &Rc<Self>) {
        match self.phase.get() {
            Phase::Closed => {}
            Phase::Joining => self.close(Some(DisconnectReason::Network)),
            Phase::Connected => {
                // Media may still flow, but nobody can renegotiate: start over.
                self.drop_peers();
                emit(&self.events, VideoEvent::Reconnecting);
                self.retry(1);
            }
            Phase::Reconnecting(n) if n < RECONNECT_ATTEMPTS => self.retry(n + 1),
            Phase::Reconnecting(_) => self.close(Some(DisconnectReason::Network)),
        }
    }

    fn drop_peers(&self) {
        let gone = self.peers.borrow_mut().take_keys();
        self.streams.borrow_mut().clear();
        for sid in gone {
            emit(&self.events, VideoEvent::ParticipantLeft { sid });
        }
    }

    fn retry(self: &Rc<Self>, attempt: u32) {
        self.phase.set(Phase::Reconnecting(attempt));
        self.socket.borrow_mut().take();
        let weak = Rc::downgrade(self);
        let again = Closure::once_into_js(move || {
            let Some(inner) = weak.upgrade() else { return };
            if inner.phase.get() != Phase::Reconnecting(attempt) {
                return;
            }
            let url = inner.options.signaling_url.clone().unwrap_or_default();
            if inner.open(&url).is_err() {
                inner.on_socket_closed();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                RECONNECT_DELAY_MS * attempt as i32,
            );
        }
    }

    /// Ends everything once. `None`: we chose to leave.
    fn close(&self, reason: Option<DisconnectReason>) {
        let was = self.phase.replace(Phase::Closed);
        if was == Phase::Closed {
            return;
        }
        if reason.is_none() {
            self.send(ClientMessage::Leave);
        }
        self.socket.borrow_mut().take();
        self.peers.borrow_mut().clear();
        self.local.stop();
        if let Some((_, reject)) = self.joining.borrow_mut().take() {
            let code = reason.unwrap_or(DisconnectReason::Network).code();
            let _ = reject.call1(&JsValue::UNDEFINED, &JsValue::from(code));
            return;
        }
        emit(&self.events, VideoEvent::Disconnected { reason });
    }
}
