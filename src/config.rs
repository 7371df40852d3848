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

/// What is wrong with the configuration. `code()` crosses to JS as the `Error`'s `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    InvalidEnabledFlag,
    MissingFunctionsDomain,
    InvalidFunctionsDomain,
    InvalidFunctionsProtocol,
    InvalidFunctionsPort,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub const fn code(self) -> &'static str {
        match self {
            ConfigError::InvalidEnabledFlag => "InvalidEnabledFlag",
            ConfigError::MissingFunctionsDomain => "MissingFunctionsDomain",
            ConfigError::InvalidFunctionsDomain => "InvalidFunctionsDomain",
            ConfigError::InvalidFunctionsProtocol => "InvalidFunctionsProtocol",
            ConfigError::InvalidFunctionsPort => "InvalidFunctionsPort",
        }
    }

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
        }
    }
}

/// The validated configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    enabled: bool,
    /// `protocol://domain[:port]`, present when enabled.
    origin: Option<String>,
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
        let mut origin = String::with_capacity(protocol.len() + domain.len() + 10);
        origin.push_str(protocol);
        origin.push_str("://");
        origin.push_str(domain);
        if let Some(port) = port {
            origin.push(':');
            push_decimal(&mut origin, port);
        }
        Ok(Config {
            enabled: true,
            origin: Some(origin),
        })
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

/// Appends `n` in decimal without the formatting machinery.
fn push_decimal(out: &mut String, n: u16) {
    let mut digits = [0u8; 5];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

fn present(v: &Option<RawValue>) -> Option<&RawValue> {
    v.as_ref().filter(|v| **v != RawValue::Null)
}

/// A host name, IPv4 address, `[IPv6]` literal or `localhost`, optionally with `:port`
/// (for configurations that put the port there). One trailing `/` is forgiven.
fn domain(raw: &str) -> Result<&str, ConfigError> {
    let d = raw.trim();
    let d = d.strip_suffix('/').unwrap_or(d);
    let ok = !d.is_empty()
        && d.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
        && !d.starts_with([':', '.', '-'])
        && !d.contains("://");
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
mod tests {
    use super::*;

    fn text(s: &str) -> Option<RawValue> {
        Some(RawValue::Text(s.into()))
    }

    fn enabled(domain: &str) -> RawConfig {
        RawConfig {
            domain: text(domain),
            enabled: Some(RawValue::Bool(true)),
            ..Default::default()
        }
    }

    #[test]
    fn disabled_by_default_and_validates_nothing_then() {
        let c = Config::from_raw(&RawConfig::default()).unwrap();
        assert!(!c.enabled());
        assert_eq!(c.endpoint_url(Endpoint::GenerateUniqueCode), None);
        let junk = RawConfig {
            domain: Some(RawValue::Other),
            protocol: text("gopher"),
            port: text("99999"),
            enabled: Some(RawValue::Bool(false)),
        };
        assert!(!Config::from_raw(&junk).unwrap().enabled());
        let null = RawConfig {
            enabled: Some(RawValue::Null),
            ..Default::default()
        };
        assert!(!Config::from_raw(&null).unwrap().enabled());
    }

    #[test]
    fn enabled_flag_must_be_a_boolean() {
        for v in [
            text("true"),
            Some(RawValue::Number(1.0)),
            Some(RawValue::Other),
        ] {
            let raw = RawConfig {
                enabled: v,
                ..enabled("x.twil.io")
            };
            assert_eq!(Config::from_raw(&raw), Err(ConfigError::InvalidEnabledFlag));
        }
    }

    #[test]
    fn builds_endpoint_urls() {
        let c = Config::from_raw(&enabled("custom-1234.twil.io")).unwrap();
        assert!(c.enabled());
        assert_eq!(c.origin(), Some("https://custom-1234.twil.io"));
        assert_eq!(
            c.endpoint_url(Endpoint::GenerateUniqueCode).as_deref(),
            Some("https://custom-1234.twil.io/features/chat-to-video-escalation/generate-unique-code")
        );
        let local = RawConfig {
            protocol: text("http"),
            port: text("3001"),
            ..enabled("127.0.0.1")
        };
        assert_eq!(
            Config::from_raw(&local)
                .unwrap()
                .endpoint_url(Endpoint::AgentGetToken)
                .as_deref(),
            Some("http://127.0.0.1:3001/features/chat-to-video-escalation/agent-get-token")
        );
        let numeric = RawConfig {
            protocol: text("HTTP:"),
            port: Some(RawValue::Number(8080.0)),
            ..enabled("localhost/")
        };
        assert_eq!(
            Config::from_raw(&numeric).unwrap().origin(),
            Some("http://localhost:8080")
        );
        let in_domain = enabled("localhost:3000");
        assert_eq!(
            Config::from_raw(&in_domain).unwrap().origin(),
            Some("https://localhost:3000")
        );
        let blank_port = RawConfig {
            port: text(""),
            protocol: Some(RawValue::Null),
            ..enabled("[::1]")
        };
        assert_eq!(
            Config::from_raw(&blank_port).unwrap().origin(),
            Some("https://[::1]")
        );
    }

    #[test]
    fn missing_or_bad_domain() {
        for d in [None, text(""), text("  "), Some(RawValue::Null)] {
            let raw = RawConfig {
                domain: d,
                ..enabled("")
            };
            assert_eq!(
                Config::from_raw(&raw),
                Err(ConfigError::MissingFunctionsDomain)
            );
        }
        for d in [
            "https://x.twil.io",
            "x.twil.io/path",
            "x twil.io",
            "user@x.twil.io",
            "x.twil.io?a",
            ":80",
            "-x",
            "<script>",
        ] {
            assert_eq!(
                Config::from_raw(&enabled(d)),
                Err(ConfigError::InvalidFunctionsDomain),
                "{d}"
            );
        }
        let number = RawConfig {
            domain: Some(RawValue::Number(1.0)),
            ..enabled("")
        };
        assert_eq!(
            Config::from_raw(&number),
            Err(ConfigError::InvalidFunctionsDomain)
        );
    }

    #[test]
    fn bad_protocol_or_port() {
        for p in [
            text("ftp"),
            text(""),
            text("https//"),
            Some(RawValue::Bool(true)),
        ] {
            let raw = RawConfig {
                protocol: p,
                ..enabled("x.twil.io")
            };
            assert_eq!(
                Config::from_raw(&raw),
                Err(ConfigError::InvalidFunctionsProtocol)
            );
        }
        for p in [
            text("0"),
            text("65536"),
            text("80a"),
            text("-1"),
            text("123456"),
            Some(RawValue::Number(0.0)),
            Some(RawValue::Number(80.5)),
            Some(RawValue::Number(70000.0)),
            Some(RawValue::Number(f64::NAN)),
            Some(RawValue::Bool(true)),
        ] {
            let raw = RawConfig {
                port: p.clone(),
                ..enabled("x.twil.io")
            };
            assert_eq!(
                Config::from_raw(&raw),
                Err(ConfigError::InvalidFunctionsPort),
                "{p:?}"
            );
        }
        let spaced = RawConfig {
            port: text(" 443 "),
            ..enabled("x.twil.io")
        };
        assert_eq!(
            Config::from_raw(&spaced).unwrap().origin(),
            Some("https://x.twil.io:443")
        );
    }

    #[test]
    fn decimal_ports() {
        for n in [1u16, 9, 10, 99, 443, 8080, 65535] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn error_codes_and_messages() {
        let all = [
            ConfigError::InvalidEnabledFlag,
            ConfigError::MissingFunctionsDomain,
            ConfigError::InvalidFunctionsDomain,
            ConfigError::InvalidFunctionsProtocol,
            ConfigError::InvalidFunctionsPort,
        ];
        for e in all {
            assert_eq!(e.to_string(), e.message());
            assert!(!e.code().is_empty());
            assert_eq!(format!("{e:?}"), e.code());
        }
    }
}
