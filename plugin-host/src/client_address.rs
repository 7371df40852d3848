//! Who a request comes from, for the code-guessing limit: the connection's peer, or, behind
//! trusted reverse proxies, the address they recorded in a header (`TRUSTED_PROXY_HEADER`, with
//! `TRUSTED_PROXY_HOPS` proxies each appending one entry). IPv6 clients are keyed by their /64,
//! which one household or device usually holds whole.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;

use crate::config::ClientAddressSettings;

/// What the limit counts against: an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    ClientKey(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
            v4 => ClientKey(v4),
        }
    }
}

/// The client's key: from the trusted header when one is configured and it holds enough
/// entries, else the peer.
pub fn client_key(
    settings: &ClientAddressSettings,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> ClientKey {
    let from_header = settings.header.as_deref().and_then(|name| {
        // Several header lines count as one list, in order.
        let entries: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let at = entries.len().checked_sub(settings.hops)?;
        parse_entry(entries[at])
    });
    ClientKey::of(from_header.unwrap_or_else(|| peer.ip()))
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    entry.parse::<SocketAddr>().ok().map(|s| s.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn settings(header: Option<&str>, hops: usize) -> ClientAddressSettings {
        ClientAddressSettings {
            header: header.map(Into::into),
            hops,
        }
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn key(s: &str) -> ClientKey {
        ClientKey::of(s.parse().unwrap())
    }

    const PEER: &str = "10.0.0.9:55000";

    #[test]
    fn without_a_trusted_header_the_peer_counts() {
        let peer: SocketAddr = PEER.parse().unwrap();
        let spoofed = headers(&["198.51.100.1"]);
        assert_eq!(
            client_key(&settings(None, 1), peer, &spoofed),
            key("10.0.0.9")
        );
    }

    #[test]
    fn behind_proxies_the_entry_they_appended_counts() {
        let peer: SocketAddr = PEER.parse().unwrap();
        let one = settings(Some("x-forwarded-for"), 1);
        // A client may send its own header: only the entry the trusted proxy appended counts.
        let h = headers(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_key(&one, peer, &h), key("203.0.113.7"));
        let two = settings(Some("x-forwarded-for"), 2);
        let h = headers(&["6.6.6.6", "203.0.113.7:4711, 10.1.1.1"]);
        assert_eq!(client_key(&two, peer, &h), key("203.0.113.7"));
        // Fewer entries than proxies, garbage, or no header: the peer.
        assert_eq!(
            client_key(&two, peer, &headers(&["203.0.113.7"])),
            key("10.0.0.9")
        );
        assert_eq!(
            client_key(&one, peer, &headers(&["unknown"])),
            key("10.0.0.9")
        );
        assert_eq!(client_key(&one, peer, &HeaderMap::new()), key("10.0.0.9"));
        let h = headers(&["[2001:db8::1]:4711"]);
        assert_eq!(client_key(&one, peer, &h), key("2001:db8::"));
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_v4_as_v4() {
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::2"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }
}
