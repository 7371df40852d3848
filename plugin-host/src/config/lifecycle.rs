//! The settings of sessions and of who a customer is: seats per session, how often the host
//! looks for sessions whose task has left the agent, how long an accepted Flex token is
//! remembered, and where the client's address comes from behind a reverse proxy.

use super::values::{parse_int, parse_non_negative_f64, parse_positive_f64};
use super::{invalid, ConfigError};

/// The variables this file reads.
pub const VARIABLES: [&str; 5] = [
    "VIDEO_CUSTOMER_SEATS",
    "SESSION_SWEEP_SECS",
    "FLEX_TOKEN_CACHE_SECS",
    "TRUSTED_PROXY_HEADER",
    "TRUSTED_PROXY_HOPS",
];

#[derive(Debug, Clone, PartialEq)]
pub struct SessionSettings {
    /// Customer seats per session (`VIDEO_CUSTOMER_SEATS`, default 1): a new tab or device
    /// takes a seat over; the agent's place in the room is always free.
    pub customer_seats: u32,
    /// Seconds between sweeps over live sessions (`SESSION_SWEEP_SECS`, default 30).
    pub sweep_secs: f64,
    /// Seconds an accepted Flex token is remembered, never past its own expiry
    /// (`FLEX_TOKEN_CACHE_SECS`, default 60, at most 300; 0: every call asks IAM).
    pub token_cache_secs: f64,
}

/// Where the client's address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddressSettings {
    /// A header a trusted reverse proxy sets, such as `x-forwarded-for` (lower case); `None`:
    /// the peer address of the connection.
    pub header: Option<String>,
    /// How many proxies in front of the host append to that header: the client is the entry
    /// this many places from the end.
    pub hops: usize,
}

pub fn read(
    get: impl Fn(&'static str) -> Option<String>,
) -> Result<(SessionSettings, ClientAddressSettings), ConfigError> {
    let customer_seats = parse_int(
        "VIDEO_CUSTOMER_SEATS",
        get("VIDEO_CUSTOMER_SEATS"),
        1,
        1,
        10,
    )? as u32;
    let sweep_secs = parse_positive_f64("SESSION_SWEEP_SECS", get("SESSION_SWEEP_SECS"), 30.0)?;
    if sweep_secs > 60.0 {
        return Err(invalid(
            "SESSION_SWEEP_SECS",
            "must be at most 60: a session whose task left the agent ends within a minute",
        ));
    }
    let token_cache_secs =
        parse_non_negative_f64("FLEX_TOKEN_CACHE_SECS", get("FLEX_TOKEN_CACHE_SECS"), 60.0)?;
    if token_cache_secs > 300.0 {
        return Err(invalid(
            "FLEX_TOKEN_CACHE_SECS",
            "must be at most 300: a Flex token IAM no longer accepts (a signed-out agent) is \
             still accepted here until its entry runs out",
        ));
    }
    let header = match get("TRUSTED_PROXY_HEADER") {
        None => None,
        Some(h) => {
            let ok = h
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(invalid(
                    "TRUSTED_PROXY_HEADER",
                    format!("`{h}` is not a header name such as X-Forwarded-For"),
                ));
            }
            Some(h.to_ascii_lowercase())
        }
    };
    let hops = parse_int("TRUSTED_PROXY_HOPS", get("TRUSTED_PROXY_HOPS"), 1, 1, 10)? as usize;
    if header.is_none() && get("TRUSTED_PROXY_HOPS").is_some() {
        return Err(invalid(
            "TRUSTED_PROXY_HOPS",
            "needs TRUSTED_PROXY_HEADER, the header those proxies set",
        ));
    }
    Ok((
        SessionSettings {
            customer_seats,
            sweep_secs,
            token_cache_secs,
        },
        ClientAddressSettings { header, hops },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(
        vars: &[(&str, &str)],
    ) -> Result<(SessionSettings, ClientAddressSettings), ConfigError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        read(|k| map.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn defaults() {
        let (s, c) = with(&[]).unwrap();
        assert_eq!(s.customer_seats, 1);
        assert_eq!(s.sweep_secs, 30.0);
        assert_eq!(s.token_cache_secs, 60.0);
        assert_eq!(
            c,
            ClientAddressSettings {
                header: None,
                hops: 1
            }
        );
    }

    #[test]
    fn values_and_refusals() {
        let (s, c) = with(&[
            ("VIDEO_CUSTOMER_SEATS", "3"),
            ("SESSION_SWEEP_SECS", "0.2"),
            ("FLEX_TOKEN_CACHE_SECS", "0"),
            ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
            ("TRUSTED_PROXY_HOPS", "2"),
        ])
        .unwrap();
        assert_eq!((s.customer_seats, s.sweep_secs), (3, 0.2));
        assert_eq!(s.token_cache_secs, 0.0);
        assert_eq!(c.header.as_deref(), Some("x-forwarded-for"));
        assert_eq!(c.hops, 2);
        for (var, value) in [
            ("VIDEO_CUSTOMER_SEATS", "0"),
            ("VIDEO_CUSTOMER_SEATS", "11"),
            ("SESSION_SWEEP_SECS", "61"),
            ("SESSION_SWEEP_SECS", "-1"),
            ("FLEX_TOKEN_CACHE_SECS", "301"),
            ("FLEX_TOKEN_CACHE_SECS", "soon"),
            ("TRUSTED_PROXY_HEADER", "X Forwarded"),
        ] {
            let e = with(&[(var, value)]).unwrap_err();
            assert_eq!(e.var, var, "{value}");
        }
        let e = with(&[("TRUSTED_PROXY_HOPS", "2")]).unwrap_err();
        assert_eq!(e.var, "TRUSTED_PROXY_HOPS");
    }
}
