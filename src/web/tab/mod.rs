//! The Video Room tab. While the task is assigned: Join, the connecting state, clear status and
//! error text (one for each reason the service can disconnect the agent, and for a session that
//! is over, with "Send a new link" in place of a Join that cannot work), the in-room area a
//! [`Connector`](super::connector::Connector) renders into, Disconnect and "End call for
//! everyone". While it is wrapping: a read-only summary (the call's length). Always: the
//! customer's rating from `videoRating`, kept current by `update`, with a notification when it
//! arrives. The phases and what each transition writes are [`crate::room_state`]'s; this module
//! performs the effects.

use super::connector::{Connection, ConnectionEvent, EventSink};
use super::context::Context;
use super::dom::{self, Listener, LiveComponent, StyleGuard};
use super::flex::{self, task_facts};
use super::http::{post_form, HttpError, InFlight};
use super::invite::{self, Target};
use super::mounted::Component;
use super::room_claim::{self, Owner};
use crate::api::{param, AgentTokenResponse, Endpoint, SuccessResponse};
use crate::attributes::VideoRoomState;
use crate::notifications::RATING_RECEIVED;
use crate::room_state::{Claim, Effect, Input, Phase};
use crate::rules::{complete_room_target, ActiveRoom, TaskFacts};
use crate::session::EndReason;
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
    end_all: HtmlButtonElement,
    new_link: HtmlButtonElement,
    /// "A new link was sent to the customer."
    notice: Element,
    /// Wrapping: the call's length.
    summary: Element,
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
        let strings = ctx.manager.strings();

        let root = dom::element(&doc, "div", "c2v c2v-tab");
        let status = dom::element(&doc, "p", "c2v-status");
        dom::set_attr(&status, "role", "status");
        dom::set_attr(&status, "aria-live", "polite");
        let error = dom::element(&doc, "p", "c2v-error");
        dom::set_attr(&error, "role", "alert");
        let media: HtmlElement = dom::element(&doc, "div", "c2v-media").unchecked_into();
        let actions = dom::element(&doc, "div", "c2v-actions");
        let join = dom::button(&doc, "c2v-join", strings.get(Text::JoinVideoRoom));
        let leave = dom::button(&doc, "c2v-leave", strings.get(Text::Disconnect));
        let end_all = dom::button(&doc, "c2v-end-all", strings.get(Text::EndForEveryone));
        let new_link = dom::button(&doc, "c2v-new-link", strings.get(Text::SendNewLink));
        for b in [&join, &leave, &end_all, &new_link] {
            dom::append(&actions, b);
        }
        let notice = dom::element(&doc, "p", "c2v-notice");
        dom::set_attr(&notice, "role", "status");
        let summary = dom::element(&doc, "p", "c2v-summary");
        let rating = dom::element(&doc, "div", "c2v-rating");
        let score = dom::element(&doc, "p", "c2v-rating-score");
        let comment = dom::element(&doc, "p", "c2v-rating-comment");
        dom::append(&rating, &score);
        dom::append(&rating, &comment);
        for child in [
            &status, &error, &summary, &media, &actions, &notice, &rating,
        ] {
            dom::append(&root, child);
        }
        dom::append(parent, &root);

        let state = Rc::new(RefCell::new(State {
            ctx,
            owner: Owner::next(),
            phase: Phase::Idle,
            task: task_facts(task),
            conversation: conversation.clone(),
            view: View {
                root,
                status,
                error,
                media,
                join,
                leave,
                end_all,
                new_link,
                notice,
                summary,
                rating,
                score,
                comment,
            },
            attempt: 0,
            request: None,
            sending: None,
            new_link_sent: false,
            grant: None,
            connection: None,
            _live: LiveComponent::new(),
        }));
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
        Event::TokenRefused(r) => Input::TokenRefused(r),
        Event::Connection(ConnectionEvent::Connected) => Input::Connected,
        Event::Connection(ConnectionEvent::Reconnecting) => Input::Reconnecting,
        Event::Connection(ConnectionEvent::Reconnected) => Input::Reconnected,
        Event::Connection(ConnectionEvent::Disconnected(r)) => Input::Disconnected(r),
        Event::Connection(ConnectionEvent::Failed(f)) => Input::ConnectFailed(f),
        Event::Leave => Input::Leave,
        Event::EndForEveryone => Input::EndForEveryone,
        Event::Unmount => Input::Unmount,
    };
    let Some(step) = st.phase.step(input) else {
        return;
    };
    let from = st.phase;
    st.phase = step.phase;
    st.new_link_sent = false;

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
        wasm_bindgen_futures::spawn_local(write_state(st.ctx.clone(), task_sid.clone(), write));
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
        Effect::Disconnect | Effect::EndSession => {
            if step.effect == Effect::EndSession {
                wasm_bindgen_futures::spawn_local(end_session(st.ctx.clone(), st.task.clone()));
            }
            if let Some(mut c) = st.connection.take() {
                c.disconnect();
            }
            st.view.media.set_text_content(None);
        }
    }
    render(&st);
    move_focus(&st, from);
}

/// After Join, Leave and errors, focus goes to the next sensible control, but only when it was
/// in the tab already (the agent may be typing elsewhere in Flex).
fn move_focus(st: &State, from: Phase) {
    let v = &st.view;
    let inside = dom::document()
        .active_element()
        .is_none_or(|a| v.root.contains(Some(&a)) || a.tag_name() == "BODY");
    if !inside || from == st.phase {
        return;
    }
    let target = match st.phase {
        Phase::Connected => Some(&v.leave),
        Phase::Disconnected(_) | Phase::Failed(_) if st.phase.offers_new_link() => {
            Some(&v.new_link)
        }
        Phase::Disconnected(_) | Phase::Failed(_) => Some(&v.join),
        _ => None,
    };
    if let Some(b) = target {
        let _ = b.focus();
    }
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
            Err(Event::TokenFailed)
        }
        Ok((url, token)) => post_form::<AgentTokenResponse>(
            &url,
            &[(param::TOKEN, &token), (param::DOCUMENT_SID, &document)],
            signal.as_ref(),
        )
        .await
        .map_err(|e| match &e {
            // The session is over: a retry cannot work.
            HttpError::Status(r) if r.status == 403 => {
                match r.reason.as_deref().and_then(EndReason::from_wire) {
                    Some(reason) => Event::TokenRefused(reason),
                    None => Event::TokenFailed,
                }
            }
            HttpError::Aborted => Event::TokenFailed,
            other => {
                flex::warn(other.describe(), &other.detail());
                Event::TokenFailed
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
        Err(event) => apply(&state, event),
    }
}

/// "Send a new link": retires the task's session (if live) and sends the customer a new one.
fn send_new_link(weak: &Weak<RefCell<State>>) {
    let Some(state) = weak.upgrade() else { return };
    let (ctx, task_sid, conversation, conversation_sid, signal) = {
        let mut st = state.borrow_mut();
        if st.sending.is_some() || st.phase.holds_room() {
            return;
        }
        let request = InFlight::new();
        let signal = request.signal();
        st.sending = Some(request);
        render(&st);
        (
            st.ctx.clone(),
            st.task.task_sid.clone(),
            st.conversation.clone(),
            st.task.conversation_sid.clone(),
            signal,
        )
    };
    let weak = weak.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let target = Target {
            task_sid: task_sid.as_deref(),
            conversation: &conversation,
            conversation_sid: conversation_sid.as_deref(),
        };
        let alive = weak.clone();
        let sent = invite::send(&ctx, target, true, signal.as_ref(), move || {
            alive.upgrade().is_some()
        })
        .await;
        let Some(state) = weak.upgrade() else { return };
        let mut st = state.borrow_mut();
        st.sending = None;
        match sent {
            Ok(_) => {
                st.phase = st.phase.on_new_session();
                st.new_link_sent = true;
            }
            Err(e) => {
                if let Some((what, detail)) = e.describe() {
                    flex::warn(what, &detail);
                    st.ctx
                        .flex
                        .show_notification(crate::notifications::FAILED_VIDEO_LINK.id);
                }
            }
        }
        render(&st);
    });
}

/// "End call for everyone": `complete-room` for the task (the room, the code, every page).
async fn end_session(ctx: Rc<Context>, task: TaskFacts) {
    let (url, token) = match ctx.call(Endpoint::CompleteRoom) {
        Ok(call) => call,
        Err(e) => return flex::warn(e.describe(), &JsValue::UNDEFINED),
    };
    let task_sid = task.task_sid.clone().unwrap_or_default();
    let mut fields = vec![
        (param::TOKEN, token.as_str()),
        (param::REASON, EndReason::EndedByAgent.as_str()),
    ];
    if !task_sid.is_empty() {
        fields.push((param::TASK_SID, task_sid.as_str()));
    }
    if let Some((name, value)) = complete_room_target(&task.video) {
        fields.push((name, value));
    }
    if let Err(e) = post_form::<SuccessResponse>(&url, &fields, None).await {
        flex::warn("complete-room failed", &e.detail());
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
    let summary = st.task.is_wrapping() && !st.phase.holds_room();
    dom::set_attr(&v.root, "data-phase", st.phase.name());
    dom::set_attr(
        &v.root,
        "data-mode",
        if summary { "summary" } else { "live" },
    );
    let text = if summary {
        ""
    } else {
        st.phase.text().map(|t| strings.get(t)).unwrap_or("")
    };
    let (shown, hidden) = if st.phase.is_error() {
        (&v.error, &v.status)
    } else {
        (&v.status, &v.error)
    };
    dom::set_text(shown, text);
    dom::set_shown(shown, !text.is_empty());
    dom::set_text(hidden, "");
    dom::set_shown(hidden, false);

    // The call's controls, or, once the session is over, the way to a new one.
    let live = !summary;
    v.join.set_disabled(!st.phase.can_join());
    dom::set_shown(
        &v.join,
        live && !st.phase.can_leave() && !st.phase.offers_new_link(),
    );
    dom::set_shown(&v.leave, live && st.phase.can_leave());
    dom::set_shown(&v.end_all, live && st.phase.can_leave());
    v.new_link.set_disabled(st.sending.is_some());
    dom::set_shown(&v.new_link, live && !st.phase.holds_room());
    let primary = st.phase.offers_new_link();
    dom::set_attr(
        &v.new_link,
        "data-primary",
        if primary { "true" } else { "false" },
    );
    dom::set_text(
        &v.notice,
        if st.new_link_sent {
            strings.get(Text::NewLinkSent)
        } else {
            ""
        },
    );
    dom::set_shown(&v.notice, st.new_link_sent);
    let busy = matches!(
        st.phase,
        Phase::FetchingToken | Phase::Connecting | Phase::Reconnecting
    ) || st.sending.is_some();
    dom::set_attr(&v.root, "aria-busy", if busy { "true" } else { "false" });

    // Wrapping: how long the call lasted.
    let length = match st.task.video.ended.and_then(|e| e.call_secs) {
        Some(secs) => strings.call_summary(secs),
        None => strings.get(Text::CallNotStarted).to_owned(),
    };
    dom::set_text(&v.summary, if summary { &length } else { "" });
    dom::set_shown(&v.summary, summary);

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
