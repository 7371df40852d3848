//! The customer page from a code to Join: checking the code with `client-get-sync-token`, the
//! waiting screen, and the live session document, which says as it happens whether the agent is
//! still to come, is here, or the session is over (also once the call has ended).

use super::api::{self, ApiError};
use super::live::{self, LiveUpdate, Subscription};
use super::{Page, Waiting};
use crate::api::{param, Endpoint, SyncTokenResponse};
use crate::customer::Wait;
use crate::session::EndReason;
use crate::web::dom::{action, el, set_role, text};
use crate::web::dom::{append, set_attr};
use crate::web::read;
use crate::web::video::prejoin::PreJoinScreen;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;

impl Page {
    /// Validates the code with the server, then waits for the agent.
    pub(super) fn check(self: &Rc<Self>, code: String) {
        self.reset();
        let s = self.section("checking");
        append(&s, &text("p", "ctv-status", self.words.checking_code));
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let answer: Result<SyncTokenResponse, ApiError> = api::call(
                Endpoint::ClientGetSyncToken,
                &[(param::CODE, &code)],
                read::sync_token,
            )
            .await;
            let Some(page) = weak.upgrade() else { return };
            match answer {
                Ok(sync) => page.wait(code, sync),
                Err(e) => page.refused(code, e),
            }
        });
    }

    pub(super) fn wait(self: &Rc<Self>, code: String, sync: SyncTokenResponse) {
        *self.code.borrow_mut() = Some(code.clone());
        self.show_wait();
        let weak = Rc::downgrade(self);
        let on_update: live::OnUpdate = Rc::new(move |update| {
            if let Some(page) = weak.upgrade() {
                page.on_live(update);
            }
        });
        let weak = Rc::downgrade(self);
        Subscription::start(sync, code, api::origin(), on_update, move |sub| {
            if let Some(page) = weak.upgrade() {
                *page.live.borrow_mut() = Some(sub);
            }
        });
    }

    /// The waiting screen, for the code the page holds, with the pre-join screen.
    pub(super) fn show_wait(self: &Rc<Self>) {
        self.show_wait_with(true);
    }

    /// The waiting screen, with the pre-join screen or (`preview: false`) without.
    pub(super) fn show_wait_with(self: &Rc<Self>, preview: bool) {
        let code = self.code.borrow().clone().unwrap_or_default();
        self.reset();
        let s = self.section("waiting");
        append(&s, &text("h2", "", self.words.video_call));
        let line = el("p", "ctv-code-line");
        append(&line, &text("span", "", self.words.your_code));
        let shown = text("strong", "", &code);
        set_role(&shown, "code");
        append(&line, &shown);
        append(&s, &line);
        let status = text("p", "ctv-status", &self.words.waiting(None));
        set_role(&status, "wait-status");
        set_attr(&status, "role", "status");
        set_attr(&status, "aria-live", "polite");
        let weak = Rc::downgrade(self);
        let (join, listener) = action(self.words.join, "join", move || {
            if let Some(page) = weak.upgrade() {
                page.join();
            }
        });
        join.set_disabled(true);
        append(&s, &status);
        let weak = Rc::downgrade(self);
        let prejoin = preview.then(|| {
            PreJoinScreen::new(&s, self.strings.clone(), move || {
                if let Some(page) = weak.upgrade() {
                    page.refresh_join();
                }
            })
        });
        append(&s, &join);
        self.listeners.borrow_mut().push(listener);
        *self.waiting.borrow_mut() = Some(Waiting {
            status,
            join,
            prejoin,
            agent_here: Cell::new(false),
            focus_join: Cell::new(false),
        });
    }

    pub(super) fn set_wait_status(&self, words: &str, can_join: bool) {
        if let Some(w) = self.waiting.borrow().as_ref() {
            w.status.set_text_content(Some(words));
            w.agent_here.set(can_join);
        }
        self.refresh_join();
    }

    /// Join works once the agent is here and the preview is not starting a track; it says
    /// what joining now goes without.
    fn refresh_join(&self) {
        if let Ok(Some(w)) = self.waiting.try_borrow().as_deref() {
            let ready = w.prejoin.as_ref().is_none_or(PreJoinScreen::can_join);
            w.join.set_disabled(!(w.agent_here.get() && ready));
            let label = w
                .prejoin
                .as_ref()
                .map_or(self.words.join, PreJoinScreen::join_text);
            crate::web::dom::set_text(&w.join, label);
            if !w.join.disabled() && w.focus_join.replace(false) {
                let _ = w.join.focus();
            }
        }
    }

    pub(super) fn on_live(self: &Rc<Self>, update: LiveUpdate) {
        match update {
            LiveUpdate::Data(session) => match Wait::from_session(&session) {
                Wait::Over(reason) => self.over(reason),
                Wait::ForAgent { agent } => {
                    self.header.set_agent(agent.as_deref());
                    self.set_wait_status(&self.words.waiting(agent.as_deref()), false)
                }
                Wait::AgentHere { agent } => {
                    self.header.set_agent(Some(&agent));
                    // The agent arrived: Join is the next thing to do (focused once it can
                    // be clicked: the preview may still be starting).
                    if let Some(w) = self.waiting.borrow().as_ref() {
                        if !w.agent_here.get() {
                            w.focus_join.set(true);
                        }
                    }
                    self.set_wait_status(&self.words.agent_here(&agent), true);
                }
            },
            LiveUpdate::Removed => {
                if self.call.borrow().is_none() && !self.on_post_call() {
                    self.session_over(EndReason::Expired);
                }
            }
            LiveUpdate::Completed => {}
            LiveUpdate::Over(reason) => {
                self.live.borrow_mut().take();
                self.over(reason);
            }
            LiveUpdate::Interrupted => self.set_wait_status(self.words.reconnecting, false),
            LiveUpdate::Lost(lost) => {
                self.live.borrow_mut().take();
                self.set_wait_status(self.words.lost(lost), false);
            }
            LiveUpdate::Failed => {
                self.live.borrow_mut().take();
                self.set_wait_status(self.words.unreachable_reload, false);
            }
        }
    }

    /// The session is over for `reason`.
    fn over(self: &Rc<Self>, reason: EndReason) {
        self.over.set(Some(reason));
        // In a call the room's own end says it; anywhere else, say it now.
        if self.call.borrow().is_none() && !self.on_post_call() {
            self.session_over(reason);
        } else if self.ended_by_room.get() {
            // The room's end arrived before the session's: say why it ended.
            self.set_end_reason(self.words.over(reason));
        }
    }

    pub(super) fn set_end_reason(&self, why: &str) {
        if let Ok(Some(el)) = self.root.query_selector("[data-role=end-reason]") {
            el.set_text_content(Some(why));
        }
    }

    pub(super) fn on_post_call(&self) -> bool {
        self.root
            .query_selector("[data-role=post-call]")
            .ok()
            .flatten()
            .is_some()
    }
}
