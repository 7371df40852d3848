//! Sending the customer their link: `generate-unique-code` (the task's live session's link again,
//! or, with `replace`, a new one that retires it), then Flex's `SendMessage` with the invite
//! text and `{hasVideo, videoUrl, uniqueCode}`. The video button and the tab's "Send a new link"
//! both send it this way.

use super::context::{CallError, Context};
use super::http::{post_form_json, read_body, HttpError};
use super::read;
use crate::api::{param, Endpoint, GenerateCodeResponse};
use js_sys::{Object, Reflect};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Why the invite was not sent.
pub enum InviteError {
    Call(CallError),
    NoTask,
    Http(HttpError),
    BadAnswer,
    SendMessage(JsValue),
}

impl InviteError {
    /// For the console; `None` when there is nothing to report (the request was aborted).
    pub fn describe(&self) -> Option<(&'static str, JsValue)> {
        Some(match self {
            InviteError::Http(HttpError::Aborted) => return None,
            InviteError::Call(c) => (c.describe(), JsValue::UNDEFINED),
            InviteError::NoTask => ("the task has no taskSid", JsValue::UNDEFINED),
            InviteError::Http(h) => (h.describe(), h.detail()),
            InviteError::BadAnswer => (
                "generate-unique-code answered without a link",
                JsValue::UNDEFINED,
            ),
            InviteError::SendMessage(e) => ("SendMessage failed", e.clone()),
        })
    }
}

/// What the invite goes with: the task, and where the message goes.
pub struct Target<'a> {
    pub task_sid: Option<&'a str>,
    pub conversation: &'a JsValue,
    pub conversation_sid: Option<&'a str>,
}

/// Asks for the link and sends it. `still_wanted` is asked before sending: a component that
/// went away while the link was being made sends nothing. One body for the button and the tab
/// (boxed, so it is not copied into each caller).
pub fn send<'a>(
    ctx: &'a Context,
    target: Target<'a>,
    replace: bool,
    signal: Option<&'a AbortSignal>,
    still_wanted: &'a dyn Fn() -> bool,
) -> Pin<Box<dyn Future<Output = Result<GenerateCodeResponse, InviteError>> + 'a>> {
    Box::pin(send_now(ctx, target, replace, signal, still_wanted))
}

async fn send_now(
    ctx: &Context,
    target: Target<'_>,
    replace: bool,
    signal: Option<&AbortSignal>,
    still_wanted: &dyn Fn() -> bool,
) -> Result<GenerateCodeResponse, InviteError> {
    let task_sid = target.task_sid.ok_or(InviteError::NoTask)?;
    let (url, token) = ctx
        .call(Endpoint::GenerateUniqueCode)
        .map_err(InviteError::Call)?;
    let mut fields = vec![(param::TOKEN, token.as_str()), (param::TASK_SID, task_sid)];
    if replace {
        fields.push((param::REPLACE, "true"));
    }
    let answer = post_form_json(&url, &fields, signal).await;
    let code = read_body(answer, read::generate_code).map_err(InviteError::Http)?;
    if code.full_url.is_empty() || code.unique_code.is_empty() {
        return Err(InviteError::BadAnswer);
    }
    if !still_wanted() {
        return Err(InviteError::Http(HttpError::Aborted));
    }
    let body = ctx.manager.strings().invite_body(&code.full_url);
    let payload = send_message_payload(&body, target.conversation, target.conversation_sid, &code);
    let sent = ctx
        .flex
        .invoke_action("SendMessage", &payload)
        .map_err(InviteError::SendMessage)?;
    JsFuture::from(sent)
        .await
        .map_err(InviteError::SendMessage)?;
    Ok(code)
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
