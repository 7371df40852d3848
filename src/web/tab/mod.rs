//! The Video Room tab. While the task is assigned: Join, the connecting state, clear status and
//! error text (one for each reason the service can disconnect the agent, and for a session that
//! is over, with "Send a new link" in place of a Join that cannot work), the in-room area a
//! [`Connector`](super::connector::Connector) renders into, Disconnect and "End call for
//! everyone". While it is wrapping: a read-only summary (the call's length). Always: the
//! customer's rating from `videoRating`, kept current by `update`, with a notification when it
//! arrives. The phases and what each transition writes are [`crate::room_state`]'s; the tab
//! performs the effects.

mod requests;
mod transition;
mod view;

use super::connector::Connection;
use super::connector::ConnectionEvent;
use super::context::Context;
use super::dom::{self, Listener, LiveComponent};
use super::flex::task_facts;
use super::http::InFlight;
use super::mounted::Component;
use super::room_claim::{self, Owner};
use super::style::StyleGuard;
use super::video::prejoin::PreJoinScreen;
use crate::api::AgentTokenResponse;
use crate::notifications::RATING_RECEIVED;
use crate::room_state::Phase;
use crate::rules::TaskFacts;
use crate::session::EndReason;
use requests::send_new_link;
use std::cell::RefCell;
use std::rc::Rc;
use transition::apply;
use view::{render, View};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlElement};

struct State {
    ctx: Rc<Context>,
    owner: Owner,
    phase: Phase,
    task: TaskFacts,
    conversation: JsValue,
    view: View,
    /// Bumped on each Join: answers and events of older attempts are ignored.
    attempt: u32,
    request: Option<InFlight>,
    /// "Send a new link" in flight.
    sending: Option<InFlight>,
    new_link_sent: bool,
    grant: Option<AgentTokenResponse>,
    connection: Option<Box<dyn Connection>>,
    /// The camera preview, meter and device lists while Join is offered; Join takes its tracks.
    prejoin: RefCell<Option<PreJoinScreen>>,
    /// This state, for the preview to tell the tab that Join's text or state changed.
    me: std::rc::Weak<RefCell<State>>,
    /// Focus goes to Join once the preview lets it be clicked.
    focus_join: std::cell::Cell<bool>,
    _live: LiveComponent,
}

/// The mounted tab. Dropping it leaves the room (writing `disconnected` if it was
/// connected), releases the agent's room claim, aborts its requests and removes its elements
/// and listeners.
#[must_use = "dropping the tab leaves its call and removes its content"]
pub struct VideoTab {
    state: Rc<RefCell<State>>,
    _listeners: [Listener; 4],
    _style: StyleGuard,
}

/// The inputs that carry no borrowed data.
#[derive(Debug, Clone, Copy)]
enum Event {
    Join,
    TokenReceived,
    TokenFailed,
    TokenRefused(EndReason),
    Connection(ConnectionEvent),
    Leave,
    EndForEveryone,
    Unmount,
}

impl VideoTab {
    pub fn mount(
        ctx: Rc<Context>,
        parent: &HtmlElement,
        task: &JsValue,
        conversation: &JsValue,
    ) -> VideoTab {
        let doc = dom::document();
        let style = StyleGuard::new(&doc);
        let view = View::build(&ctx.manager.strings(), parent);
        super::style::set_theme(&view.root, ctx.manager.dark_theme(), ctx.config.accent());

        let state = Rc::new_cyclic(|me| {
            RefCell::new(State {
                ctx,
                owner: Owner::next(),
                phase: Phase::Idle,
                task: task_facts(task),
                conversation: conversation.clone(),
                view,
                attempt: 0,
                request: None,
                sending: None,
                new_link_sent: false,
                grant: None,
                connection: None,
                prejoin: RefCell::new(None),
                me: me.clone(),
                focus_join: std::cell::Cell::new(false),
                _live: LiveComponent::new(),
            })
        });
        render(&state.borrow());

        let listeners = {
            let st = state.borrow();
            let on = |target: &HtmlButtonElement, event: Event| {
                let weak = Rc::downgrade(&state);
                Listener::new(target, "click", move |_| {
                    if let Some(state) = weak.upgrade() {
                        apply(&state, event);
                    }
                })
            };
            let weak = Rc::downgrade(&state);
            let new_link = Listener::new(&st.view.new_link, "click", move |_| {
                send_new_link(&weak);
            });
            [
                on(&st.view.join, Event::Join),
                on(&st.view.leave, Event::Leave),
                on(&st.view.end_all, Event::EndForEveryone),
                new_link,
            ]
        };
        VideoTab {
            state,
            _listeners: listeners,
            _style: style,
        }
    }
}

impl Component for VideoTab {
    fn update(&self, task: &JsValue, conversation: Option<&JsValue>) {
        let mut st = self.state.borrow_mut();
        let before = std::mem::replace(&mut st.task, task_facts(task));
        if let Some(c) = conversation {
            st.conversation = c.clone();
        }
        // A new session (a new link): a tab that is not in a room starts over.
        if st.task.video.sync_document != before.video.sync_document {
            st.phase = st.phase.on_new_session();
        }
        if before.video.rating.is_none() && st.task.video.rating.is_some() {
            st.ctx.flex.show_notification(RATING_RECEIVED.id);
        }
        render(&st);
    }
}

impl Drop for VideoTab {
    fn drop(&mut self) {
        apply(&self.state, Event::Unmount);
        let mut st = self.state.borrow_mut();
        st.request = None;
        st.sending = None;
        st.connection = None;
        st.prejoin.borrow_mut().take();
        room_claim::release(st.owner);
        st.view.root.remove();
    }
}
