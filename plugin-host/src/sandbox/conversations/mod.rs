//! The sandbox's conversations: the messages of each web chat (stored in SQLite next to the
//! chat task the sandbox creates), the HTTP endpoints the agent desktop and the web chat call,
//! and their live WebSockets (the agent's task list, a conversation's transcript).
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /sandbox/conversations/{sid}/messages` | agent or customer | `{"messages": [...]}` |
//! | `POST /sandbox/conversations/{sid}/messages` | agent or customer | `{body, attributes?}` → 201 message |
//! | `GET /sandbox/conversations/{sid}/live` | agent or customer | WebSocket: transcript, new messages, task status |
//! | `GET /sandbox/agents/{identity}/live` | that agent | WebSocket: tasks, then every change to them |
//! | `POST /sandbox/agents/{identity}/tasks/{taskSid}/status` | that agent | `{assignmentStatus: wrapping\|completed, reason?}` |
//! | `POST /sandbox/webchat/sessions` | anyone | `{name, agent}` → 201 chat task + customer token |
//! | `GET /sandbox/webchat/agents` | anyone | `{"agents": [...]}` with the desk open |
//!
//! Tokens travel as `Authorization: Bearer` (HTTP) or in the first message (WebSocket).

pub mod auth;
pub mod http;
pub mod hub;
pub mod live;
pub mod store;
pub mod task_feed;
pub mod validate;
pub mod views;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::app::AppState;
pub use hub::Hub;

/// Every conversations route, with its own [`Hub`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sandbox/conversations/{sid}/messages",
            get(http::list_messages).post(http::post_message),
        )
        .route(
            "/sandbox/conversations/{sid}/live",
            get(live::conversation_live),
        )
        .route("/sandbox/agents/{identity}/live", get(live::agent_live))
        .route(
            "/sandbox/agents/{identity}/tasks/{task_sid}/status",
            post(http::set_task_status),
        )
        .route("/sandbox/webchat/sessions", post(http::start_webchat))
        .route("/sandbox/webchat/agents", get(http::online_agents))
        .layer(Extension(Arc::new(Hub::default())))
}
