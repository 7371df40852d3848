//! The sandbox room: the host's signaling socket plus one peer connection per remote
//! participant (a full mesh). The newcomer offers to everyone already there; later track
//! changes renegotiate from either side. Microphone mute is `track.enabled = false` plus a
//! track message; camera off and screen share stop are unpublish (stop + remove + renegotiate)
//! plus a track message, so the other side sees them either way.
//!
//! Here: joining, the socket, the peers and closing; local media is in [`local`], and what
//! signaling says is handled in [`messages`].

mod blur;
mod local;
mod messages;
mod peer;
mod quality;
mod socket;

use super::table::Table;
use super::{
    emit, media, ConnectOptions, DisconnectReason, EventSink, TrackName, VideoError, VideoEvent,
};
use crate::protocol::ClientMessage;
use crate::web::dom::{Listener, Timer};
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
const RECONNECT_DELAY_MS: u32 = 1000;

struct Local {
    /// Camera and microphone travel in this stream (its id tells receivers "camera").
    stream: MediaStream,
    microphone: RefCell<Option<MediaStreamTrack>>,
    camera: RefCell<Option<MediaStreamTrack>>,
    /// While blur is on: the blurred picture sent in the camera's place.
    blurred: RefCell<Option<blur::Pipeline>>,
    screen_stream: MediaStream,
    screen: RefCell<Option<(MediaStreamTrack, Listener)>>,
}

struct Inner {
    options: ConnectOptions,
    events: EventSink,
    config: RtcConfiguration,
    phase: Cell<Phase>,
    me: RefCell<String>,
    socket: RefCell<Option<Socket>>,
    /// The next reconnection attempt, cancelled when the room closes.
    retry: RefCell<Option<Timer>>,
    peers: RefCell<Table<Rc<Peer>>>,
    /// Remote participant → stream id → track name (video tracks).
    streams: RefCell<Table<Table<TrackName>>>,
    local: Local,
    /// Each connection's network quality, polled while the room is open.
    quality: quality::Watch,
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
        let captured = super::LocalMedia::take_or_capture(&options.local).await?;
        let stream = MediaStream::new().map_err(|e| {
            captured.stop();
            VideoError::Other(media::error_name(&e))
        })?;
        let microphone = captured.microphone.clone();
        let camera = captured.camera.clone();
        for t in microphone.iter().chain(camera.iter()) {
            stream.add_track(t);
        }
        let local = Local {
            stream,
            microphone: RefCell::new(microphone),
            camera: RefCell::new(camera),
            blurred: RefCell::new(None),
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
            retry: RefCell::new(None),
            peers: RefCell::default(),
            streams: RefCell::default(),
            local,
            quality: quality::Watch::default(),
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
            Ok(_) => {
                inner.watch_quality();
                Ok(SandboxRoom { inner })
            }
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
        let again = Timer::new(RECONNECT_DELAY_MS * attempt, move || {
            let Some(inner) = weak.upgrade() else { return };
            if inner.phase.get() != Phase::Reconnecting(attempt) {
                return;
            }
            let url = inner.options.signaling_url.clone().unwrap_or_default();
            if inner.open(&url).is_err() {
                inner.on_socket_closed();
            }
        });
        *self.retry.borrow_mut() = Some(again);
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
        self.retry.borrow_mut().take();
        self.quality.stop();
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
