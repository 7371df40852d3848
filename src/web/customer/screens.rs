//! The customer page's screens besides the wait and the call: asking for a code (with what was
//! wrong with the last one), the service being unreachable (with "Try again"), a session that is
//! over (why, for good), this tab's seat taken by another tab or device (with a way back), and
//! which of them a refusal from the service leads to.

use super::api::ApiError;
use super::{focus, Page};
use crate::code;
use crate::customer::CodeAnswer;
use crate::session::EndReason;
use crate::web::dom::Listener;
use crate::web::dom::{action, el, set_role, text};
use crate::web::dom::{append, set_attr};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlFormElement, HtmlInputElement};

impl Page {
    pub(super) fn ask_for_code(self: &Rc<Self>, problem: Option<&str>) {
        self.reset();
        let s = self.section("enter-code");
        append(&s, &text("h2", "", self.words.enter_code_heading));
        let error = text("p", "ctv-error", problem.unwrap_or(""));
        set_role(&error, "code-error");
        set_attr(&error, "role", "alert");
        let form: HtmlFormElement = el("form", "ctv-code-form").unchecked_into();
        let label = text("label", "", self.words.code_label);
        set_attr(&label, "for", "ctv-code");
        let input: HtmlInputElement = el("input", "").unchecked_into();
        input.set_id("ctv-code");
        input.set_name("code");
        input.set_autocomplete("off");
        set_attr(&input, "inputmode", "text");
        if problem.is_some() {
            set_attr(&input, "aria-describedby", "ctv-code-error");
            error.set_id("ctv-code-error");
        }
        let submit = text("button", "ctv-button", self.words.continue_button);
        set_attr(&submit, "type", "submit");
        for child in [&label as &HtmlElement, &input, &submit] {
            append(&form, child);
        }
        append(&s, &error);
        append(&s, &form);
        let weak = Rc::downgrade(self);
        let field = input.clone();
        let code_format = self.words.code_format;
        let listener = Listener::preventing(&form, "submit", move |event| {
            event.prevent_default();
            let code = field.value().trim().to_owned();
            if !code::plausible(&code) {
                error.set_text_content(Some(code_format));
                focus(&field);
                return;
            }
            if let Some(page) = weak.upgrade() {
                page.check(code);
            }
        });
        self.listeners.borrow_mut().push(listener);
        focus(&input);
    }

    pub(super) fn unreachable(self: &Rc<Self>, code: String) {
        self.reset();
        let s = self.section("unreachable");
        append(&s, &text("p", "ctv-error", self.words.unreachable));
        let weak = Rc::downgrade(self);
        let (retry, listener) = action(self.words.try_again, "retry", move || {
            if let Some(page) = weak.upgrade() {
                page.check(code.clone());
            }
        });
        append(&s, &retry);
        self.listeners.borrow_mut().push(listener);
        focus(&retry);
    }

    /// The session cannot be joined any more: say why, for good.
    pub(super) fn session_over(self: &Rc<Self>, reason: EndReason) {
        self.over.set(Some(reason));
        self.reset();
        let s = self.section("session-over");
        append(&s, &text("h2", "", self.words.video_call));
        let why = text("p", "ctv-status", self.words.over(reason));
        set_role(&why, "over-reason");
        set_attr(&why, "role", "status");
        append(&s, &why);
        focus(&why);
    }

    /// What an answer that is not a token means for this page.
    pub(super) fn refused(self: &Rc<Self>, code: String, e: ApiError) {
        match e {
            ApiError::Answer(CodeAnswer::Over(reason)) => self.session_over(reason),
            ApiError::Answer(CodeAnswer::TooManyAttempts { retry_after_secs }) => {
                self.ask_for_code(Some(&self.words.too_many_attempts(retry_after_secs)))
            }
            ApiError::Answer(CodeAnswer::InvalidCode) => {
                self.ask_for_code(Some(self.words.invalid_code))
            }
            _ => self.unreachable(code),
        }
    }

    pub(super) fn seat_taken(self: &Rc<Self>) {
        self.reset();
        let s = self.section("seat-taken");
        let why = text("p", "ctv-status", self.words.seat_taken);
        set_role(&why, "seat-taken-reason");
        set_attr(&why, "role", "status");
        append(&s, &why);
        let weak = Rc::downgrade(self);
        let (back, listener) = action(self.words.use_this_tab, "rejoin", move || {
            if let Some(page) = weak.upgrade() {
                page.show_wait_with(false);
                page.set_wait_status(page.words.connecting, false);
                page.join();
            }
        });
        append(&s, &back);
        self.listeners.borrow_mut().push(listener);
        focus(&back);
    }
}
