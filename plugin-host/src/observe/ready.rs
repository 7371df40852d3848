//! `GET /readyz`: 200 when the configuration is valid (it is, or the host would not have started)
//! and the REST backend answers an authenticated call (Twilio in twilio mode, the sandbox's
//! stand-in otherwise); 503 otherwise. The call lists the rooms in progress, which also samples
//! `c2v_live_sessions`. Answers are reused for [`REUSE`] so probes cannot turn into a load on
//! Twilio.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::json;

use crate::app::AppState;

/// How long one probe's result stands.
pub const REUSE: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct Readiness {
    last: Mutex<Option<(Instant, Result<usize, String>)>>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/readyz", get(readyz))
        .layer(Extension(Arc::new(Readiness::default())))
}

async fn probe(app: &AppState) -> Result<usize, String> {
    match app.twilio.list_rooms(None, Some("in-progress")).await {
        Ok(rooms) => Ok(rooms.len()),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the REST backend did not answer");
            Err(match app.mode() {
                crate::config::Mode::Twilio => "Twilio is not reachable".to_owned(),
                crate::config::Mode::Sandbox => {
                    "the sandbox's REST stand-in is not reachable".to_owned()
                }
            })
        }
    }
}

async fn readyz(
    State(app): State<AppState>,
    Extension(ready): Extension<Arc<Readiness>>,
) -> Response {
    let cached = ready
        .last
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|(at, _)| at.elapsed() < REUSE)
        .map(|(_, r)| r.clone());
    let result = match cached {
        Some(r) => r,
        None => {
            let r = probe(&app).await;
            if let Ok(n) = r {
                metrics::gauge!("c2v_live_sessions").set(n as f64);
            }
            *ready.last.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((Instant::now(), r.clone()));
            r
        }
    };
    let mode = app.mode().as_str();
    match result {
        Ok(live) => {
            Json(json!({"ready": true, "mode": mode, "live_sessions": live})).into_response()
        }
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"ready": false, "mode": mode, "reason": reason})),
        )
            .into_response(),
    }
}
