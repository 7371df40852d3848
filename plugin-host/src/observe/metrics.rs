//! The Prometheus recorder (`metrics` + `metrics-exporter-prometheus`), the per-request layer
//! (request id, span, one log line, counters and latency) and the `/metrics` route.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tracing::Instrument as _;

/// Latency buckets in seconds: loopback calls take milliseconds, Twilio's tens to hundreds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed on first use (one per process, also in tests that run
/// several services).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
            .expect("non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder (a test's) already installed: render ours anyway, empty.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `GET /metrics`, Prometheus' text format.
pub fn metrics_route<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(
        "/metrics",
        get(|| async {
            let handle = handle();
            handle.run_upkeep();
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4"),
                )],
                handle.render(),
            )
                .into_response()
        }),
    )
}

/// A request id: the client's `x-request-id` when it is short and plain, else 16 random hex
/// digits.
#[derive(Clone, Copy, Default)]
struct MakeId;

fn acceptable(id: &HeaderValue) -> bool {
    let b = id.as_bytes();
    (1..=64).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let mut id = String::with_capacity(16);
        chat_to_video::sid::push_hex(&mut id, &rand::random::<[u8; 8]>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

const X_REQUEST_ID: &str = "x-request-id";

/// Drops a client's request id that is not plain enough to log.
async fn screen_request_id(mut req: Request, next: Next) -> Response {
    if let Some(id) = req.headers().get(X_REQUEST_ID) {
        if !acceptable(id) {
            req.headers_mut().remove(X_REQUEST_ID);
        }
    }
    next.run(req).await
}

/// Counts, times and logs the request inside a span carrying its id.
async fn observe(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let endpoint = match req.extensions().get::<MatchedPath>() {
        Some(p) => p.as_str().to_owned(),
        None => "static".to_owned(),
    };
    let method = req.method().as_str().to_owned();
    let id = req
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let span =
        tracing::info_span!("request", request_id = %id, method = %method, endpoint = %endpoint);
    let response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed().as_secs_f64();
    metrics::counter!(
        "c2v_http_requests_total",
        "endpoint" => endpoint.clone(),
        "method" => method.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "c2v_http_request_duration_seconds",
        "endpoint" => endpoint,
        "method" => method
    )
    .record(elapsed);
    span.in_scope(|| tracing::info!(status, latency_ms = elapsed * 1000.0, "request"));
    response
}

/// The observing layers around every route (the fallback included).
pub fn layer(router: Router) -> Router {
    // Installed before the first request is counted.
    let _ = handle();
    router
        .layer(axum::middleware::from_fn(observe))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeId))
        .layer(axum::middleware::from_fn(screen_request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_request_ids_are_kept() {
        assert!(acceptable(&HeaderValue::from_static("abc-123_x.y")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("a b")));
        assert!(!acceptable(
            &HeaderValue::from_str(&"a".repeat(65)).unwrap()
        ));
    }
}
