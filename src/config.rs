//! The plugin's configuration, read from Flex's
//! `manager.serviceConfiguration.ui_attributes.custom_data`:
//!
//! | key | meaning |
//! |---|---|
//! | `features.chat_to_video_escalation.enabled` | `true`/`false`, default `false` |
//! | `serverless_functions_domain` | host of the functions, required when enabled |
//! | `serverless_functions_protocol` | `https` (default) or `http` |
//! | `serverless_functions_port` | optional, a string or a number |
//!
//! A disabled feature validates nothing else, so a half-configured Flex keeps working.

use crate::api::{Endpoint, FUNCTIONS_BASE};
use std::fmt;

/// `custom_data` as found, before validation. The edge fills it from JS values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawConfig {
    pub domain: Option<RawValue>,
    pub protocol: Option<RawValue>,
    pub port: Option<RawValue>,
    pub enabled: Option<RawValue>,
    /// `custom_data.branding.accent_color`: the tab's primary buttons.
    pub accent_color: Option<RawValue>,
}

/// A JSON-ish value as configuration can hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Text(String),
    Number(f64),
    Bool(bool),
    /// `null`: treated as absent.
    Null,
    /// An object, array or anything else a setting cannot be.
    Other,
}

/// What is wrong with the configuration (crosses to JS as a `PluginError`'s `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    InvalidEnabledFlag,
    MissingFunctionsDomain,
    InvalidFunctionsDomain,
    InvalidFunctionsProtocol,
    InvalidFunctionsPort,
    InvalidAccentColor,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// The message, without formatting machinery (the browser build avoids `fmt`).
    pub const fn message(self) -> &'static str {
        match self {
            ConfigError::InvalidEnabledFlag => {
                "custom_data.features.chat_to_video_escalation.enabled must be true or false"
            }
            ConfigError::MissingFunctionsDomain => {
                "custom_data.serverless_functions_domain is required when chat-to-video is enabled"
            }
            ConfigError::InvalidFunctionsDomain => {
                "custom_data.serverless_functions_domain must be a host name such as example-1234.twil.io, without scheme or path"
            }
            ConfigError::InvalidFunctionsProtocol => {
                "custom_data.serverless_functions_protocol must be \"https\" or \"http\""
            }
            ConfigError::InvalidFunctionsPort => {
                "custom_data.serverless_functions_port must be a port number from 1 to 65535"
            }
            ConfigError::InvalidAccentColor => {
                "custom_data.branding.accent_color must be a CSS hex colour such as #0263e0 (#rgb or #rrggbb)"
            }
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    enabled: bool,
    /// `protocol://domain[:port]`, present when enabled.
    origin: Option<String>,
    /// The company's accent (`#rrggbb`) and the text colour readable on it.
    accent: Option<(String, String)>,
}

impl Config {
    pub fn from_raw(raw: &RawConfig) -> Result<Config, ConfigError> {
        let enabled = match present(&raw.enabled) {
            None => false,
            Some(RawValue::Bool(b)) => *b,
            Some(_) => return Err(ConfigError::InvalidEnabledFlag),
        };
        if !enabled {
            return Ok(Config::default());
        }
        let domain = match present(&raw.domain) {
            None => return Err(ConfigError::MissingFunctionsDomain),
            Some(RawValue::Text(t)) if t.trim().is_empty() => {
                return Err(ConfigError::MissingFunctionsDomain)
            }
            Some(RawValue::Text(t)) => domain(t)?,
            Some(_) => return Err(ConfigError::InvalidFunctionsDomain),
        };
        let protocol = match present(&raw.protocol) {
            None => "https",
            Some(RawValue::Text(t)) => protocol(t)?,
            Some(_) => return Err(ConfigError::InvalidFunctionsProtocol),
        };
        let port = match present(&raw.port) {
            None => None,
            Some(RawValue::Text(t)) if t.trim().is_empty() => None,
            Some(RawValue::Text(t)) => Some(port_from_text(t)?),
            Some(RawValue::Number(n)) => Some(port_from_number(*n)?),
            Some(_) => return Err(ConfigError::InvalidFunctionsPort),
        };
        let accent = match present(&raw.accent_color) {
            None => None,
            Some(RawValue::Text(t)) if t.trim().is_empty() => None,
            Some(RawValue::Text(t)) => {
                let c = crate::brand::Color::parse_hex(t)
                    .map_err(|_| ConfigError::InvalidAccentColor)?;
                Some((c.hex(), c.text_on().hex()))
            }
            Some(_) => return Err(ConfigError::InvalidAccentColor),
        };
        let mut origin = String::with_capacity(protocol.len() + domain.len() + 10);
        origin.push_str(protocol);
        origin.push_str("://");
        origin.push_str(domain);
        if let Some(port) = port {
            origin.push(':');
            crate::decimal::push(&mut origin, u64::from(port));
        }
        Ok(Config {
            enabled: true,
            origin: Some(origin),
            accent,
        })
    }

    /// The accent (`#rrggbb`) and the text colour on it (white or black by WCAG contrast).
    pub fn accent(&self) -> Option<(&str, &str)> {
        self.accent.as_ref().map(|(a, t)| (a.as_str(), t.as_str()))
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// `protocol://domain[:port]` of the functions, when enabled.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The URL of one function: origin + [`FUNCTIONS_BASE`] + `/` + its name.
    pub fn endpoint_url(&self, endpoint: Endpoint) -> Option<String> {
        let origin = self.origin.as_deref()?;
        let name = endpoint.name();
        let mut url = String::with_capacity(origin.len() + FUNCTIONS_BASE.len() + name.len() + 1);
        url.push_str(origin);
        url.push_str(FUNCTIONS_BASE);
        url.push('/');
        url.push_str(name);
        Some(url)
    }
}

fn present(v: &Option<RawValue>) -> Option<&RawValue> {
    v.as_ref().filter(|v| **v != RawValue::Null)
}

/// A host name, IPv4 address, `[IPv6]` literal or `localhost`, optionally with `:port`
/// (for configurations that put the port there). One trailing `/` is forgiven. A scheme
/// (`https://…`) or a path fails on its `/`: no substring search (core's `&str` searcher, about
/// 1 KB of the plugin module, would be here only for that).
fn domain(raw: &str) -> Result<&str, ConfigError> {
    let d = raw.trim();
    let d = d.strip_suffix('/').unwrap_or(d);
    let ok = !d.is_empty()
        && d.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
        && !d.starts_with([':', '.', '-']);
    if ok {
        Ok(d)
    } else {
        Err(ConfigError::InvalidFunctionsDomain)
    }
}

fn protocol(raw: &str) -> Result<&'static str, ConfigError> {
    let p = raw.trim();
    let p = p
        .strip_suffix("://")
        .or_else(|| p.strip_suffix(':'))
        .unwrap_or(p);
    if p.eq_ignore_ascii_case("https") {
        Ok("https")
    } else if p.eq_ignore_ascii_case("http") {
        Ok("http")
    } else {
        Err(ConfigError::InvalidFunctionsProtocol)
    }
}

fn port_from_text(raw: &str) -> Result<u16, ConfigError> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 5 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConfigError::InvalidFunctionsPort);
    }
    match t.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        _ => Err(ConfigError::InvalidFunctionsPort),
    }
}

fn port_from_number(n: f64) -> Result<u16, ConfigError> {
    if n.fract() == 0.0 && (1.0..=65535.0).contains(&n) {
        Ok(n as u16)
    } else {
        Err(ConfigError::InvalidFunctionsPort)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
