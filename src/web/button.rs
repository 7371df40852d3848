//! The video button in the task header. Idle → click → loading (disabled, spinner) while
//! `generate-unique-code` runs and Flex's `SendMessage` sends the invite → idle again, or,
//! on any failure, the registered error notification and an error look (still clickable, to
//! retry). Clicks while loading send nothing.

use super::context::Context;
use super::dom::{self, Listener, LiveComponent, StyleGuard};
use super::flex::{self, task_facts};
use super::http::{post_form, HttpError, InFlight};
use super::mounted::Component;
use crate::api::{param, Endpoint, GenerateCodeResponse};
use crate::notifications::FAILED_VIDEO_LINK;
use crate::rules::TaskFacts;
use crate::strings::Text;
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Loading,
    Error,
}

struct View {
    root: Element,
    button: HtmlButtonElement,
    icon: Element,
    spinner: Element,
}

struct State {
    ctx: Rc<Context>,
    phase: Phase,
    task: TaskFacts,
    conversation: JsValue,
    view: View,
    /// The `generate-unique-code` request, aborted if the button goes away.
    request: Option<InFlight>,
    _live: LiveComponent,
}

/// The mounted button. Dropping it removes its element and listener and aborts its request.
#[must_use = "dropping the button removes it from the task header"]
pub struct VideoButton {
    state: Rc<RefCell<State>>,
    _click: Listener,
    _style: StyleGuard,
}

impl VideoButton {
    pub fn mount(
        ctx: Rc<Context>,
        parent: &HtmlElement,
        task: &JsValue,
        conversation: &JsValue,
    ) -> VideoButton {
        let doc = dom::document();
        let style = StyleGuard::new(&doc);
        let strings = ctx.manager.strings();
        let label = strings.get(Text::SwitchToVideo);

        let root = dom::element(&doc, "span", "c2v c2v-button-root");
        let button = dom::button(&doc, "c2v-video-button", "");
        dom::set_attr(&button, "aria-label", label);
        dom::set_attr(&button, "title", label);
        let icon = dom::element(&doc, "span", "c2v-icon");
        dom::append(&icon, &dom::camera_icon(&doc));
        let spinner = dom::element(&doc, "span", "c2v-spinner");
        dom::set_attr(&spinner, "aria-hidden", "true");
        dom::append(&button, &icon);
        dom::append(&button, &spinner);
        dom::append(&root, &button);
        dom::append(parent, &root);

        let state = Rc::new(RefCell::new(State {
            ctx,
            phase: Phase::Idle,
            task: task_facts(task),
            conversation: conversation.clone(),
            view: View {
                root,
                button,
                icon,
                spinner,
            },
            request: None,
            _live: LiveComponent::new(),
        }));
        render(&state.borrow());

        let weak = Rc::downgrade(&state);
        let click = Listener::new(&state.borrow().view.button, "click", move |_| {
            on_click(&weak)
        });
        VideoButton {
            state,
            _click: click,
            _style: style,
        }
    }
}

impl Component for VideoButton {
    fn update(&self, task: &JsValue, conversation: Option<&JsValue>) {
        let mut st = self.state.borrow_mut();
        st.task = task_facts(task);
        if let Some(c) = conversation {
            st.conversation = c.clone();
        }
    }
}

impl Drop for VideoButton {
    fn drop(&mut self) {
        let mut st = self.state.borrow_mut();
        st.request = None;
        st.view.root.remove();
    }
}

fn render(st: &State) {
    let v = &st.view;
    let loading = st.phase == Phase::Loading;
    v.button.set_disabled(loading);
    dom::set_attr(
        &v.button,
        "aria-busy",
        if loading { "true" } else { "false" },
    );
    dom::set_attr(
        &v.button,
        "data-state",
        match st.phase {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Error => "error",
        },
    );
    let strings = st.ctx.manager.strings();
    let title = match st.phase {
        Phase::Error => strings.get(Text::FailedVideoLink),
        _ => strings.get(Text::SwitchToVideo),
    };
    dom::set_attr(&v.button, "title", title);
    dom::set_shown(&v.icon, !loading);
    dom::set_shown(&v.spinner, loading);
}

fn on_click(weak: &Weak<RefCell<State>>) {
    let Some(state) = weak.upgrade() else {
        return;
    };
    {
        let mut st = state.borrow_mut();
        if st.phase == Phase::Loading {
            return;
        }
        st.phase = Phase::Loading;
        st.request = Some(InFlight::new());
        render(&st);
    }
    wasm_bindgen_futures::spawn_local(send_invite(weak.clone()));
}

/// Why the invite was not sent.
enum InviteError {
    Call(super::context::CallError),
    NoTask,
    Http(HttpError),
    BadAnswer,
    SendMessage(JsValue),
    /// The button went away: nothing to report.
    Gone,
}

async fn send_invite(weak: Weak<RefCell<State>>) {
    let result = invite(&weak).await;
    let Some(state) = weak.upgrade() else {
        return;
    };
    let mut st = state.borrow_mut();
    st.request = None;
    match result {
        Ok(()) => st.phase = Phase::Idle,
        Err(e) => {
            let (what, detail) = match e {
                InviteError::Gone | InviteError::Http(HttpError::Aborted) => return,
                InviteError::Call(c) => (c.describe(), JsValue::UNDEFINED),
                InviteError::NoTask => ("the task has no taskSid", JsValue::UNDEFINED),
                InviteError::Http(h) => (h.describe(), h.detail()),
                InviteError::BadAnswer => (
                    "generate-unique-code answered without a link",
                    JsValue::UNDEFINED,
                ),
                InviteError::SendMessage(e) => ("SendMessage failed", e),
            };
            flex::warn(what, &detail);
            st.ctx.flex.show_notification(FAILED_VIDEO_LINK.id);
            st.phase = Phase::Error;
        }
    }
    render(&st);
}

async fn invite(weak: &Weak<RefCell<State>>) -> Result<(), InviteError> {
    let (ctx, task_sid, signal) = {
        let state = weak.upgrade().ok_or(InviteError::Gone)?;
        let st = state.borrow();
        let signal = st.request.as_ref().and_then(InFlight::signal);
        (st.ctx.clone(), st.task.task_sid.clone(), signal)
    };
    let task_sid = task_sid.ok_or(InviteError::NoTask)?;
    let (url, token) = ctx
        .call(Endpoint::GenerateUniqueCode)
        .map_err(InviteError::Call)?;
    let code: GenerateCodeResponse = post_form(
        &url,
        &[(param::TOKEN, &token), (param::TASK_SID, &task_sid)],
        signal.as_ref(),
    )
    .await
    .map_err(InviteError::Http)?;
    if code.full_url.is_empty() || code.unique_code.is_empty() {
        return Err(InviteError::BadAnswer);
    }

    // The button may have gone while the code was being made: then send nothing.
    let payload = {
        let state = weak.upgrade().ok_or(InviteError::Gone)?;
        let st = state.borrow();
        let body = ctx.manager.strings().invite_body(&code.full_url);
        send_message_payload(
            &body,
            &st.conversation,
            st.task.conversation_sid.as_deref(),
            &code,
        )
    };
    let sent = ctx
        .flex
        .invoke_action("SendMessage", &payload)
        .map_err(InviteError::SendMessage)?;
    JsFuture::from(sent)
        .await
        .map_err(InviteError::SendMessage)?;
    Ok(())
}

/// `{body, conversation?, conversationSid?, messageAttributes: {hasVideo, videoUrl, uniqueCode}}`.
fn send_message_payload(
    body: &str,
    conversation: &JsValue,
    conversation_sid: Option<&str>,
    code: &GenerateCodeResponse,
) -> JsValue {
    let set = |obj: &Object, key: &str, value: &JsValue| {
        let _ = Reflect::set(obj, &JsValue::from_str(key), value);
    };
    let attrs = Object::new();
    set(&attrs, "hasVideo", &JsValue::TRUE);
    set(&attrs, "videoUrl", &JsValue::from_str(&code.full_url));
    set(&attrs, "uniqueCode", &JsValue::from_str(&code.unique_code));
    let payload = Object::new();
    set(&payload, "body", &JsValue::from_str(body));
    if conversation.is_object() {
        set(&payload, "conversation", conversation);
    }
    if let Some(sid) = conversation_sid {
        set(&payload, "conversationSid", &JsValue::from_str(sid));
    }
    set(&payload, "messageAttributes", &attrs);
    payload.into()
}
