//! What every WebSocket route shares at the edge: frame and message limits applied before the
//! first byte of a frame is buffered, a per-address cap on sockets that have not authenticated
//! yet, one authentication deadline, the count of open sockets, and the signal that the host is
//! shutting down (sockets then close with 1001 and a reason).
//!
//! A route takes a [`SocketAdmission`] (an extractor: 429 when the peer address already has
//! `MAX_PENDING_SOCKETS_PER_ADDRESS` unauthenticated sockets), configures its upgrade with
//! [`SocketAdmission::limit`], calls [`SocketAdmission::authenticated`] once the first message
//! checked out, and selects on [`SocketAdmission::draining`] while it runs.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::{watch, Notify};

use super::connections::ConnectionPermit;

/// How long a new socket has to send its authenticating first message.
pub const AUTH_DEADLINE: Duration = Duration::from_secs(5);

/// Read and write buffer of each socket.
pub const SOCKET_BUFFER: usize = 8 * 1024;

/// Close code and reason when the host shuts down.
pub const GOING_AWAY: u16 = 1001;
pub const GOING_AWAY_REASON: &str = "the server is shutting down";

/// The sockets of one host: shared by every route through a request extension.
pub struct Sockets {
    pending_per_address: usize,
    pending: Mutex<HashMap<IpAddr, usize>>,
    open: AtomicUsize,
    closed: Notify,
    draining: watch::Sender<bool>,
}

impl Sockets {
    pub fn new(pending_per_address: usize) -> Arc<Sockets> {
        Arc::new(Sockets {
            pending_per_address,
            pending: Mutex::default(),
            open: AtomicUsize::new(0),
            closed: Notify::new(),
            draining: watch::channel(false).0,
        })
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sockets open now (authenticated or not).
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Tells every socket to close with [`GOING_AWAY`].
    pub fn drain(&self) {
        self.draining.send_replace(true);
    }

    /// Waits until every socket has closed.
    pub async fn closed(&self) {
        loop {
            let notified = self.closed.notified();
            if self.open() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// One WebSocket's place at the edge, from the upgrade request until the socket closes.
pub struct SocketAdmission {
    sockets: Arc<Sockets>,
    route: String,
    /// Set while the socket has not authenticated: it counts against its address.
    pending: Option<IpAddr>,
    draining: watch::Receiver<bool>,
    /// Keeps the connection counted while the upgraded socket lives.
    _connection: Option<Arc<ConnectionPermit>>,
}

impl SocketAdmission {
    /// The frame and message limits: a frame larger than `max` is refused from its header, before
    /// any of it is buffered. The read and write buffers start small (tungstenite's default is
    /// 128 KiB each, which made an idle socket cost about 130 KiB): messages here are a few KiB.
    pub fn limit(ws: WebSocketUpgrade, max: usize) -> WebSocketUpgrade {
        ws.max_message_size(max)
            .max_frame_size(max)
            .read_buffer_size(SOCKET_BUFFER)
            .write_buffer_size(SOCKET_BUFFER)
    }

    /// The first message checked out: the socket no longer counts as unauthenticated.
    pub fn authenticated(&mut self) {
        if let Some(ip) = self.pending.take() {
            release(&self.sockets, ip);
        }
    }

    /// Resolves when the host starts shutting down.
    pub async fn draining(&mut self) {
        let _ = self.draining.wait_for(|d| *d).await;
    }

    /// Sends the shutdown close frame.
    pub async fn going_away(socket: &mut WebSocket) {
        let _ = socket
            .send(Message::Close(Some(CloseFrame {
                code: GOING_AWAY,
                reason: GOING_AWAY_REASON.into(),
            })))
            .await;
    }
}

fn release(sockets: &Sockets, ip: IpAddr) {
    let mut pending = sockets.pending();
    if let Some(n) = pending.get_mut(&ip) {
        *n -= 1;
        if *n == 0 {
            pending.remove(&ip);
        }
    }
}

impl Drop for SocketAdmission {
    fn drop(&mut self) {
        self.authenticated();
        let open = self.sockets.open.fetch_sub(1, Ordering::SeqCst) - 1;
        metrics::gauge!("c2v_open_sockets", "route" => self.route.clone()).decrement(1.0);
        if open == 0 {
            self.sockets.closed.notify_waiters();
        }
    }
}

/// Refused before the upgrade.
pub struct TooManyPending;

impl IntoResponse for TooManyPending {
    fn into_response(self) -> Response {
        metrics::counter!("c2v_sockets_refused_total", "reason" => "pending_per_address")
            .increment(1);
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            "Too many unauthenticated WebSockets from this address",
        )
            .into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SocketAdmission {
    type Rejection = TooManyPending;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Served without the edge (unit tests): no caps, nothing drains.
        let sockets = parts
            .extensions
            .get::<Arc<Sockets>>()
            .cloned()
            .unwrap_or_else(|| Sockets::new(usize::MAX));
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(ip) = ip {
            let mut pending = sockets.pending();
            let n = pending.entry(ip).or_insert(0);
            if *n >= sockets.pending_per_address {
                return Err(TooManyPending);
            }
            *n += 1;
        }
        let route = parts
            .extensions
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str)
            .to_owned();
        sockets.open.fetch_add(1, Ordering::SeqCst);
        metrics::gauge!("c2v_open_sockets", "route" => route.clone()).increment(1.0);
        Ok(SocketAdmission {
            draining: sockets.draining.subscribe(),
            _connection: parts.extensions.get::<Arc<ConnectionPermit>>().cloned(),
            sockets,
            route,
            pending: ip,
        })
    }
}

/// How the first message of a socket turned out.
pub enum First {
    Message(Message),
    /// Nothing arrived before [`AUTH_DEADLINE`].
    TimedOut,
    /// The client closed the socket or the connection broke.
    Gone,
    /// The frame broke a limit or the protocol: close with this, nothing else.
    Refused(CloseFrame),
}

/// Waits for the first message, at most `deadline`.
pub async fn first_message(socket: &mut WebSocket, deadline: Duration) -> First {
    match tokio::time::timeout(deadline, socket.recv()).await {
        Err(_) => First::TimedOut,
        Ok(None) => First::Gone,
        Ok(Some(Ok(message))) => First::Message(message),
        Ok(Some(Err(e))) => match refusal(&e) {
            Some(frame) => First::Refused(frame),
            None => First::Gone,
        },
    }
}

/// The close frame a read error deserves: 1009 for a frame or message over the limit, 1002 for a
/// protocol violation; `None` when the connection itself failed.
pub fn refusal(e: &axum::Error) -> Option<CloseFrame> {
    let inner = std::error::Error::source(e)?.downcast_ref::<tungstenite::Error>()?;
    match inner {
        tungstenite::Error::Capacity(_) => Some(CloseFrame {
            code: 1009,
            reason: "message too big".into(),
        }),
        tungstenite::Error::Protocol(_) => Some(CloseFrame {
            code: 1002,
            reason: "protocol error".into(),
        }),
        _ => None,
    }
}

/// Sends `frame` and gives up the socket.
pub async fn close_with(mut socket: WebSocket, frame: CloseFrame) {
    let _ = socket.send(Message::Close(Some(frame))).await;
}
