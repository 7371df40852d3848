//! The tab's requests to the service: the agent's room token (its answer counts only for the
//! Join that asked for it), "Send a new link", `complete-room` for "End call for everyone", and
//! the `videoRoom` write through `update-video-state`.

use super::transition::apply;
use super::view::render;
use super::{Event, State};
use crate::api::{param, Endpoint};
use crate::attributes::VideoRoomState;
use crate::rules::TaskFacts;
use crate::session::EndReason;
use crate::web::context::Context;
use crate::web::flex;
use crate::web::http::{post_form_json, read_body, HttpError, InFlight};
use crate::web::invite::{self, Target};
use crate::web::read;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

pub(super) async fn fetch_token(
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
        Ok((url, token)) => {
            let fields = [
                (param::TOKEN, token.as_str()),
                (param::DOCUMENT_SID, &document),
            ];
            let answer = post_form_json(&url, &fields, signal.as_ref()).await;
            read_body(answer, read::agent_token).map_err(token_failure)
        }
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

/// What a failed `agent-get-token` means for the tab: a refusal that names why the session is
/// over (a retry cannot work), or a failure worth trying again.
fn token_failure(e: HttpError) -> Event {
    match &e {
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
    }
}

/// "Send a new link": retires the task's session (if live) and sends the customer a new one.
pub(super) fn send_new_link(weak: &Weak<RefCell<State>>) {
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
        let sent = invite::send(&ctx, target, true, signal.as_ref(), &|| {
            weak.upgrade().is_some()
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
pub(super) async fn end_session(ctx: Rc<Context>, task: TaskFacts) {
    ctx.complete_room(&task, EndReason::EndedByAgent).await;
}

/// `update-video-state`: the server merges `videoRoom` into the task attributes. Not tied to
/// the tab: a `disconnected` written on unmount still gets there. Failures are logged.
pub(super) async fn write_state(ctx: Rc<Context>, task_sid: String, state: VideoRoomState) {
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
    let answer = post_form_json(&url, &fields, None).await;
    if let Err(e) = read_body(answer, read::success) {
        flex::warn("update-video-state failed", &e.detail());
    }
}
