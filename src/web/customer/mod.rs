//! The customer page, the crate's second entry point: `mountCustomerPage(el)`.
//!
//! Support check → code (from `?code=` or a field) → `client-get-sync-token` → the live wait on
//! the session document (waiting for the agent, the agent is here, or the session is over, each
//! as it happens) → Join: `client-get-video-token` (keeping this tab's seat) and connect → the
//! call (the agent leaving and coming back said live) → the post-call page with the rating.
//! Focus moves to the next sensible control after each step. Everything untrusted is rendered
//! as text.

mod api;
mod live;
mod rating;
mod seat;

use crate::api::{param, Endpoint, SyncTokenResponse, VideoTokenResponse};
use crate::code;
use crate::customer::{
    agent_here_text, code_from_query, over_text, too_many_attempts_text, waiting_text, CodeAnswer,
    Wait,
};
use crate::session::EndReason;
use crate::strings::Strings;
use crate::web::mounted::{Component, Mounted};
use crate::web::video::call::{Call, CallSetup, Controls, Names};
use crate::web::video::dom::{button, clear, el, set_role, text};
use crate::web::video::{media, ConnectOptions, DisconnectReason, Room, VideoEvent};
use api::ApiError;
use gloo_events::{EventListener, EventListenerOptions};
use live::{LiveUpdate, Subscription};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement};

const INVALID_CODE_TEXT: &str =
    "This link is not valid or has expired. Please ask the agent for a new link.";
const UNREACHABLE_TEXT: &str = "The service could not be reached. Please try again.";
const SEAT_TAKEN_TEXT: &str = "You joined from another tab or device.";

/// Mounts the customer page into `el`. The handle is the same kind every mount returns:
/// `free()` unmounts the page and ends any call (its camera and microphone stop).
#[wasm_bindgen(js_name = mountCustomerPage)]
pub fn mount_customer_page(el: HtmlElement) -> Mounted {
    let page = Rc::new(Page {
        root: el,
        listeners: RefCell::default(),
        live: RefCell::default(),
        waiting: RefCell::default(),
        call: RefCell::default(),
        pending: RefCell::default(),
        ticket: RefCell::default(),
        code: RefCell::default(),
        over: Cell::new(None),
        ended_by_room: Cell::new(false),
    });
    page.start();
    Mounted::new(Box::new(CustomerPage { page }))
}

/// The mounted page; dropping it empties the root and ends what the current screen holds.
struct CustomerPage {
    page: Rc<Page>,
}

impl Component for CustomerPage {
    /// The page takes no props: everything it needs is in its own URL.
    fn update(&self, _task: &JsValue, _conversation: Option<&JsValue>) {}
}

impl Drop for CustomerPage {
    fn drop(&mut self) {
        self.page.reset();
        self.page.live.borrow_mut().take();
    }
}

/// The waiting screen's moving parts.
struct Waiting {
    status: HtmlElement,
    join: HtmlButtonElement,
}

struct Page {
    root: HtmlElement,
    listeners: RefCell<Vec<EventListener>>,
    /// The session document, watched from the wait until the page is gone (it says why a call
    /// ended, and that a link was replaced, whatever screen is up).
    live: RefCell<Option<Subscription>>,
    waiting: RefCell<Option<Waiting>>,
    call: RefCell<Option<Rc<Call>>>,
    /// Room events that arrive before the call screen exists.
    pending: RefCell<Vec<VideoEvent>>,
    ticket: RefCell<Option<String>>,
    code: RefCell<Option<String>>,
    /// Why the session ended, once the document says so.
    over: Cell<Option<EndReason>>,
    /// The post-call screen says the room was completed, not yet why the session ended.
    ended_by_room: Cell<bool>,
}

/// Focus for keyboard and screen-reader users; an element that cannot take it is made able to.
fn focus(e: &HtmlElement) {
    if e.get_attribute("tabindex").is_none() && e.tag_name() != "BUTTON" {
        let _ = e.set_attribute("tabindex", "-1");
    }
    let _ = e.focus();
}

impl Page {
    /// Drops what the current screen holds and empties the root (the live document stays).
    fn reset(&self) {
        self.listeners.borrow_mut().clear();
        self.waiting.borrow_mut().take();
        let call = self.call.borrow_mut().take();
        drop(call);
        self.pending.borrow_mut().clear();
        self.ended_by_room.set(false);
        clear(&self.root);
    }

    fn section(&self, role: &str) -> HtmlElement {
        let s = el("section", "ctv-page");
        set_role(&s, role);
        let _ = self.root.append_child(&s);
        s
    }

    fn start(self: &Rc<Self>) {
        if let Err(e) = media::support() {
            self.reset();
            let s = self.section("unsupported");
            let _ = s.append_child(&text("h2", "", "Video calls are not available here"));
            let _ = s.append_child(&text("p", "ctv-error", e.message()));
            return;
        }
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        match code_from_query(&search) {
            Some(c) if code::plausible(&c) => self.check(c),
            Some(_) => self.ask_for_code(Some(INVALID_CODE_TEXT)),
            None => self.ask_for_code(None),
        }
    }

    fn ask_for_code(self: &Rc<Self>, problem: Option<&str>) {
        self.reset();
        let s = self.section("enter-code");
        let _ = s.append_child(&text("h2", "", "Join a video call"));
        let error = text("p", "ctv-error", problem.unwrap_or(""));
        set_role(&error, "code-error");
        let _ = error.set_attribute("role", "alert");
        let form: HtmlFormElement = el("form", "ctv-code-form").unchecked_into();
        let label = text("label", "", "Your code");
        let _ = label.set_attribute("for", "ctv-code");
        let input: HtmlInputElement = el("input", "").unchecked_into();
        input.set_id("ctv-code");
        input.set_name("code");
        input.set_autocomplete("off");
        let _ = input.set_attribute("inputmode", "text");
        if problem.is_some() {
            let _ = input.set_attribute("aria-describedby", "ctv-code-error");
            error.set_id("ctv-code-error");
        }
        let submit = text("button", "ctv-button", "Continue");
        let _ = submit.set_attribute("type", "submit");
        for child in [&label as &HtmlElement, &input, &submit] {
            let _ = form.append_child(child);
        }
        let _ = s.append_child(&error);
        let _ = s.append_child(&form);
        let weak = Rc::downgrade(self);
        let field = input.clone();
        let listener = EventListener::new_with_options(
            &form,
            "submit",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                event.prevent_default();
                let code = field.value().trim().to_owned();
                if !code::plausible(&code) {
                    error.set_text_content(Some("A code is 4 to 64 letters and digits."));
                    focus(&field);
                    return;
                }
                if let Some(page) = weak.upgrade() {
                    page.check(code);
                }
            },
        );
        self.listeners.borrow_mut().push(listener);
        focus(&input);
    }

    fn unreachable(self: &Rc<Self>, code: String) {
        self.reset();
        let s = self.section("unreachable");
        let _ = s.append_child(&text("p", "ctv-error", UNREACHABLE_TEXT));
        let weak = Rc::downgrade(self);
        let (retry, listener) = button("Try again", "retry", move || {
            if let Some(page) = weak.upgrade() {
                page.check(code.clone());
            }
        });
        let _ = s.append_child(&retry);
        self.listeners.borrow_mut().push(listener);
        focus(&retry);
    }

    /// The session cannot be joined any more: say why, for good.
    fn session_over(self: &Rc<Self>, reason: EndReason) {
        self.over.set(Some(reason));
        self.reset();
        let s = self.section("session-over");
        let _ = s.append_child(&text("h2", "", "Video call"));
        let why = text("p", "ctv-status", over_text(reason));
        set_role(&why, "over-reason");
        let _ = why.set_attribute("role", "status");
        let _ = s.append_child(&why);
        focus(&why);
    }

    /// What an answer that is not a token means for this page.
    fn refused(self: &Rc<Self>, code: String, e: ApiError) {
        match e {
            ApiError::Answer(CodeAnswer::Over(reason)) => self.session_over(reason),
            ApiError::Answer(CodeAnswer::TooManyAttempts { retry_after_secs }) => {
                self.ask_for_code(Some(&too_many_attempts_text(retry_after_secs)))
            }
            ApiError::Answer(CodeAnswer::InvalidCode) => self.ask_for_code(Some(INVALID_CODE_TEXT)),
            _ => self.unreachable(code),
        }
    }

    /// Validates the code with the server, then waits for the agent.
    fn check(self: &Rc<Self>, code: String) {
        self.reset();
        let s = self.section("checking");
        let _ = s.append_child(&text("p", "ctv-status", "Checking your code..."));
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let answer: Result<SyncTokenResponse, ApiError> =
                api::call(Endpoint::ClientGetSyncToken, &[(param::CODE, &code)]).await;
            let Some(page) = weak.upgrade() else { return };
            match answer {
                Ok(sync) => page.wait(code, sync),
                Err(e) => page.refused(code, e),
            }
        });
    }

    fn wait(self: &Rc<Self>, code: String, sync: SyncTokenResponse) {
        *self.code.borrow_mut() = Some(code.clone());
        self.show_wait();
        let weak = Rc::downgrade(self);
        let on_update: live::OnUpdate = Rc::new(move |update| {
            if let Some(page) = weak.upgrade() {
                page.on_live(update);
            }
        });
        let weak = Rc::downgrade(self);
        Subscription::start(sync, api::origin(), on_update, move |sub| {
            if let Some(page) = weak.upgrade() {
                *page.live.borrow_mut() = Some(sub);
            }
        });
    }

    /// The waiting screen, for the code the page holds.
    fn show_wait(self: &Rc<Self>) {
        let code = self.code.borrow().clone().unwrap_or_default();
        self.reset();
        let s = self.section("waiting");
        let _ = s.append_child(&text("h2", "", "Video call"));
        let line = el("p", "ctv-code-line");
        let _ = line.append_child(&text("span", "", "Your code: "));
        let shown = text("strong", "", &code);
        set_role(&shown, "code");
        let _ = line.append_child(&shown);
        let _ = s.append_child(&line);
        let status = text("p", "ctv-status", &waiting_text(None));
        set_role(&status, "wait-status");
        let _ = status.set_attribute("role", "status");
        let _ = status.set_attribute("aria-live", "polite");
        let weak = Rc::downgrade(self);
        let (join, listener) = button("Join Video Room", "join", move || {
            if let Some(page) = weak.upgrade() {
                page.join();
            }
        });
        join.set_disabled(true);
        let _ = s.append_child(&status);
        let _ = s.append_child(&join);
        self.listeners.borrow_mut().push(listener);
        *self.waiting.borrow_mut() = Some(Waiting { status, join });
    }

    fn set_wait_status(&self, words: &str, can_join: bool) {
        if let Some(w) = self.waiting.borrow().as_ref() {
            w.status.set_text_content(Some(words));
            w.join.set_disabled(!can_join);
        }
    }

    fn on_live(self: &Rc<Self>, update: LiveUpdate) {
        match update {
            LiveUpdate::Data(session) => match Wait::from_session(&session) {
                Wait::Over(reason) => {
                    self.over.set(Some(reason));
                    // In a call the room's own end says it; anywhere else, say it now.
                    if self.call.borrow().is_none() && !self.on_post_call() {
                        self.session_over(reason);
                    } else if self.ended_by_room.get() {
                        // The room's end arrived before the session's: say why it ended.
                        self.set_end_reason(over_text(reason));
                    }
                }
                Wait::ForAgent { agent } => {
                    self.set_wait_status(&waiting_text(agent.as_deref()), false)
                }
                Wait::AgentHere { agent } => {
                    let was_disabled = self
                        .waiting
                        .borrow()
                        .as_ref()
                        .is_some_and(|w| w.join.disabled());
                    self.set_wait_status(&agent_here_text(&agent), true);
                    // The agent arrived: Join is the next thing to do.
                    if was_disabled {
                        if let Some(w) = self.waiting.borrow().as_ref() {
                            let _ = w.join.focus();
                        }
                    }
                }
            },
            LiveUpdate::Removed => {
                if self.call.borrow().is_none() && !self.on_post_call() {
                    self.session_over(EndReason::Expired);
                }
            }
            LiveUpdate::Completed => {}
            LiveUpdate::Failed => {
                self.live.borrow_mut().take();
                self.set_wait_status(
                    "The service could not be reached. Please reload the page to try again.",
                    false,
                );
            }
        }
    }

    fn set_end_reason(&self, why: &str) {
        if let Ok(Some(el)) = self.root.query_selector("[data-role=end-reason]") {
            el.set_text_content(Some(why));
        }
    }

    fn on_post_call(&self) -> bool {
        self.root
            .query_selector("[data-role=post-call]")
            .ok()
            .flatten()
            .is_some()
    }

    fn join(self: &Rc<Self>) {
        let Some(code) = self.code.borrow().clone() else {
            return;
        };
        self.set_wait_status("Connecting...", false);
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let seat = seat::held(&code);
            let mut params = vec![(param::CODE, code.clone())];
            if let Some(s) = seat {
                params.push((param::SEAT, s.to_string()));
            }
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer: Result<VideoTokenResponse, ApiError> =
                api::call(Endpoint::ClientGetVideoToken, &params).await;
            let Some(page) = weak.upgrade() else { return };
            let grant = match answer {
                Ok(grant) => grant,
                Err(ApiError::Answer(CodeAnswer::AgentNotConnected)) => {
                    return page.set_wait_status(crate::api::AGENT_NOT_CONNECTED, false)
                }
                Err(e) => return page.refused(code, e),
            };
            seat::keep(&code, grant.seat);
            *page.ticket.borrow_mut() = Some(grant.feedback_ticket.clone());
            let names = Names::Agent {
                identity: grant.agent_identity.clone(),
                name: grant.agent_name.clone(),
            };
            let options = ConnectOptions {
                token: grant.token,
                provider: grant.provider,
                room_sid: grant.room_sid,
                signaling_url: grant.signaling_url,
                ice: grant.ice,
                assets_base: api::origin(),
            };
            let events_to: Weak<Page> = Rc::downgrade(&page);
            drop(page);
            let connected = Room::connect(
                options,
                Rc::new(move |event| {
                    if let Some(page) = events_to.upgrade() {
                        page.on_room(event);
                    }
                }),
            )
            .await;
            let Some(page) = weak.upgrade() else { return };
            match connected {
                Ok(room) => page.in_call(room, names),
                Err(e) => {
                    page.show_wait();
                    page.set_wait_status(e.message(), true);
                }
            }
        });
    }

    fn in_call(self: &Rc<Self>, room: Room, names: Names) {
        let early: Vec<VideoEvent> = self.pending.borrow_mut().drain(..).collect();
        self.reset();
        let s = self.section("in-call");
        let weak = Rc::downgrade(self);
        let setup = CallSetup {
            strings: Strings::default(),
            controls: Controls {
                screen_share: true,
                leave: true,
            },
            names,
        };
        let call = Call::new(room, &s, setup, move || {
            if let Some(page) = weak.upgrade() {
                page.ended(None);
            }
        });
        let _ = call.first_control().focus();
        *self.call.borrow_mut() = Some(call);
        for event in early {
            self.on_room(event);
        }
    }

    fn on_room(self: &Rc<Self>, event: VideoEvent) {
        let call = self.call.borrow().clone();
        let Some(call) = call else {
            self.pending.borrow_mut().push(event);
            return;
        };
        if let VideoEvent::Disconnected { reason } = event {
            return match reason {
                // Another tab or device took this seat: say so, with a way back.
                Some(DisconnectReason::DuplicateIdentity) => self.seat_taken(),
                other => self.ended(other),
            };
        }
        call.apply(&event);
    }

    fn seat_taken(self: &Rc<Self>) {
        self.reset();
        let s = self.section("seat-taken");
        let why = text("p", "ctv-status", SEAT_TAKEN_TEXT);
        set_role(&why, "seat-taken-reason");
        let _ = why.set_attribute("role", "status");
        let _ = s.append_child(&why);
        let weak = Rc::downgrade(self);
        let (back, listener) = button("Use this tab instead", "rejoin", move || {
            if let Some(page) = weak.upgrade() {
                page.show_wait();
                page.set_wait_status("Connecting...", false);
                page.join();
            }
        });
        let _ = s.append_child(&back);
        self.listeners.borrow_mut().push(listener);
        focus(&back);
    }

    fn ended(self: &Rc<Self>, reason: Option<DisconnectReason>) {
        self.reset();
        let ticket = self.ticket.borrow().clone();
        self.ended_by_room
            .set(reason == Some(DisconnectReason::RoomCompleted) && self.over.get().is_none());
        let why = match (reason, self.over.get()) {
            // The room was completed because the session ended: say why it ended.
            (Some(DisconnectReason::RoomCompleted), Some(over)) => Some(over_text(over)),
            (Some(r), _) => Some(crate::customer::end_reason_text(r)),
            (None, _) => None,
        };
        let (listeners, heading) = rating::render(&self.root, why, ticket);
        self.listeners.borrow_mut().extend(listeners);
        focus(&heading);
    }
}
