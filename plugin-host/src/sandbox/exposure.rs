//! Who may reach the sandbox. It has no authentication (anyone who reaches it can act as any
//! agent), so:
//!
//! - its own paths (the sandbox API, the desk and the web chat under `/sandbox/…`, the REST
//!   stand-in under `/v1/…`) answer only requests whose `Host` is a loopback name (`localhost`,
//!   `*.localhost`, `127.0.0.0/8`, `[::1]`) or the host of `--public-url`: a page on another site
//!   that rebinds its own name to 127.0.0.1 (DNS rebinding) gets 403, not the sandbox;
//! - a state-changing request there (any method but GET, HEAD and OPTIONS) or a WebSocket upgrade
//!   that carries an `Origin` must come from such a host too: a cross-site form post or socket from
//!   a page the developer opens is refused. (Requests without `Origin` are not from a cross-site
//!   page: browsers send it on every such request.)
//! - it listens on loopback only, unless `--allow-public-sandbox` is given; then it warns at start
//!   and the desk shows a banner (`GET /sandbox/exposure`).
//!
//! Everything else answers any `Host`, as in twilio mode: the functions check Flex tokens (which
//! only the guarded sandbox API hands out) and codes, and the customer page and the plugin bundle
//! are static files; `/healthz`, `/readyz` and `/metrics` are probes.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct Exposure {
    /// Host of `--public-url` (lowercase, no port).
    public_host: Option<String>,
    /// Listening beyond loopback (allowed with `--allow-public-sandbox`).
    pub exposed: bool,
    listen: SocketAddr,
}

/// The sandbox would listen beyond loopback without the flag that allows it.
#[derive(Debug, thiserror::Error)]
#[error(
    "the sandbox has no authentication: anyone who reaches {0} can act as any agent. \
     Listen on loopback (e.g. --listen 127.0.0.1:8080), configure Twilio credentials, \
     or pass --allow-public-sandbox (ALLOW_PUBLIC_SANDBOX=true) if you really mean it"
)]
pub struct RefusedListen(pub SocketAddr);

impl Exposure {
    /// Checks the listening address (before binding) and builds the guard.
    pub fn new(
        listen: SocketAddr,
        public_url: Option<&str>,
        allow_public: bool,
    ) -> Result<Exposure, RefusedListen> {
        let exposed = !listen.ip().is_loopback();
        if exposed && !allow_public {
            return Err(RefusedListen(listen));
        }
        let public_host = public_url
            .and_then(|u| reqwest::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        Ok(Exposure {
            public_host,
            exposed,
            listen,
        })
    }

    /// Says loudly that the sandbox is reachable beyond this machine.
    pub fn warn(&self) {
        if self.exposed {
            let line = "!".repeat(78);
            tracing::warn!(listen = %self.listen, "THE SANDBOX IS LISTENING BEYOND LOOPBACK");
            eprintln!(
                "{line}\n!! WARNING: the sandbox listens on {} (--allow-public-sandbox).\n\
                 !! It has no authentication: anyone who can reach this address can act as any\n\
                 !! agent, read every chat and join every room. Use it only on a network you trust.\n{line}",
                self.listen
            );
        }
    }

    /// Whether `host` (a `Host` header or an origin's host, port allowed) is one we answer.
    pub fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        if let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            if ip.is_loopback() {
                return true;
            }
        }
        self.public_host.as_deref() == Some(name.as_str())
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let Some((scheme, rest)) = origin.split_once("://") else {
            return false;
        };
        matches!(scheme, "http" | "https") && !rest.contains('/') && self.host_allowed(rest)
    }

    /// Why a request is refused, if it is.
    fn refusal(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<&'static str> {
        let own = path.starts_with("/sandbox/") || path.starts_with("/v1/") || path == "/v1";
        if !own {
            return None;
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if !host.is_some_and(|h| self.host_allowed(h)) {
            return Some("Forbidden: the sandbox answers only loopback host names");
        }
        let changes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
            || headers.contains_key(header::UPGRADE);
        if changes {
            if let Some(origin) = headers.get(header::ORIGIN) {
                let ok = origin.to_str().is_ok_and(|o| self.origin_allowed(o));
                if !ok {
                    return Some("Forbidden: cross-site requests to the sandbox are refused");
                }
            }
        }
        None
    }

    /// `GET /sandbox/exposure`: the desk shows a banner when `exposed`.
    pub fn router<S: Clone + Send + Sync + 'static>(self: &Arc<Self>) -> Router<S> {
        let me = self.clone();
        Router::new().route(
            "/sandbox/exposure",
            get(move || {
                let me = me.clone();
                async move { Json(json!({"exposed": me.exposed, "listen": me.listen.to_string()})) }
            }),
        )
    }
}

/// `host[:port]` or `[v6]:port` → the name.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The middleware: 403 `text/plain` for a foreign `Host` or `Origin`.
pub async fn guard(State(exposure): State<Arc<Exposure>>, req: Request, next: Next) -> Response {
    match exposure.refusal(req.method(), req.uri().path(), req.headers()) {
        None => next.run(req).await,
        Some(why) => {
            tracing::warn!(
                path = req.uri().path(),
                host = ?req.headers().get(header::HOST),
                origin = ?req.headers().get(header::ORIGIN),
                "refused a request from outside the sandbox's hosts"
            );
            (StatusCode::FORBIDDEN, why).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposure(public: Option<&str>) -> Exposure {
        Exposure::new("127.0.0.1:8080".parse().unwrap(), public, false).unwrap()
    }

    #[test]
    fn listening_beyond_loopback_needs_the_flag() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(Exposure::new(any, None, false).is_err());
        assert!(Exposure::new(any, None, true).unwrap().exposed);
        assert!(!exposure(None).exposed);
        assert!(Exposure::new("[::1]:0".parse().unwrap(), None, false).is_ok());
    }

    #[test]
    fn loopback_names_and_the_public_host() {
        let e = exposure(Some("https://Video.Example.com"));
        for ok in [
            "localhost",
            "localhost:8080",
            "desk.localhost:1",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]:8080",
            "video.example.com",
            "VIDEO.example.com:443",
        ] {
            assert!(e.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:8080",
            "[::2]:80",
            "",
        ] {
            assert!(!e.host_allowed(bad), "{bad}");
        }
        assert!(e.origin_allowed("http://127.0.0.1:8080"));
        assert!(!e.origin_allowed("null"));
        assert!(!e.origin_allowed("http://evil.example"));
        assert!(!e.origin_allowed("file://"));
    }
}
