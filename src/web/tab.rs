//! The Video Room tab: the Join button, the connecting state, clear status and error text
//! (one for each reason the service can disconnect the agent), the in-room area a
//! [`Connector`](super::connector::Connector) renders into, and the customer's rating from the
//! task's `videoRating` attribute, kept current by `update`. The phases and what each
//! transition writes are [`crate::room_state`]'s; this module performs the effects:
//! `agent-get-token`, connecting, `update-video-state`, and the agent's room claim.

use super::connector::{Connection, ConnectionEvent, EventSink};
use super::context::Context;
use super::dom::{self, Listener, LiveComponent, StyleGuard};
use super::flex::{self, task_facts};
use super::http::{post_form, HttpError, InFlight};
use super::mounted::Component;
use super::room_claim::{self, Owner};
use crate::api::{param, AgentTokenResponse, Endpoint, SuccessResponse};
use crate::attributes::VideoRoomState;
use crate::room_state::{Claim, Effect, Input, Phase};
use crate::rules::{ActiveRoom, TaskFacts};
use crate::strings::Text;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

struct View {
    root: Element,
    status: Element,
    error: Element,
    media: HtmlElement,
    join: HtmlButtonElement,
    leave: HtmlButtonElement,
    /// The customer's rating: the score line and the comment (text only: it is untrusted).
    rating: Element,
    score: Element,
    comment: Element,
}

struct State {
    ctx: Rc<Context>,
    owner: Owner,
    phase: Phase,
    task: TaskFacts,
    view: View,
    /// Bumped on each Join: answers and events of older attempts are ignored.
    attempt: u32,
    request: Option<InFlight>,
    grant: Option<AgentTokenResponse>,
    connection: Option<Box<dyn Connection>>,
    _live: LiveComponent,
}

/// The mounted tab. Dropping it leaves the room (writing `disconnected` if it was
/// connected), releases the agent's room claim, aborts its request and removes its elements
/// and listeners.
#[must_use = "dropping the tab leaves its call and removes its content"]
pub struct VideoTab {
    state: Rc<RefCell<State>>,
    _join: Listener,
    _leave: Listener,
    _style: StyleGuard,
}

/// The inputs that carry no borrowed data.
#[derive(Debug, Clone, Copy)]
enum Event {
    Join,
    TokenReceived,
    TokenFailed,
    Connection(ConnectionEvent),
    Leave,
    Unmount,
}

impl VideoTab {
    pub fn mount(ctx: Rc<Context>, parent: &HtmlElement, task: &JsValue) -> VideoTab {
        let doc = dom::document();
        let style = StyleGuard::new(&doc);
        let strings = ctx.manager.strings();

        let root = dom::element(&doc, "div", "c2v c2v-tab");
        let status = dom::element(&doc, "p", "c2v-status");
        dom::set_attr(&status, "role", "status");
        dom::set_attr(&status, "aria-live", "polite");
        let error = dom::element(&doc, "p", "c2v-error");
        dom::set_attr(&error, "role", "alert");
        let media: HtmlElement = dom::element(&doc, "div", "c2v-media").unchecked_into();
        let join = dom::button(&doc, "c2v-join", strings.get(Text::JoinVideoRoom));
        let leave = dom::button(&doc, "c2v-leave", strings.get(Text::Disconnect));
        let rating = dom::element(&doc, "div", "c2v-rating");
        let score = dom::element(&doc, "p", "c2v-rating-score");
        let comment = dom::element(&doc, "p", "c2v-rating-comment");
        dom::append(&rating, &score);
        dom::append(&rating, &comment);
        for child in [&status, &error, &media, &join, &leave, &rating] {
            dom::append(&root, child);
        }
        dom::append(parent, &root);

        let state = Rc::new(RefCell::new(State {
            ctx,
            owner: Owner::next(),
            phase: Phase::Idle,
            task: task_facts(task),
            view: View {
                root,
                status,
                error,
                media,
                join,
                leave,
                rating,
                score,
                comment,
            },
            attempt: 0,
            request: None,
            grant: None,
            connection: None,
            _live: LiveComponent::new(),
        }));
        render(&state.borrow());

        let (join, leave) = {
            let st = state.borrow();
            let on = |target: &HtmlButtonElement, event: Event| {
                let weak = Rc::downgrade(&state);
                Listener::new(target, "click", move |_| {
                    if let Some(state) = weak.upgrade() {
                        apply(&state, event);
                    }
                })
            };
            (
                on(&st.view.join, Event::Join),
                on(&st.view.leave, Event::Leave),
            )
        };
        VideoTab {
            state,
            _join: join,
            _leave: leave,
            _style: style,
        }
    }
}

impl Component for VideoTab {
    fn update(&self, task: &JsValue, _conversation: Option<&JsValue>) {
        let mut st = self.state.borrow_mut();
        st.task = task_facts(task);
        render(&st);
    }
}

impl Drop for VideoTab {
    fn drop(&mut self) {
        apply(&self.state, Event::Unmount);
        let mut st = self.state.borrow_mut();
        st.request = None;
        st.connection = None;
        room_claim::release(st.owner);
        st.view.root.remove();
    }
}

/// Runs one input through the state machine and performs what the step asks for.
fn apply(state: &Rc<RefCell<State>>, event: Event) {
    let mut st = state.borrow_mut();
    let active = room_claim::current();
    let task_sid = st.task.task_sid.clone().unwrap_or_default();
    let input = match event {
        Event::Join => Input::Join {
            task_sid: &task_sid,
            has_document: st.task.video.sync_document.is_some(),
            active: active.as_ref(),
        },
        Event::TokenReceived => Input::TokenReceived,
        Event::TokenFailed => Input::TokenFailed,
        Event::Connection(ConnectionEvent::Connected) => Input::Connected,
        Event::Connection(ConnectionEvent::Reconnecting) => Input::Reconnecting,
        Event::Connection(ConnectionEvent::Reconnected) => Input::Reconnected,
        Event::Connection(ConnectionEvent::Disconnected(r)) => Input::Disconnected(r),
        Event::Connection(ConnectionEvent::Failed(f)) => Input::ConnectFailed(f),
        Event::Leave => Input::Leave,
        Event::Unmount => Input::Unmount,
    };
    let Some(step) = st.phase.step(input) else {
        return;
    };
    st.phase = step.phase;

    let owner = st.owner;
    match step.claim {
        Claim::Keep => {}
        Claim::Take => {
            room_claim::claim(
                owner,
                ActiveRoom {
                    task_sid: task_sid.clone(),
                    reservation_sid: st.task.reservation_sid.clone(),
                    room_sid: None,
                    connected: false,
                },
            );
        }
        Claim::RoomKnown => {
            let room_sid = st.grant.as_ref().map(|g| g.room_sid.clone());
            room_claim::update(owner, |room| room.room_sid = room_sid);
        }
        Claim::Connected => room_claim::update(owner, |room| room.connected = true),
        Claim::Release => room_claim::release(owner),
    }

    if let Some(write) = step.write {
        wasm_bindgen_futures::spawn_local(write_state(st.ctx.clone(), task_sid, write));
    }

    match step.effect {
        Effect::None => {}
        Effect::FetchToken => {
            st.attempt = st.attempt.wrapping_add(1);
            let request = InFlight::new();
            let signal = request.signal();
            st.request = Some(request);
            st.grant = None;
            let document = st.task.video.sync_document.clone().unwrap_or_default();
            wasm_bindgen_futures::spawn_local(fetch_token(
                Rc::downgrade(state),
                st.ctx.clone(),
                st.attempt,
                document,
                signal,
            ));
        }
        Effect::CancelFetch => st.request = None,
        Effect::Connect => {
            st.request = None;
            if let Some(grant) = st.grant.take() {
                let events = sink(Rc::downgrade(state), st.attempt);
                let connection = st.ctx.connector.connect(&grant, &st.view.media, events);
                st.connection = Some(connection);
            }
        }
        Effect::Disconnect => {
            if let Some(mut c) = st.connection.take() {
                c.disconnect();
            }
            st.view.media.set_text_content(None);
        }
    }
    render(&st);
}

/// Delivers a connection's events to the tab, if it is still there and still on that attempt.
fn sink(weak: Weak<RefCell<State>>, attempt: u32) -> EventSink {
    EventSink::new(move |event| {
        let Some(state) = weak.upgrade() else {
            return;
        };
        if state.borrow().attempt == attempt {
            apply(&state, Event::Connection(event));
        }
    })
}

async fn fetch_token(
    weak: Weak<RefCell<State>>,
    ctx: Rc<Context>,
    attempt: u32,
    document: String,
    signal: Option<web_sys::AbortSignal>,
) {
    let result = match ctx.call(Endpoint::AgentGetToken) {
        Err(e) => {
            flex::warn(e.describe(), &JsValue::UNDEFINED);
            Err(())
        }
        Ok((url, token)) => post_form::<AgentTokenResponse>(
            &url,
            &[(param::TOKEN, &token), (param::DOCUMENT_SID, &document)],
            signal.as_ref(),
        )
        .await
        .map_err(|e| {
            if e != HttpError::Aborted {
                flex::warn(e.describe(), &e.detail());
            }
        }),
    };
    let Some(state) = weak.upgrade() else {
        return;
    };
    if state.borrow().attempt != attempt {
        return;
    }
    match result {
        Ok(grant) => {
            state.borrow_mut().grant = Some(grant);
            apply(&state, Event::TokenReceived);
        }
        Err(()) => apply(&state, Event::TokenFailed),
    }
}

/// `update-video-state`: the server merges `videoRoom` into the task attributes. Not tied to
/// the tab: a `disconnected` written on unmount still gets there. Failures are logged.
async fn write_state(ctx: Rc<Context>, task_sid: String, state: VideoRoomState) {
    if task_sid.is_empty() {
        return;
    }
    let (url, token) = match ctx.call(Endpoint::UpdateVideoState) {
        Ok(call) => call,
        Err(e) => return flex::warn(e.describe(), &JsValue::UNDEFINED),
    };
    let fields = [
        (param::TOKEN, token.as_str()),
        (param::TASK_SID, task_sid.as_str()),
        (param::STATE, state.as_str()),
    ];
    if let Err(e) = post_form::<SuccessResponse>(&url, &fields, None).await {
        flex::warn("update-video-state failed", &e.detail());
    }
}

fn render(st: &State) {
    let v = &st.view;
    let strings = st.ctx.manager.strings();
    dom::set_attr(&v.root, "data-phase", st.phase.name());
    let text = st.phase.text().map(|t| strings.get(t)).unwrap_or("");
    let (shown, hidden) = if st.phase.is_error() {
        (&v.error, &v.status)
    } else {
        (&v.status, &v.error)
    };
    dom::set_text(shown, text);
    dom::set_shown(shown, !text.is_empty());
    dom::set_text(hidden, "");
    dom::set_shown(hidden, false);

    v.join.set_disabled(!st.phase.can_join());
    dom::set_shown(&v.join, !st.phase.can_leave());
    dom::set_shown(&v.leave, st.phase.can_leave());
    let busy = matches!(
        st.phase,
        Phase::FetchingToken | Phase::Connecting | Phase::Reconnecting
    );
    dom::set_attr(&v.root, "aria-busy", if busy { "true" } else { "false" });

    // The customer's rating, whatever the phase: it stays while the task does.
    let rating = st.task.video.rating.as_ref();
    let line = rating.and_then(|r| strings.customer_rating(r));
    let comment = rating
        .and_then(|r| r.comment.as_deref())
        .map(str::trim)
        .filter(|c| line.is_some() && !c.is_empty());
    dom::set_text(&v.score, line.as_deref().unwrap_or(""));
    dom::set_text(&v.comment, comment.unwrap_or(""));
    dom::set_shown(&v.comment, comment.is_some());
    dom::set_shown(&v.rating, line.is_some());
}
