//! Static files (the customer page, the plugin bundle) served for every path no route claims.
//! Anything else, whatever the method, is 404.

use std::convert::Infallible;
use std::path::Path;

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::StatusCode;
use axum::response::Response;
use tower::Service;
use tower_http::services::ServeDir;

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

pub fn service(
    dir: &Path,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static
{
    if !dir.is_dir() {
        tracing::warn!(dir = %dir.display(), "assets directory does not exist; static files will answer 404");
    }
    let files = ServeDir::new(dir)
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found.into_service());
    tower::ServiceExt::<Request>::map_response(files, axum::response::IntoResponse::into_response)
}
