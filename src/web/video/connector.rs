//! The Video Room tab's media: a [`Connector`] over [`Room`] that renders the agent's call
//! (remote video large, local small, mute, camera) into the tab's media area and reports
//! connected / reconnecting / reconnected / disconnected (with the service's reason) / failed
//! to the tab's state machine.

use super::call::{Call, CallSetup, Controls, Names};
use super::{ConnectOptions, Room, VideoError, VideoEvent};
use crate::api::AgentTokenResponse;
use crate::room_state::{self, ConnectFailure};
use crate::strings::Text;
use crate::web::connector::{Connection, ConnectionEvent, Connector, EventSink};
use crate::web::flex::ManagerApi;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlElement;

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
    ) -> Box<dyn Connection> {
        let state = Rc::new(RefCell::new(State::default()));
        let options = ConnectOptions {
            token: grant.token.clone(),
            provider: grant.provider,
            room_sid: grant.room_sid.clone(),
            signaling_url: grant.signaling_url.clone(),
            ice: grant.ice.clone(),
            assets_base: self.assets_base.clone(),
        };
        let strings = self.manager.strings();
        let customer = grant
            .customer_name
            .clone()
            .unwrap_or_else(|| strings.get(Text::Customer).to_owned());
        let (weak, media) = (Rc::downgrade(&state), media.clone());
        spawn_local(async move {
            let (to, sink_events) = (weak.clone(), events.clone());
            let sink = Rc::new(move |event| on_event(&to, &sink_events, event));
            let connected = Room::connect(options, sink).await;
            let Some(state) = weak.upgrade() else { return };
            let room = match connected {
                Ok(room) => room,
                Err(e) => {
                    web_sys::console::warn_1(&e.message().into());
                    return events.emit(ConnectionEvent::Failed(failure(&e)));
                }
            };
            if state.borrow().closed {
                return room.disconnect();
            }
            let setup = CallSetup {
                strings,
                controls: Controls {
                    screen_share: false,
                    leave: false,
                },
                names: Names::Customer { name: customer },
            };
            let call = Call::new(room, &media, setup, || {});
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
