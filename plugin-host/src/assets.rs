//! Static files (the customer page, the plugin bundle, the sandbox's pages) served for every path
//! no route claims. Anything else, whatever the method, is 404.
//!
//! From `--assets DIR` when that directory exists. A host built with the `embed-site` feature
//! (the static binary of `cargo xtask build --release`) also carries the whole site, with its
//! precompressed `.gz` variants, and serves it when the directory does not exist: the binary
//! alone, started anywhere, serves everything.

use std::borrow::Cow;
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// The static files' service.
pub type Assets = BoxCloneSyncService<Request, Response, Infallible>;

pub fn service(dir: &Path) -> Assets {
    if !dir.is_dir() {
        if let Some(site) = embedded() {
            tracing::info!(dir = %dir.display(), "serving the site built into the binary");
            return files_service(site);
        }
        tracing::warn!(dir = %dir.display(), "assets directory does not exist; static files will answer 404");
    }
    let files = ServeDir::new(dir)
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found.into_service());
    BoxCloneSyncService::new(tower::ServiceExt::<Request>::map_response(
        files,
        IntoResponse::into_response,
    ))
}

/// A read-only set of files by path (`features/chat-to-video/index.html`), each with a digest.
pub trait Files: Send + Sync + 'static {
    fn get(&self, path: &str) -> Option<(Cow<'static, [u8]>, [u8; 32])>;
}

#[cfg(feature = "embed-site")]
mod site {
    use super::*;

    /// `target/site` as `cargo xtask build` assembled it.
    #[derive(rust_embed::RustEmbed)]
    #[folder = "$CARGO_MANIFEST_DIR/../target/site"]
    struct Site;

    pub struct Embedded;

    impl Files for Embedded {
        fn get(&self, path: &str) -> Option<(Cow<'static, [u8]>, [u8; 32])> {
            Site::get(path).map(|f| (f.data, f.metadata.sha256_hash()))
        }
    }
}

/// The site inside the binary, if it was built with one.
pub fn embedded() -> Option<Arc<dyn Files>> {
    #[cfg(feature = "embed-site")]
    {
        Some(Arc::new(site::Embedded))
    }
    #[cfg(not(feature = "embed-site"))]
    {
        None
    }
}

/// Serves `files`: `GET`/`HEAD` only, `index.html` for a directory, the `.gz` variant when the
/// client accepts gzip, `ETag` and `If-None-Match`.
pub fn files_service(files: Arc<dyn Files>) -> Assets {
    BoxCloneSyncService::new(tower::service_fn(move |req: Request| {
        let files = files.clone();
        async move {
            Ok::<_, Infallible>(answer(
                &*files,
                req.method(),
                req.uri().path(),
                req.headers(),
            ))
        }
    }))
}

fn answer(files: &dyn Files, method: &Method, path: &str, headers: &HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(mut key) = path.strip_prefix('/').map(str::to_owned) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if key.split('/').any(|s| s == ".." || s == ".") || key.contains('\\') {
        return StatusCode::NOT_FOUND.into_response();
    }
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    let gzip = accepts_gzip(headers);
    let (found, encoded) = match gzip.then(|| files.get(&format!("{key}.gz"))).flatten() {
        Some(f) => (f, true),
        None => match files.get(&key) {
            Some(f) => (f, false),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let (data, digest) = found;
    let mut tag = String::with_capacity(70);
    tag.push('"');
    chat_to_video::sid::push_hex(&mut tag, &digest[..16]);
    if encoded {
        tag.push_str("-gz");
    }
    tag.push('"');
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&key)),
    );
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        out.insert(header::ETAG, v);
    }
    if encoded {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if fresh {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(data.len()));
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        match data {
            Cow::Borrowed(b) => Body::from(b),
            Cow::Owned(v) => Body::from(v),
        }
    };
    (StatusCode::OK, out, body).into_response()
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// The site's file types.
fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Mem(HashMap<&'static str, &'static [u8]>);

    impl Files for Mem {
        fn get(&self, path: &str) -> Option<(Cow<'static, [u8]>, [u8; 32])> {
            self.0
                .get(path)
                .map(|b| (Cow::Borrowed(*b), [b.len() as u8; 32]))
        }
    }

    fn site() -> Mem {
        Mem(HashMap::from([
            ("index.html", &b"<p>root</p>"[..]),
            ("a/app.js", &b"console.log(1)"[..]),
            ("a/app.js.gz", &b"GZ"[..]),
        ]))
    }

    fn get(path: &str, headers: &[(&'static str, &'static str)]) -> Response {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_static(v));
        }
        answer(&site(), &Method::GET, path, &h)
    }

    #[test]
    fn serves_files_and_their_gzip_variants() {
        let plain = get("/a/app.js", &[]);
        assert_eq!(plain.status(), 200);
        assert_eq!(
            plain.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::CONTENT_LENGTH], "14");
        let gz = get("/a/app.js", &[("accept-encoding", "br, gzip")]);
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(gz.headers()[header::CONTENT_LENGTH], "2");
        let refused = get("/a/app.js", &[("accept-encoding", "gzip;q=0")]);
        assert!(refused.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            get("/", &[]).headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }

    #[test]
    fn etags_missing_files_and_methods() {
        let first = get("/a/app.js", &[]);
        let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&tag).unwrap());
        assert_eq!(answer(&site(), &Method::GET, "/a/app.js", &h).status(), 304);
        assert_eq!(get("/nope.js", &[]).status(), 404);
        assert_eq!(get("/a/../index.html", &[]).status(), 404);
        let none = HeaderMap::new();
        assert_eq!(
            answer(&site(), &Method::POST, "/index.html", &none).status(),
            404
        );
        assert_eq!(
            answer(&site(), &Method::HEAD, "/index.html", &none).status(),
            200
        );
    }
}
