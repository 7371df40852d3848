//! What every component of one plugin instance shares: the Flex edge, the configuration
//! and the media connector.

use super::connector::Connector;
use super::flex::{FlexApi, ManagerApi};
use crate::api::Endpoint;
use crate::config::Config;
use std::rc::Rc;

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
}
