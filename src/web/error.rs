//! What `Plugin.create` throws when it cannot start: a [`PluginError`] whose `code` is one of
//! [`PluginErrorCode`] (so the generated `.d.ts` lists every code) and whose `message` says what
//! to fix.

use super::flex::EdgeError;
use crate::config::ConfigError;
use wasm_bindgen::prelude::*;

/// Why the plugin did not start.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginErrorCode {
    InvalidEnabledFlag = "InvalidEnabledFlag",
    MissingFunctionsDomain = "MissingFunctionsDomain",
    InvalidFunctionsDomain = "InvalidFunctionsDomain",
    InvalidFunctionsProtocol = "InvalidFunctionsProtocol",
    InvalidFunctionsPort = "InvalidFunctionsPort",
    InvalidAccentColor = "InvalidAccentColor",
    InvalidFlex = "InvalidFlex",
    InvalidManager = "InvalidManager",
}

/// The error `Plugin.create` throws.
#[wasm_bindgen]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    code: PluginErrorCode,
    message: &'static str,
}

#[wasm_bindgen]
impl PluginError {
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> PluginErrorCode {
        self.code
    }

    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.to_owned()
    }

    /// `"<code>: <message>"`, for logs.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        let code = JsValue::from(self.code).as_string().unwrap_or_default();
        let mut out = String::with_capacity(code.len() + 2 + self.message.len());
        out.push_str(&code);
        out.push_str(": ");
        out.push_str(self.message);
        out
    }
}

impl From<ConfigError> for PluginError {
    fn from(e: ConfigError) -> Self {
        let code = match e {
            ConfigError::InvalidEnabledFlag => PluginErrorCode::InvalidEnabledFlag,
            ConfigError::MissingFunctionsDomain => PluginErrorCode::MissingFunctionsDomain,
            ConfigError::InvalidFunctionsDomain => PluginErrorCode::InvalidFunctionsDomain,
            ConfigError::InvalidFunctionsProtocol => PluginErrorCode::InvalidFunctionsProtocol,
            ConfigError::InvalidFunctionsPort => PluginErrorCode::InvalidFunctionsPort,
            ConfigError::InvalidAccentColor => PluginErrorCode::InvalidAccentColor,
        };
        PluginError {
            code,
            message: e.message(),
        }
    }
}

impl From<EdgeError> for PluginError {
    fn from(e: EdgeError) -> Self {
        let code = match e {
            EdgeError::InvalidFlex => PluginErrorCode::InvalidFlex,
            EdgeError::InvalidManager => PluginErrorCode::InvalidManager,
        };
        PluginError {
            code,
            message: e.message(),
        }
    }
}
