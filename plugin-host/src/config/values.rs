//! Parsing and checking single configuration values.

use super::{invalid, ConfigError};
use chat_to_video::sid::is_sid;

pub(super) fn parse_int(
    var: &'static str,
    value: Option<String>,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(v) = value else { return Ok(default) };
    let n: u64 = v
        .parse()
        .map_err(|_| invalid(var, format!("`{v}` is not a whole number")))?;
    if n < min || n > max {
        return Err(invalid(var, format!("{n} is outside {min}..={max}")));
    }
    Ok(n)
}

pub(super) fn parse_positive_f64(
    var: &'static str,
    value: Option<String>,
    default: f64,
) -> Result<f64, ConfigError> {
    let Some(v) = value else { return Ok(default) };
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(invalid(var, format!("`{v}` is not a positive number"))),
    }
}

/// A number of seconds from 0 to a day.
pub(super) fn parse_non_negative_f64(
    var: &'static str,
    value: Option<String>,
    default: f64,
) -> Result<f64, ConfigError> {
    let Some(v) = value else { return Ok(default) };
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=86_400.0).contains(&n) => Ok(n),
        _ => Err(invalid(
            var,
            format!("`{v}` is not a number of seconds from 0 to 86400"),
        )),
    }
}

pub(super) fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" | "" => Ok(false),
        _ => Err(invalid(var, format!("`{v}` is not true or false"))),
    }
}

/// `PREFIX` + 32 hex digits, as Twilio's specs define SIDs.
pub(super) fn check_sid(var: &'static str, value: &str, prefix: &str) -> Result<(), ConfigError> {
    if is_sid(value, prefix) {
        Ok(())
    } else {
        Err(invalid(
            var,
            format!("must be {prefix} followed by 32 hex digits"),
        ))
    }
}

pub(super) fn parse_base_url(var: &'static str, value: &str) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(value.trim())
        .map_err(|e| invalid(var, format!("`{value}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(var, format!("`{value}` must be an http(s) URL")));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}
