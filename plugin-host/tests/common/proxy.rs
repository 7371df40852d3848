//! A recording HTTP proxy between the service's REST client and the sandbox stand-in: every
//! request and response is kept for validation against Twilio's specs. It can also answer the
//! next requests with 503, as Twilio does when overloaded, hold a request until a test lets
//! it through, to open the window between a Twilio call and what the service does next, and add
//! a fixed delay to every request (a distant Twilio), each exchange stamped with when it arrived
//! and when its answer left, so round trips can be counted in waves ([`super::waves`]).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use axum::Router;

#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub req_headers: HeaderMap,
    pub req_body: Vec<u8>,
    pub status: u16,
    pub resp_headers: HeaderMap,
    pub resp_body: Vec<u8>,
    /// When the request reached the proxy.
    pub started: Instant,
    /// When its answer left the proxy (after any delay).
    pub finished: Instant,
}

impl Exchange {
    /// `METHOD /path` with every sid-shaped segment as `{sid}`.
    pub fn operation(&self) -> String {
        let shape: Vec<&str> = self
            .path
            .split('/')
            .map(|s| {
                let sid = s.len() == 34 && s[..2].chars().all(|c| c.is_ascii_uppercase());
                if sid {
                    "{sid}"
                } else {
                    s
                }
            })
            .collect();
        format!("{} {}", self.method, shape.join("/"))
    }
}

/// An answer the proxy gives itself instead of forwarding: status, headers, body.
pub type Scripted = (u16, Vec<(&'static str, String)>, Vec<u8>);

/// Twilio's error answer (`{"code", "message", "more_info", "status"}`) with `status` and `code`.
pub fn twilio_error(status: u16, code: u32) -> Scripted {
    let body = format!(
        r#"{{"code":{code},"message":"scripted","more_info":"https://www.twilio.com/docs/errors/{code}","status":{status}}}"#
    );
    (
        status,
        vec![("content-type", "application/json".to_owned())],
        body.into_bytes(),
    )
}

/// Which paths [`Proxy::answer_error`] answers.
pub enum PathIs {
    EndingIn(String),
    Containing(String),
}

impl PathIs {
    fn matches(&self, path: &str) -> bool {
        match self {
            PathIs::EndingIn(end) => path.ends_with(end.as_str()),
            PathIs::Containing(part) => path.contains(part.as_str()),
        }
    }
}

/// Decides, from a request's method and path, whether the proxy answers it itself.
type Script = Arc<dyn Fn(&str, &str) -> Option<Scripted> + Send + Sync>;

/// A request to hold: its method, the end of its path, and the signals to and from the test.
struct Hold {
    method: &'static str,
    path_end: &'static str,
    arrived: tokio::sync::oneshot::Sender<()>,
    release: tokio::sync::oneshot::Receiver<()>,
}

/// A held request, seen from the test: [`Held::arrived`] resolves when the request reached the
/// proxy; dropping or [`Held::release`] lets it through to the stand-in.
pub struct Held {
    arrived: Option<tokio::sync::oneshot::Receiver<()>>,
    release: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Held {
    /// Waits until the held request reaches the proxy (it is not forwarded yet).
    pub async fn arrived(&mut self) {
        let arrived = self.arrived.take().expect("arrived awaited once");
        tokio::time::timeout(std::time::Duration::from_secs(10), arrived)
            .await
            .expect("the held request arrived within 10 s")
            .expect("the proxy kept the hold");
    }

    /// Lets the held request through.
    pub fn release(&mut self) {
        if let Some(tx) = self.release.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.release();
    }
}

/// Changes the headers of forwarded answers.
type Rewrite = Arc<dyn Fn(&mut HeaderMap) + Send + Sync>;

#[derive(Clone, Default)]
struct Shared {
    target: Arc<OnceLock<String>>,
    log: Arc<Mutex<Vec<Exchange>>>,
    fail_next: Arc<AtomicU32>,
    script: Arc<Mutex<Option<Script>>>,
    rewrite: Arc<Mutex<Option<Rewrite>>>,
    hold: Arc<Mutex<Option<Hold>>>,
    delay: Arc<Mutex<Duration>>,
    http: reqwest::Client,
}

pub struct Proxy {
    pub port: u16,
    shared: Shared,
}

impl Proxy {
    pub async fn start() -> Proxy {
        let shared = Shared::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let app = Router::new().fallback(forward).with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Proxy { port, shared }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where to forward (the service's own origin), once it is known.
    pub fn set_target(&self, base: &str) {
        let _ = self.shared.target.set(base.to_owned());
    }

    /// Answer the next `n` requests with 503 instead of forwarding them.
    pub fn fail_next(&self, n: u32) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    /// From now on, answer the requests `script` returns an answer for with that answer (as a
    /// misbehaving Twilio would), and forward the others.
    pub fn script(&self, script: impl Fn(&str, &str) -> Option<Scripted> + Send + Sync + 'static) {
        *self.shared.script.lock().expect("script") = Some(Arc::new(script));
    }

    /// From now on, answer every `method` request whose path is `path` with Twilio's error
    /// `status` / `code` ([`twilio_error`]), and forward the others.
    pub fn answer_error(&self, method: &'static str, path: PathIs, status: u16, code: u32) {
        self.script(move |m, p| {
            (m == method && path.matches(p)).then(|| twilio_error(status, code))
        });
    }

    /// From now on, forward every request (no scripted answers).
    pub fn forward_all(&self) {
        *self.shared.script.lock().expect("script") = None;
    }

    /// From now on, change the headers of every forwarded answer with `rewrite` (the client
    /// and the log see the changed ones).
    pub fn rewrite_headers(&self, rewrite: impl Fn(&mut HeaderMap) + Send + Sync + 'static) {
        *self.shared.rewrite.lock().expect("rewrite") = Some(Arc::new(rewrite));
    }

    /// Holds the next `method` request whose path ends with `path_end` until the test lets it
    /// through (see [`Held`]); the others pass as before.
    pub fn hold_next(&self, method: &'static str, path_end: &'static str) -> Held {
        let (arrived_tx, arrived_rx) = tokio::sync::oneshot::channel();
        let (release_tx, release_rx) = tokio::sync::oneshot::channel();
        *self.shared.hold.lock().expect("hold") = Some(Hold {
            method,
            path_end,
            arrived: arrived_tx,
            release: release_rx,
        });
        Held {
            arrived: Some(arrived_rx),
            release: Some(release_tx),
        }
    }

    /// From now on, hold every request `delay` before answering it (a Twilio that far away).
    pub fn set_delay(&self, delay: Duration) {
        *self.shared.delay.lock().expect("delay") = delay;
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.log.lock().expect("log").clone()
    }
}

const HOP: [&str; 4] = ["host", "content-length", "transfer-encoding", "connection"];

async fn forward(State(s): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let started = Instant::now();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let mut ex = Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        req_headers: parts.headers.clone(),
        req_body: body.to_vec(),
        status: 0,
        resp_headers: HeaderMap::new(),
        resp_body: Vec::new(),
        started,
        finished: started,
    };
    let held = {
        let mut hold = s.hold.lock().expect("hold");
        let matches = hold
            .as_ref()
            .is_some_and(|h| h.method == ex.method && ex.path.ends_with(h.path_end));
        if matches {
            hold.take()
        } else {
            None
        }
    };
    if let Some(h) = held {
        let _ = h.arrived.send(());
        let _ = h.release.await;
    }
    let delay = *s.delay.lock().expect("delay");
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let injected = s
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let script = s.script.lock().expect("script").clone();
    let scripted = script.and_then(|f| f(ex.method.as_str(), ex.path.as_str()));
    let (status, headers, bytes) = if let Some((status, extra, body)) = scripted {
        let mut h = HeaderMap::new();
        for (k, v) in extra {
            h.insert(k, v.parse().expect("header"));
        }
        (StatusCode::from_u16(status).expect("status"), h, body)
    } else if injected {
        let body = br#"{"code":20503,"message":"Service Unavailable","more_info":"https://www.twilio.com/docs/errors/20503","status":503}"#;
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().expect("header"));
        h.insert("retry-after", "0".parse().expect("header"));
        (StatusCode::SERVICE_UNAVAILABLE, h, body.to_vec())
    } else {
        let target = s.target.get().expect("proxy target set").clone();
        let url = format!(
            "{target}{}",
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/")
        );
        let mut rb = s
            .http
            .request(parts.method.clone(), url)
            .body(body.to_vec());
        for (k, v) in &parts.headers {
            if !HOP.contains(&k.as_str()) {
                rb = rb.header(k, v);
            }
        }
        let resp = rb.send().await.expect("forward");
        let status = StatusCode::from_u16(resp.status().as_u16()).expect("status");
        let mut h = HeaderMap::new();
        for (k, v) in resp.headers() {
            if !HOP.contains(&k.as_str()) {
                h.append(
                    HeaderName::from_bytes(k.as_str().as_bytes()).expect("name"),
                    v.clone(),
                );
            }
        }
        let bytes = resp.bytes().await.expect("body").to_vec();
        if let Some(rewrite) = s.rewrite.lock().expect("rewrite").clone() {
            rewrite(&mut h);
        }
        (status, h, bytes)
    };
    ex.status = status.as_u16();
    ex.resp_headers = headers.clone();
    ex.resp_body = bytes.clone();
    ex.finished = Instant::now();
    s.log.lock().expect("log").push(ex);
    let mut out = Response::new(Body::from(bytes));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}
