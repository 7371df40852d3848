//! The Video Room tab's elements and how they show the tab's state: the status or error line,
//! which of Join, Disconnect, "End call for everyone" and "Send a new link" are offered, the
//! busy flag, the wrap-up summary (the call's length) and the customer's rating.

use super::State;
use crate::room_state::Phase;
use crate::strings::{Strings, Text};
use crate::web::dom;
use crate::web::video::prejoin::PreJoinScreen;
use web_sys::{HtmlButtonElement, HtmlElement};

pub(super) struct View {
    pub(super) root: HtmlElement,
    status: HtmlElement,
    error: HtmlElement,
    pub(super) media: HtmlElement,
    /// Where the pre-join screen goes while Join is offered.
    pub(super) prejoin: HtmlElement,
    pub(super) join: HtmlButtonElement,
    pub(super) leave: HtmlButtonElement,
    pub(super) end_all: HtmlButtonElement,
    pub(super) new_link: HtmlButtonElement,
    /// "A new link was sent to the customer."
    notice: HtmlElement,
    /// Wrapping: the call's length.
    summary: HtmlElement,
    /// The customer's rating: the score line and the comment (text only: it is untrusted).
    rating: HtmlElement,
    score: HtmlElement,
    comment: HtmlElement,
}

impl View {
    /// Creates the tab's elements and appends them to `parent`.
    pub(super) fn build(strings: &Strings, parent: &HtmlElement) -> View {
        let root = dom::el("div", "c2v c2v-tab");
        let status = dom::el("p", "c2v-status");
        dom::set_attr(&status, "role", "status");
        dom::set_attr(&status, "aria-live", "polite");
        let error = dom::el("p", "c2v-error");
        dom::set_attr(&error, "role", "alert");
        let media = dom::el("div", "c2v-media");
        let prejoin = dom::el("div", "c2v-prejoin");
        let actions = dom::el("div", "c2v-actions");
        let join = dom::button("c2v-join", strings.get(Text::JoinVideoRoom));
        let leave = dom::button("c2v-leave", strings.get(Text::Disconnect));
        let end_all = dom::button("c2v-end-all", strings.get(Text::EndForEveryone));
        let new_link = dom::button("c2v-new-link", strings.get(Text::SendNewLink));
        for b in [&join, &leave, &end_all, &new_link] {
            dom::append(&actions, b);
        }
        let notice = dom::el("p", "c2v-notice");
        dom::set_attr(&notice, "role", "status");
        let summary = dom::el("p", "c2v-summary");
        let rating = dom::el("div", "c2v-rating");
        let score = dom::el("p", "c2v-rating-score");
        let comment = dom::el("p", "c2v-rating-comment");
        dom::append(&rating, &score);
        dom::append(&rating, &comment);
        for child in [
            &status, &error, &summary, &media, &prejoin, &actions, &notice, &rating,
        ] {
            dom::append(&root, child);
        }
        dom::append(parent, &root);
        View {
            root,
            status,
            error,
            media,
            prejoin,
            join,
            leave,
            end_all,
            new_link,
            notice,
            summary,
            rating,
            score,
            comment,
        }
    }
}

pub(super) fn render(st: &State) {
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
    show_prejoin(st, live && st.phase == Phase::Idle);
    render_join(st);
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

/// The pre-join screen before the first Join (kept while that Join is on its way, for its
/// tracks); gone, with its camera, after it (joining again captures the remembered devices:
/// the camera does not come back on by itself after a call) or once the task wraps.
fn show_prejoin(st: &State, offered: bool) {
    let mut prejoin = st.prejoin.borrow_mut();
    if offered && prejoin.is_none() {
        let me = st.me.clone();
        *prejoin = Some(PreJoinScreen::new(
            &st.view.prejoin,
            st.ctx.manager.strings(),
            move || {
                if let Some(state) = me.upgrade() {
                    if let Ok(st) = state.try_borrow() {
                        render_join(&st);
                    }
                }
            },
        ));
    } else if !offered && !st.phase.holds_room() {
        prejoin.take();
    }
}

/// Join: enabled when the phase allows and the preview is not starting a track; it says what
/// joining now goes without.
fn render_join(st: &State) {
    let v = &st.view;
    let prejoin = st.prejoin.borrow();
    let ready = prejoin.as_ref().is_none_or(|p| p.can_join());
    v.join.set_disabled(!st.phase.can_join() || !ready);
    if !v.join.disabled() && st.focus_join.replace(false) {
        let _ = v.join.focus();
    }
    if let Some(p) = prejoin.as_ref() {
        dom::set_text(&v.join, p.join_text());
    }
}
