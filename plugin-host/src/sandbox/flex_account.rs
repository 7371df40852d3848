//! The sandbox account as a Flex team's tools and the desk see it:
//!
//! - `GET /sandbox/account`, to loopback callers only: the account's credentials and where its
//!   REST APIs and functions are, so `cargo xtask deploy --sandbox URL` can deploy into it the
//!   way it deploys into Twilio;
//! - `GET /sandbox/flex/ui`, with an agent's token: what Flex UI reads when it starts, the Flex
//!   Configuration's `ui_attributes` and the active release's plugins in load order.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::api_error::ApiError;
use super::conversations::auth::{bearer, caller, Caller};
use super::rest::{active_release, ui_attributes};
use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox/account", get(account))
        .route("/sandbox/flex/ui", get(flex_ui))
}

fn store(state: &AppState) -> Result<std::sync::Arc<super::Sandbox>, ApiError> {
    state
        .sandbox
        .as_ref()
        .map(|s| s.store.clone())
        .ok_or(ApiError::NoSandbox)
}

async fn account(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Result<Response, ApiError> {
    if !peer.ip().is_loopback() {
        return Err(ApiError::Forbidden(
            "The sandbox's credentials are given to this machine only".into(),
        ));
    }
    let sb = store(&state)?;
    let ids = sb.ids();
    Ok(Json(json!({
        "accountSid": ids.account_sid,
        "authToken": ids.auth_token,
        "restBaseUrl": sb.base_url(),
        "functionsUrl": &*state.public_url,
        "syncServiceSid": ids.sync_service_sid,
        "workspaceSid": ids.workspace_sid,
    }))
    .into_response())
}

async fn flex_ui(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let sb = store(&state)?;
    let token = bearer(&headers)?;
    if !matches!(caller(&sb, token).await?, Caller::Agent { .. }) {
        return Err(ApiError::Forbidden("Only agents load Flex".into()));
    }
    let functions = state.public_url.to_string();
    let (ui, release) = sb
        .db()
        .call(move |c| Ok((ui_attributes(c, &functions)?, active_release(c)?)))
        .await?;
    let (release_sid, plugins) = match release {
        Some((sid, plugins)) => (Value::String(sid), plugins),
        None => (Value::Null, Vec::new()),
    };
    let plugins: Vec<Value> = plugins
        .iter()
        .map(|p| {
            json!({
                "uniqueName": p.unique_name,
                "version": p.version,
                "url": p.plugin_url,
                "phase": p.phase,
            })
        })
        .collect();
    Ok(Json(json!({
        "uiAttributes": ui,
        "release": release_sid,
        "plugins": plugins,
    }))
    .into_response())
}
