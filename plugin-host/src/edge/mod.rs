//! The HTTP edge: how connections are accepted and served, before any route sees a request.
//!
//! - hyper (HTTP/1.1, through hyper-util) with a header read timeout, which also closes a
//!   kept-alive connection idle for that long;
//! - tower-http's request timeout (408) and request body timeout; tower's load shedding over a
//!   concurrency limit, so requests beyond `MAX_REQUESTS_IN_FLIGHT` get a fast 503;
//! - a cap on open connections overall and per TCP peer address ([`connections`]); a connection
//!   over either cap is answered 503 with `Connection: close` as soon as its headers are in (at
//!   most [`SHED_AT_ONCE`] such answers at a time, later ones are closed unanswered);
//! - the WebSockets' shared limits ([`sockets`]);
//! - on shutdown: stop accepting, let in-flight requests finish, close sockets with 1001 and a
//!   reason, and give up after `SHUTDOWN_GRACE`.

pub mod connections;
pub mod sockets;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower::ServiceExt as _;

use crate::config::EdgeSettings;
use connections::{ConnectionPermit, Connections, Refused};
use sockets::Sockets;

/// Refused connections answered 503 at once; more are closed without an answer.
pub const SHED_AT_ONCE: usize = 32;
/// Descriptors kept free of connections: the database, the listener, outgoing REST calls, and the
/// connections being shed.
pub const DESCRIPTOR_RESERVE: usize = 64 + SHED_AT_ONCE;

/// The limits in force: the configured ones, with the connection cap lowered to what the
/// process's descriptor limit allows, and no address allowed more than half of it.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub settings: EdgeSettings,
    pub max_connections: usize,
    /// 0: no per-address cap.
    pub per_address: usize,
}

impl Limits {
    pub fn new(settings: EdgeSettings) -> Limits {
        let fit = descriptor_limit().map(|n| n.saturating_sub(DESCRIPTOR_RESERVE).max(1));
        let max_connections = match fit {
            Some(fit) => settings.max_connections.min(fit),
            None => settings.max_connections,
        };
        let per_address = match settings.max_connections_per_address {
            0 => 0,
            n => n.min((max_connections / 2).max(1)),
        };
        Limits {
            settings,
            max_connections,
            per_address,
        }
    }
}

/// The soft descriptor limit, raised to the hard limit first (as most servers do).
fn descriptor_limit() -> Option<usize> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct passed.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim.rlim_cur = lim.rlim_max;
                }
            }
        }
        if lim.rlim_cur == libc::RLIM_INFINITY {
            return None;
        }
        usize::try_from(lim.rlim_cur).ok()
    }
    #[cfg(not(unix))]
    None
}

/// Request timeout (408) and request body timeout, on every route.
pub fn timeouts(router: Router, settings: &EdgeSettings) -> Router {
    use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
    router
        .layer(RequestBodyTimeoutLayer::new(settings.header_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
}

/// One concurrency limit over the whole router, shedding (a fast 503) instead of queueing.
pub fn shed(router: Router, settings: &EdgeSettings) -> Router {
    let limited = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
            metrics::counter!("c2v_requests_shed_total").increment(1);
            overloaded()
        }))
        .load_shed()
        .concurrency_limit(settings.max_requests_in_flight)
        .service(router);
    Router::new().fallback_service(limited)
}

/// The fast 503.
fn overloaded() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, HeaderValue::from_static("1")),
            (header::CONNECTION, HeaderValue::from_static("close")),
        ],
        "Service Unavailable: too many connections, try again shortly",
    )
        .into_response()
}

/// What [`serve`] shares with the routes through request extensions.
#[derive(Clone)]
pub struct Edge {
    pub limits: Limits,
    pub connections: Arc<Connections>,
    pub sockets: Arc<Sockets>,
}

impl Edge {
    pub fn new(settings: EdgeSettings) -> Edge {
        let limits = Limits::new(settings);
        Edge {
            connections: Connections::new(limits.max_connections, limits.per_address),
            sockets: Sockets::new(settings.max_pending_sockets_per_address),
            limits,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    edge: Edge,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = edge.limits.settings;
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .keep_alive(true);
    let builder = Arc::new(builder);
    // Told once shutdown starts: every connection then finishes its request and closes.
    let (stop_tx, stop_rx) = watch::channel(());
    let shedding = Arc::new(AtomicUsize::new(0));
    tracing::info!(
        max_connections = edge.limits.max_connections,
        per_address = edge.limits.per_address,
        pending_sockets_per_address = settings.max_pending_sockets_per_address,
        header_timeout_ms = settings.header_timeout.as_millis() as u64,
        "HTTP edge"
    );
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        match edge.connections.admit(peer.ip()) {
            Ok(permit) => {
                let service = connection_service(&router, &edge, peer, permit);
                spawn_connection(builder.clone(), stream, service, stop_rx.clone());
            }
            Err(refused) => {
                metrics::counter!("c2v_connections_refused_total", "reason" => refused.as_str())
                    .increment(1);
                answer_refused(&shedding, stream, refused);
            }
        }
    }
    drop(listener);
    tracing::info!("shutting down: draining requests and closing sockets");
    edge.sockets.drain();
    drop(stop_rx);
    let _ = stop_tx.send(());
    let grace = settings.shutdown_grace;
    let drained = async {
        stop_tx.closed().await;
        edge.sockets.closed().await;
    };
    if tokio::time::timeout(grace, drained).await.is_err() {
        tracing::warn!(
            open_connections = edge.connections.open(),
            open_sockets = edge.sockets.open(),
            "shutdown grace ran out; closing what is left"
        );
    }
    Ok(())
}

/// The router for one connection: the peer address (`ConnectInfo`), the connection's permit and
/// the sockets' registry as request extensions.
fn connection_service(
    router: &Router,
    edge: &Edge,
    peer: SocketAddr,
    permit: ConnectionPermit,
) -> TowerToHyperService<
    impl tower::Service<
            Request<Incoming>,
            Response = Response,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + 'static,
> {
    let permit = Arc::new(permit);
    let sockets = edge.sockets.clone();
    let service = router.clone().map_request(move |req: Request<Incoming>| {
        let mut req = req.map(Body::new);
        let ext = req.extensions_mut();
        ext.insert(ConnectInfo(peer));
        ext.insert(permit.clone());
        ext.insert(sockets.clone());
        req
    });
    TowerToHyperService::new(service)
}

fn spawn_connection<S>(
    builder: Arc<Builder<TokioExecutor>>,
    stream: TcpStream,
    service: TowerToHyperService<S>,
    stop: watch::Receiver<()>,
) where
    S: tower::Service<Request<Incoming>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    tokio::spawn(async move {
        let mut stop = stop;
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        tokio::pin!(conn);
        let mut stopping = false;
        loop {
            tokio::select! {
                _ = conn.as_mut() => break,
                _ = stop.changed(), if !stopping => {
                    // Shutdown started: finish the request in flight, then close.
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
        drop(stop);
    });
}

/// Answers a refused connection 503 once its headers are in, unless too many are being answered.
fn answer_refused(shedding: &Arc<AtomicUsize>, stream: TcpStream, refused: Refused) {
    if shedding.fetch_add(1, Ordering::SeqCst) >= SHED_AT_ONCE {
        shedding.fetch_sub(1, Ordering::SeqCst);
        drop(stream);
        return;
    }
    let shedding = shedding.clone();
    tokio::spawn(async move {
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(1))
            .keep_alive(false);
        let service = hyper::service::service_fn(move |_req: Request<Incoming>| async move {
            tracing::debug!(reason = refused.as_str(), "connection refused with 503");
            Ok::<_, Infallible>(overloaded())
        });
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            builder.serve_connection(TokioIo::new(stream), service),
        )
        .await;
        shedding.fetch_sub(1, Ordering::SeqCst);
    });
}

/// An accept error: a connection that failed before we got it is nothing; anything else (out of
/// descriptors) is worth a short pause rather than a busy loop.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    metrics::counter!("c2v_accept_errors_total").increment(1);
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_millis(50)).await;
}
