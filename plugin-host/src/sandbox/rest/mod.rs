//! The REST stand-in: Twilio's paths and shapes for the subset the feature calls, behind the
//! sandbox account's Basic auth.

mod documents;
mod flex_configuration;
mod flex_plugins;
mod form;
mod iam;
mod paging;
mod reservations;
mod rooms;
pub mod serverless;
pub mod sync_services;
mod tasks;
mod workers;

use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;

use super::{Sandbox, SandboxError};
use crate::app::AppState;

pub use flex_configuration::ui_attributes;
pub use flex_plugins::{active_release, ConfiguredPlugin};
pub use form::Form;

/// `/v1/...` at Twilio's real paths, every product under one origin (Serverless, whose paths
/// collide with Sync's, under its own prefixes: see [`serverless`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/Rooms", get(rooms::list).post(rooms::create))
        .route("/v1/Rooms/{sid}", get(rooms::fetch).post(rooms::update))
        .route(
            "/v1/Services/{service}/Documents",
            get(documents::list).post(documents::create),
        )
        .route(
            "/v1/Services/{service}/Documents/{sid}",
            get(documents::fetch)
                .post(documents::update)
                .delete(documents::delete),
        )
        .route(
            "/v1/Services/{service}/Documents/{doc}/Permissions/{identity}",
            post(documents::set_permission),
        )
        .route(
            "/v1/Workspaces/{ws}/Tasks/{sid}",
            get(tasks::fetch).post(tasks::update),
        )
        .route(
            "/v1/Workspaces/{ws}/Tasks/{sid}/Reservations",
            get(reservations::list),
        )
        .route("/v1/Workspaces/{ws}/Workers/{sid}", get(workers::fetch))
        .route(
            "/v1/Accounts/{account}/Tokens/validate",
            post(iam::validate),
        )
        .merge(sync_services::router())
        .merge(flex_configuration::router())
        .merge(flex_plugins::router())
        .merge(serverless::router())
}

/// The sandbox, for a request that carried the sandbox account's credentials.
pub struct Authed(pub Arc<Sandbox>);

impl FromRequestParts<AppState> for Authed {
    type Rejection = SandboxError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(sandbox) = state.sandbox.as_ref().map(|s| s.store.clone()) else {
            let path = parts
                .extensions
                .get::<OriginalUri>()
                .map_or(parts.uri.path(), |u| u.0.path());
            return Err(SandboxError::not_found(path));
        };
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|h| h.to_str().ok());
        if !sandbox.authorized(header) {
            return Err(SandboxError::unauthenticated());
        }
        Ok(Authed(sandbox))
    }
}

/// The `If-Match` header, if any.
pub(crate) fn if_match(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
}
