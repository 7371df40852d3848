//! What every component of one plugin instance shares: the Flex edge, the configuration
//! and the media connector.

use super::connector::Connector;
use super::flex::{self, FlexApi, ManagerApi};
use super::http::{post_form_json, read_body};
use crate::api::{param, Endpoint};
use crate::config::Config;
use crate::rules::{complete_room_target, TaskFacts};
use crate::session::EndReason;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A future behind one pointer: a body shared by several callers is compiled once, not copied
/// into each caller's state machine.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

pub struct Context {
    pub flex: FlexApi,
    pub manager: ManagerApi,
    pub config: Config,
    pub connector: Rc<dyn Connector>,
}

/// Why a functions call could not even be attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallError {
    /// The feature is disabled, so there is no functions URL.
    NotConfigured,
    /// `manager.user.token` is missing.
    NoFlexToken,
}

impl CallError {
    pub const fn describe(self) -> &'static str {
        match self {
            CallError::NotConfigured => "the functions URL is not configured",
            CallError::NoFlexToken => "manager.user.token is missing",
        }
    }
}

impl Context {
    /// The endpoint's URL and the agent's current Flex token.
    pub fn call(&self, endpoint: Endpoint) -> Result<(String, String), CallError> {
        let url = self
            .config
            .endpoint_url(endpoint)
            .ok_or(CallError::NotConfigured)?;
        let token = self.manager.token().ok_or(CallError::NoFlexToken)?;
        Ok((url, token))
    }

    /// `complete-room` for `task`'s session (its document, else its room) with `reason`: the
    /// room, the code and every open page end. Failures are logged.
    pub fn complete_room<'a>(&'a self, task: &'a TaskFacts, reason: EndReason) -> Boxed<'a, ()> {
        Box::pin(async move {
            let (url, token) = match self.call(Endpoint::CompleteRoom) {
                Ok(call) => call,
                Err(e) => return flex::warn(e.describe(), &JsValue::UNDEFINED),
            };
            let mut fields = vec![(param::TOKEN, token.as_str())];
            if let Some(target) = complete_room_target(&task.video) {
                fields.push(target);
            }
            fields.push((param::REASON, reason.as_str()));
            if let Some(task_sid) = task.task_sid.as_deref() {
                fields.push((param::TASK_SID, task_sid));
            }
            let answer = post_form_json(&url, &fields, None).await;
            if let Err(e) = read_body(answer, super::read::success) {
                flex::warn("complete-room failed", &e.detail());
            }
        })
    }
}
