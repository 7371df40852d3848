//! The customer page, the crate's second entry point: `mountCustomerPage(el)`.
//!
//! Support check → code (from `?code=` or a field) → `client-get-sync-token` → the live wait on
//! the session document (waiting for the agent, the agent is here, or the session is over, each
//! as it happens) → Join: `client-get-video-token` (keeping this tab's seat) and connect → the
//! call (the agent leaving and coming back said live) → the post-call page with the rating.
//! Focus moves to the next sensible control after each step. Everything untrusted is rendered
//! as text.

mod api;
mod call;
mod header;
mod live;
mod rating;
mod screens;
mod seat;
mod sync;
mod wait;

use crate::code;
use crate::customer::code_from_query;
use crate::language::{Language, Words};
use crate::session::EndReason;
use crate::strings::Strings;
use crate::web::dom::Listener;
use crate::web::dom::{append, set_attr};
use crate::web::dom::{clear, el, set_role, text};
use crate::web::mounted::{Component, Mounted};
use crate::web::video::call::Call;
use crate::web::video::prejoin::PreJoinScreen;
use crate::web::video::{media, VideoEvent};
use live::Subscription;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlElement};

/// Mounts the customer page into `el`. The handle is the same kind every mount returns:
/// `free()` unmounts the page and ends any call (its camera and microphone stop).
#[wasm_bindgen(js_name = mountCustomerPage)]
pub fn mount_customer_page(el: HtmlElement) -> Mounted {
    let language = browser_language();
    let doc = crate::web::dom::document();
    if let Some(html) = doc.document_element() {
        crate::web::dom::set_attr(&html, "lang", language.tag());
    }
    doc.set_title(language.words().video_call);
    let page = Rc::new(Page {
        header: header::Header::mount(&el, language.words()),
        words: language.words(),
        strings: language.strings(),
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
    /// The camera preview, meter and device lists; Join takes its tracks. None when taking
    /// the seat back from another tab: that joins at once, with the remembered devices.
    prejoin: Option<PreJoinScreen>,
    /// The agent is here: Join can work (once the preview is ready).
    agent_here: Cell<bool>,
    /// Focus goes to Join once it can be clicked.
    focus_join: Cell<bool>,
}

struct Page {
    /// The company and the agent, above every screen.
    header: Rc<header::Header>,
    /// The page's words and the call's texts, in the browser's language.
    words: &'static Words,
    strings: Strings,
    root: HtmlElement,
    listeners: RefCell<Vec<Listener>>,
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

/// The page's language, from `navigator.languages` (`navigator.language` when the list is
/// missing).
fn browser_language() -> Language {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Language::English;
    };
    let mut tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if tags.is_empty() {
        tags.extend(navigator.language());
    }
    Language::choose(tags.iter().map(String::as_str))
}

/// Focus for keyboard and screen-reader users; an element that cannot take it is made able to.
fn focus(e: &HtmlElement) {
    if e.get_attribute("tabindex").is_none() && e.tag_name() != "BUTTON" {
        set_attr(e, "tabindex", "-1");
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
        append(&self.root, &s);
        s
    }

    /// What the page says about a media failure.
    fn error_text(&self, e: &crate::web::video::VideoError) -> String {
        match e.text() {
            Ok(t) => self.strings.get(t).to_owned(),
            Err(reason) => self.words.end_reason(reason).to_owned(),
        }
    }

    fn start(self: &Rc<Self>) {
        if let Err(e) = media::support() {
            self.reset();
            let s = self.section("unsupported");
            append(&s, &text("h2", "", self.words.unsupported_heading));
            append(&s, &text("p", "ctv-error", &self.error_text(&e)));
            return;
        }
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        match code_from_query(&search) {
            Some(c) if code::plausible(&c) => self.check(c),
            Some(_) => self.ask_for_code(Some(self.words.invalid_code)),
            None => self.ask_for_code(None),
        }
    }
}
