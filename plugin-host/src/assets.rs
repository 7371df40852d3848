//! Static files (the customer page, the plugin bundle) served for every path no route claims.

use std::path::Path;

use tower_http::services::ServeDir;

pub fn service(dir: &Path) -> ServeDir {
    if !dir.is_dir() {
        tracing::warn!(dir = %dir.display(), "assets directory does not exist; static files will answer 404");
    }
    ServeDir::new(dir).precompressed_gzip()
}
