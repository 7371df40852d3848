//! The functions API under `/features/chat-to-video-escalation/` (the table in
//! `plugin-host/README.md`, "Functions API").

mod agent;
pub mod assignment;
mod cors;
mod customer;
mod end;
pub mod error;
pub mod inputs;
mod link;
pub mod rating_webhook;
pub mod room_index;
mod rooms;
pub mod session_store;
pub mod sweep;
pub mod task_attrs;
pub mod token_cache;
pub mod worker_names;

use axum::routing::{on, MethodFilter};
use axum::{middleware, Router};
use chat_to_video::api::{Endpoint, FUNCTIONS_BASE};

use crate::app::AppState;

pub use error::FnError;

/// Every endpoint answers GET and POST; OPTIONS and CORS are handled by [`cors::cors`].
pub fn router() -> Router<AppState> {
    const GET_OR_POST: MethodFilter = MethodFilter::GET.or(MethodFilter::POST);
    let path = |e: Endpoint| format!("{FUNCTIONS_BASE}/{}", e.name());
    Router::new()
        .route(
            &path(Endpoint::GenerateUniqueCode),
            on(GET_OR_POST, link::generate_unique_code),
        )
        .route(
            &path(Endpoint::AgentGetToken),
            on(GET_OR_POST, agent::agent_get_token),
        )
        .route(
            &path(Endpoint::CompleteRoom),
            on(GET_OR_POST, end::complete_room),
        )
        .route(
            &path(Endpoint::UpdateVideoState),
            on(GET_OR_POST, agent::update_video_state),
        )
        .route(
            &path(Endpoint::ClientGetSyncToken),
            on(GET_OR_POST, customer::client_get_sync_token),
        )
        .route(
            &path(Endpoint::ClientGetVideoToken),
            on(GET_OR_POST, customer::client_get_video_token),
        )
        .route(
            &path(Endpoint::SubmitRating),
            on(GET_OR_POST, customer::submit_rating),
        )
        .layer(middleware::from_fn(cors::cors))
}
