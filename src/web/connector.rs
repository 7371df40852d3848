//! The seam between the Video Room tab and the media layer, and the tab's media. The tab owns
//! the state machine and the task-attribute writes; a [`Connector`] owns the room connection and
//! reports what happens to it as [`ConnectionEvent`]s. [`RoomConnector`] connects through the
//! sandbox or Twilio and renders the agent's call (remote video large, self-view small, the
//! control bar) into the tab's media area; a build without the functions' origin has
//! [`Unavailable`], which reports honestly that it has no media, and the tab never pretends to
//! be connected.

use crate::api::AgentTokenResponse;
use crate::room_state::{self, ConnectFailure, DisconnectReason};
use crate::strings::Text;
use crate::web::flex::ManagerApi;
use crate::web::video::call::{Call, CallSetup, Controls, Names};
use crate::web::video::{ConnectOptions, LocalMedia, Room, VideoError, VideoEvent};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlElement;

/// What a connection reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionEvent {
    /// Media is flowing: the agent is in the room.
    Connected,
    /// The connection dropped; the client is trying to restore it (the agent is still in
    /// the room).
    Reconnecting,
    /// The connection is back.
    Reconnected,
    /// The connection ended after it was up (or before, if the room went away).
    Disconnected(DisconnectReason),
    /// The connection could not be made, or broke beyond recovery.
    Failed(ConnectFailure),
}

/// Where a connection sends its events. Cloneable; `emit` never calls back synchronously
/// (events are delivered on a later microtask), so a connector may emit from anywhere,
/// including inside `connect`. Events for a tab that is gone are dropped.
#[derive(Clone)]
pub struct EventSink {
    deliver: Rc<dyn Fn(ConnectionEvent)>,
}

impl EventSink {
    pub fn new(deliver: impl Fn(ConnectionEvent) + 'static) -> EventSink {
        EventSink {
            deliver: Rc::new(deliver),
        }
    }

    pub fn emit(&self, event: ConnectionEvent) {
        let deliver = self.deliver.clone();
        wasm_bindgen_futures::spawn_local(async move { deliver(event) });
    }
}

/// A live (or starting) room connection. Dropping it must leave the room and release every
/// track, element, listener and closure it created.
#[must_use = "dropping a connection leaves the room"]
pub trait Connection {
    /// Leaves the room now. Idempotent. Emits nothing: the tab already knows.
    fn disconnect(&mut self);
}

/// Makes room connections.
pub trait Connector {
    /// Starts connecting with the `agent-get-token` answer. `media` is an element inside the
    /// tab for the in-room view (empty until the connector renders into it; the tab empties
    /// it after the connection is dropped). `local`: the pre-join screen's tracks, the
    /// connection's to publish and stop (`None`: it captures the remembered devices itself).
    /// Progress is reported through `events`.
    fn connect(
        &self,
        grant: &AgentTokenResponse,
        media: &HtmlElement,
        events: EventSink,
        local: Option<LocalMedia>,
    ) -> Box<dyn Connection>;
}

/// The connector of a build without media: every attempt fails with
/// [`ConnectFailure::MediaUnavailable`].
pub struct Unavailable;

struct NoConnection;

impl Connection for NoConnection {
    fn disconnect(&mut self) {}
}

impl Connector for Unavailable {
    fn connect(
        &self,
        _grant: &AgentTokenResponse,
        _media: &HtmlElement,
        events: EventSink,
        local: Option<LocalMedia>,
    ) -> Box<dyn Connection> {
        if let Some(local) = local {
            local.stop();
        }
        events.emit(ConnectionEvent::Failed(ConnectFailure::MediaUnavailable));
        Box::new(NoConnection)
    }
}

/// The connector this build uses for the tab.
pub fn default_connector() -> Rc<dyn Connector> {
    Rc::new(Unavailable)
}

/// Connects the tab through the sandbox or Twilio, as the token answer says.
pub struct RoomConnector {
    /// Where `/vendor/…` is served (the functions origin).
    assets_base: String,
    /// The call's texts come from `manager.strings`, read at each connect.
    manager: ManagerApi,
}

impl RoomConnector {
    pub fn new(assets_base: &str, manager: ManagerApi) -> RoomConnector {
        RoomConnector {
            assets_base: assets_base.to_owned(),
            manager,
        }
    }
}

#[derive(Default)]
struct State {
    call: Option<Rc<Call>>,
    /// Room events that arrive before the call screen exists.
    pending: Vec<VideoEvent>,
    closed: bool,
}

struct AgentConnection {
    state: Rc<RefCell<State>>,
}

fn failure(e: &VideoError) -> ConnectFailure {
    match e {
        VideoError::Devices(_) => ConnectFailure::DevicesUnavailable,
        VideoError::Unsupported | VideoError::InsecureContext | VideoError::SdkUnavailable => {
            ConnectFailure::MediaUnavailable
        }
        VideoError::Refused(reason) => ConnectFailure::Refused(*reason),
        VideoError::Other(_) => ConnectFailure::Other,
    }
}

/// The console line for a connection that could not be made: the kind of failure, with the
/// browser's or the service's own word for it (no formatting machinery in the module).
fn warn_failed(e: &VideoError) {
    let (what, detail) = match e {
        VideoError::Unsupported => ("this browser cannot do video calls", None),
        VideoError::InsecureContext => ("video calls need a secure (https) page", None),
        VideoError::Devices(name) => ("camera or microphone unavailable", Some(name.as_str())),
        VideoError::Refused(reason) => (
            "the video service refused the connection",
            Some(reason.as_str()),
        ),
        VideoError::SdkUnavailable => ("the video library could not be loaded", None),
        VideoError::Other(message) => ("video error", Some(message.as_str())),
    };
    let detail = detail.map_or(JsValue::UNDEFINED, JsValue::from_str);
    crate::web::flex::warn(what, &detail);
}

fn on_event(weak: &Weak<RefCell<State>>, events: &EventSink, event: VideoEvent) {
    let Some(state) = weak.upgrade() else { return };
    let (call, closed) = {
        let st = state.borrow();
        (st.call.clone(), st.closed)
    };
    let Some(call) = call else {
        if !closed {
            state.borrow_mut().pending.push(event);
        }
        return;
    };
    if let VideoEvent::Disconnected { reason } = event {
        // Leaving was the tab's own doing; anything else is news for it.
        if let Some(reason) = reason {
            events.emit(ConnectionEvent::Disconnected(
                room_state::DisconnectReason::Remote(reason),
            ));
        }
        let mut st = state.borrow_mut();
        st.closed = true;
        st.call.take();
        return;
    }
    match event {
        VideoEvent::Reconnecting => events.emit(ConnectionEvent::Reconnecting),
        VideoEvent::Reconnected => events.emit(ConnectionEvent::Reconnected),
        _ => {}
    }
    call.apply(&event);
}

impl Connector for RoomConnector {
    fn connect(
        &self,
        grant: &AgentTokenResponse,
        media: &HtmlElement,
        events: EventSink,
        local: Option<LocalMedia>,
    ) -> Box<dyn Connection> {
        let state = Rc::new(RefCell::new(State::default()));
        // Joining again without the preview: the remembered speaker.
        let speaker = match &local {
            Some(l) => l.speaker.clone(),
            None => crate::web::video::remembered_speaker(),
        };
        let options = ConnectOptions {
            token: grant.token.clone(),
            provider: grant.provider,
            room_sid: grant.room_sid.clone(),
            #[cfg(feature = "sandbox")]
            signaling_url: grant.signaling_url.clone(),
            #[cfg(feature = "sandbox")]
            ice: grant.ice.clone(),
            assets_base: self.assets_base.clone(),
            local,
        };
        let strings = self.manager.strings();
        let customer = grant
            .customer_name
            .clone()
            .unwrap_or_else(|| strings.get(Text::Customer).to_owned());
        let (weak, media) = (Rc::downgrade(&state), media.clone());
        let assets_base = self.assets_base.clone();
        spawn_local(async move {
            let (to, sink_events) = (weak.clone(), events.clone());
            let sink = Rc::new(move |event| on_event(&to, &sink_events, event));
            let connected = Room::connect(options, sink).await;
            let Some(state) = weak.upgrade() else { return };
            let room = match connected {
                Ok(room) => room,
                Err(e) => {
                    warn_failed(&e);
                    return events.emit(ConnectionEvent::Failed(failure(&e)));
                }
            };
            if state.borrow().closed {
                return room.disconnect();
            }
            let setup = CallSetup {
                waiting: strings.get(Text::WaitingForCustomer).to_owned(),
                strings,
                controls: Controls {
                    screen_share: true,
                    leave: false,
                    picture_in_picture: true,
                },
                names: Names::Customer { name: customer },
                assets_base,
            };
            let call = Call::new(room, &media, setup, || {});
            call.route_to(speaker);
            let pending = {
                let mut st = state.borrow_mut();
                st.call = Some(call);
                std::mem::take(&mut st.pending)
            };
            events.emit(ConnectionEvent::Connected);
            for event in pending {
                on_event(&weak, &events, event);
            }
        });
        Box::new(AgentConnection { state })
    }
}

impl Connection for AgentConnection {
    fn disconnect(&mut self) {
        let call = {
            let mut st = self.state.borrow_mut();
            st.closed = true;
            st.pending.clear();
            st.call.take()
        };
        // Dropping the call leaves the room, stops the camera and removes the view.
        drop(call);
    }
}

impl Drop for AgentConnection {
    fn drop(&mut self) {
        self.disconnect();
    }
}
