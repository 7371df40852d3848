// Wired into the router once the sandbox exists.
#[cfg_attr(not(test), allow(dead_code))]
mod live_documents;
#[cfg_attr(not(test), allow(dead_code))]
mod signaling;

use axum::{routing::get, Router};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt::init();
    let app = Router::new().route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080")
        .await
        .expect("bind 127.0.0.1:8080");
    tracing::info!(
        "listening on {}",
        listener.local_addr().expect("local addr")
    );
    axum::serve(listener, app).await.expect("serve");
}
