//! The seam between the Video Room tab and the media layer. The tab owns the state machine
//! and the task-attribute writes; a [`Connector`] owns the room connection and reports what
//! happens to it as [`ConnectionEvent`]s. Implementations (sandbox WebRTC, twilio-video) live
//! in the media module; until one is wired in, [`Unavailable`] reports honestly that this
//! build has no media, and the tab never pretends to be connected.

use crate::api::AgentTokenResponse;
use crate::room_state::{ConnectFailure, DisconnectReason};
use std::rc::Rc;
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
    /// it after the connection is dropped). Progress is reported through `events`.
    fn connect(
        &self,
        grant: &AgentTokenResponse,
        media: &HtmlElement,
        events: EventSink,
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
    ) -> Box<dyn Connection> {
        events.emit(ConnectionEvent::Failed(ConnectFailure::MediaUnavailable));
        Box::new(NoConnection)
    }
}

/// The connector this build uses for the tab.
pub fn default_connector() -> Rc<dyn Connector> {
    Rc::new(Unavailable)
}
