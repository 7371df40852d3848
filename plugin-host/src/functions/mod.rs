//! The functions API (DESIGN §4) under `/features/chat-to-video-escalation/`.

mod agent;
pub mod assignment;
pub mod code_doc;
mod cors;
mod customer;
pub mod error;
pub mod guard;
pub mod room_index;
pub mod task_attrs;

use axum::routing::get;
use axum::{middleware, Router};
use chat_to_video::api::{Endpoint, FUNCTIONS_BASE};

use crate::app::AppState;

pub use error::FnError;

/// Every endpoint answers GET and POST; OPTIONS and CORS are handled by [`cors::cors`].
pub fn router() -> Router<AppState> {
    let path = |e: Endpoint| format!("{FUNCTIONS_BASE}/{}", e.name());
    Router::new()
        .route(
            &path(Endpoint::GenerateUniqueCode),
            get(agent::generate_unique_code).post(agent::generate_unique_code),
        )
        .route(
            &path(Endpoint::AgentGetToken),
            get(agent::agent_get_token).post(agent::agent_get_token),
        )
        .route(
            &path(Endpoint::CompleteRoom),
            get(agent::complete_room).post(agent::complete_room),
        )
        .route(
            &path(Endpoint::UpdateVideoState),
            get(agent::update_video_state).post(agent::update_video_state),
        )
        .route(
            &path(Endpoint::ClientGetSyncToken),
            get(customer::client_get_sync_token).post(customer::client_get_sync_token),
        )
        .route(
            &path(Endpoint::ClientGetVideoToken),
            get(customer::client_get_video_token).post(customer::client_get_video_token),
        )
        .route(
            &path(Endpoint::SubmitRating),
            get(customer::submit_rating).post(customer::submit_rating),
        )
        .layer(middleware::from_fn(cors::cors))
}
