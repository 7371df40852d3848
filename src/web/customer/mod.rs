//! The customer page, the crate's second entry point: `mountCustomerPage(el)`.
//!
//! Support check → code (from `?code=` or a field) → `client-get-sync-token` → the live wait
//! for the agent → Join: `client-get-video-token` and connect → the call → the post-call
//! page with the rating. Everything untrusted is rendered as text.

mod api;
mod live;
mod rating;

use crate::api::{param, Endpoint, SyncTokenResponse, VideoTokenResponse};
use crate::code;
use crate::customer::{code_from_query, CodeAnswer, Wait};
use crate::web::mounted::{Component, Mounted};
use crate::web::video::call::{Call, Controls};
use crate::web::video::dom::{button, clear, el, set_role, text};
use crate::web::video::{media, ConnectOptions, DisconnectReason, Room, VideoEvent};
use api::ApiError;
use gloo_events::{EventListener, EventListenerOptions};
use live::{LiveUpdate, Subscription};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement};

const INVALID_CODE_TEXT: &str =
    "This link is not valid or has expired. Please ask the agent for a new link.";
const UNREACHABLE_TEXT: &str = "The service could not be reached. Please try again.";
const WAITING_TEXT: &str = "Waiting for agent to join...";

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
    }
}

/// The waiting screen's moving parts.
struct Waiting {
    code: String,
    status: HtmlElement,
    join: HtmlButtonElement,
}

struct Page {
    root: HtmlElement,
    listeners: RefCell<Vec<EventListener>>,
    live: RefCell<Option<Subscription>>,
    waiting: RefCell<Option<Waiting>>,
    call: RefCell<Option<Rc<Call>>>,
    /// Room events that arrive before the call screen exists.
    pending: RefCell<Vec<VideoEvent>>,
    ticket: RefCell<Option<String>>,
}

impl Page {
    /// Drops what the current screen holds and empties the root.
    fn reset(&self) {
        self.listeners.borrow_mut().clear();
        self.live.borrow_mut().take();
        self.waiting.borrow_mut().take();
        let call = self.call.borrow_mut().take();
        drop(call);
        self.pending.borrow_mut().clear();
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
            Some(code) if code::plausible(&code) => self.check(code),
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
        let submit = text("button", "ctv-button", "Continue");
        let _ = submit.set_attribute("type", "submit");
        for child in [&label as &HtmlElement, &input, &submit] {
            let _ = form.append_child(child);
        }
        let _ = s.append_child(&error);
        let _ = s.append_child(&form);
        let weak = Rc::downgrade(self);
        let listener = EventListener::new_with_options(
            &form,
            "submit",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                event.prevent_default();
                let code = input.value().trim().to_owned();
                if !code::plausible(&code) {
                    error.set_text_content(Some("A code is 4 to 64 letters and digits."));
                    return;
                }
                if let Some(page) = weak.upgrade() {
                    page.check(code);
                }
            },
        );
        self.listeners.borrow_mut().push(listener);
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
                Err(ApiError::Answer(CodeAnswer::InvalidCode)) => {
                    page.ask_for_code(Some(INVALID_CODE_TEXT))
                }
                Err(_) => page.unreachable(code),
            }
        });
    }

    fn wait(self: &Rc<Self>, code: String, sync: SyncTokenResponse) {
        self.reset();
        let s = self.section("waiting");
        let _ = s.append_child(&text("h2", "", "Video call"));
        let line = el("p", "ctv-code-line");
        let _ = line.append_child(&text("span", "", "Your code: "));
        let shown = text("strong", "", &code);
        set_role(&shown, "code");
        let _ = line.append_child(&shown);
        let _ = s.append_child(&line);
        let status = text("p", "ctv-status", WAITING_TEXT);
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
        *self.waiting.borrow_mut() = Some(Waiting { code, status, join });

        let weak = Rc::downgrade(self);
        let on_update: live::OnUpdate = Rc::new(move |update| {
            if let Some(page) = weak.upgrade() {
                page.on_live(update);
            }
        });
        let weak = Rc::downgrade(self);
        Subscription::start(sync, api::origin(), on_update, move |sub| {
            if let Some(page) = weak.upgrade() {
                if page.waiting.borrow().is_some() {
                    *page.live.borrow_mut() = Some(sub);
                }
            }
        });
    }

    fn set_wait_status(&self, words: &str, can_join: bool) {
        if let Some(w) = self.waiting.borrow().as_ref() {
            w.status.set_text_content(Some(words));
            w.join.set_disabled(!can_join);
        }
    }

    fn on_live(self: &Rc<Self>, update: LiveUpdate) {
        match update {
            LiveUpdate::Data(doc) => match Wait::from_document(&doc) {
                Wait::ForAgent => self.set_wait_status(WAITING_TEXT, false),
                Wait::AgentConnected { .. } => self.set_wait_status("Agent connected.", true),
                Wait::Ended => self.set_wait_status("This video call has ended.", false),
            },
            LiveUpdate::Removed => self.set_wait_status(
                "This link has expired. Please ask the agent for a new link.",
                false,
            ),
            LiveUpdate::Completed => self.set_wait_status("This video call has ended.", false),
            LiveUpdate::Failed => {
                self.live.borrow_mut().take();
                self.set_wait_status(
                    "The service could not be reached. Please reload the page to try again.",
                    false,
                );
            }
        }
    }

    fn join(self: &Rc<Self>) {
        let Some(code) = self.waiting.borrow().as_ref().map(|w| w.code.clone()) else {
            return;
        };
        self.set_wait_status("Connecting...", false);
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let answer: Result<VideoTokenResponse, ApiError> =
                api::call(Endpoint::ClientGetVideoToken, &[(param::CODE, &code)]).await;
            let Some(page) = weak.upgrade() else { return };
            let grant = match answer {
                Ok(grant) => grant,
                Err(ApiError::Answer(CodeAnswer::AgentNotConnected)) => {
                    return page.set_wait_status(crate::api::AGENT_NOT_CONNECTED, true)
                }
                Err(ApiError::Answer(CodeAnswer::InvalidCode)) => {
                    return page.ask_for_code(Some(INVALID_CODE_TEXT))
                }
                Err(_) => return page.set_wait_status(UNREACHABLE_TEXT, true),
            };
            *page.ticket.borrow_mut() = Some(grant.feedback_ticket.clone());
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
                Ok(room) => page.in_call(room),
                Err(e) => page.set_wait_status(e.message(), true),
            }
        });
    }

    fn in_call(self: &Rc<Self>, room: Room) {
        let early: Vec<VideoEvent> = self.pending.borrow_mut().drain(..).collect();
        self.reset();
        let s = self.section("in-call");
        let weak = Rc::downgrade(self);
        let controls = Controls {
            screen_share: true,
            leave: true,
        };
        let call = Call::new(
            room,
            &s,
            controls,
            "Waiting for the agent's video...",
            move || {
                if let Some(page) = weak.upgrade() {
                    page.ended(None);
                }
            },
        );
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
            return self.ended(reason);
        }
        call.apply(&event);
    }

    fn ended(self: &Rc<Self>, reason: Option<DisconnectReason>) {
        self.reset();
        let ticket = self.ticket.borrow().clone();
        let listeners = rating::render(&self.root, reason, ticket);
        self.listeners.borrow_mut().extend(listeners);
    }
}
