//! The functions API shared by the browser client and `plugin-host`: paths, parameter
//! names and response bodies (the table in `plugin-host/README.md`, "Functions API"). Field
//! names are the wire names.

use crate::session::EndReason;
use serde::{Deserialize, Serialize};

/// Base path of every function.
pub const FUNCTIONS_BASE: &str = "/features/chat-to-video-escalation";
/// Where the customer page is served; `full_url` = public base + this + `?code=CODE`.
pub const CUSTOMER_PAGE_PATH: &str = "/features/chat-to-video/index.html";

/// The functions, by their last path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    GenerateUniqueCode,
    AgentGetToken,
    ClientGetSyncToken,
    ClientGetVideoToken,
    CompleteRoom,
    /// Additive: merges the agent's `videoRoom` state into the task attributes server-side.
    UpdateVideoState,
    /// Additive: the customer's post-call rating.
    SubmitRating,
}

impl Endpoint {
    pub const ALL: [Endpoint; 7] = [
        Endpoint::GenerateUniqueCode,
        Endpoint::AgentGetToken,
        Endpoint::ClientGetSyncToken,
        Endpoint::ClientGetVideoToken,
        Endpoint::CompleteRoom,
        Endpoint::UpdateVideoState,
        Endpoint::SubmitRating,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Endpoint::GenerateUniqueCode => "generate-unique-code",
            Endpoint::AgentGetToken => "agent-get-token",
            Endpoint::ClientGetSyncToken => "client-get-sync-token",
            Endpoint::ClientGetVideoToken => "client-get-video-token",
            Endpoint::CompleteRoom => "complete-room",
            Endpoint::UpdateVideoState => "update-video-state",
            Endpoint::SubmitRating => "submit-rating",
        }
    }

    /// Whether the endpoint reads and validates a Flex `Token`.
    pub const fn flex_protected(self) -> bool {
        matches!(
            self,
            Endpoint::GenerateUniqueCode
                | Endpoint::AgentGetToken
                | Endpoint::CompleteRoom
                | Endpoint::UpdateVideoState
        )
    }

    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// Request parameter names (query string, form body or JSON body; all strings).
pub mod param {
    pub const TOKEN: &str = "Token";
    pub const TASK_SID: &str = "taskSid";
    pub const DOCUMENT_SID: &str = "DocumentSid";
    pub const ROOM_SID: &str = "roomSid";
    pub const CODE: &str = "code";
    /// `update-video-state`: one of `created`, `connected`, `disconnected`, `error`.
    pub const STATE: &str = "state";
    /// `submit-rating`: the ticket `client-get-video-token` returned.
    pub const TICKET: &str = "ticket";
    /// `submit-rating`: `1` to `5`.
    pub const RATING: &str = "rating";
    /// `submit-rating`: optional free text.
    pub const COMMENT: &str = "comment";
    /// `generate-unique-code`: `true` retires the task's live session and sends a new link.
    pub const REPLACE: &str = "replace";
    /// `complete-room`: why the session ends (an `EndReason` wire name; default `wrapped_up`).
    pub const REASON: &str = "reason";
    /// `client-get-video-token`: the seat this page held before (to keep it on a rejoin).
    pub const SEAT: &str = "seat";
}

/// Which backend the browser talks to for media and live documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The local sandbox: WebRTC between browsers, signaling over the host's WebSocket.
    Sandbox,
    /// Twilio's cloud: the `twilio-video` and `twilio-sync` SDKs.
    Twilio,
}

/// One ICE server, in the shape `RTCIceServer` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// How the sandbox's peers should gather and filter ICE candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceConfig {
    #[serde(default)]
    pub servers: Vec<IceServer>,
    /// Relay only `127.0.0.1` candidates (single-machine runs and tests).
    #[serde(default)]
    pub loopback_only: bool,
}

/// `generate-unique-code` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateCodeResponse {
    pub unique_code: String,
    /// RFC 3339 instant after which the code admits no customer who has not joined yet.
    pub valid_until: String,
    pub full_url: String,
    /// The task's live session's link, sent again (no new session was made).
    #[serde(default)]
    pub resent: bool,
}

/// `agent-get-token` → 200. `token` is the template's field; the rest is additive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentTokenResponse {
    pub token: String,
    pub identity: String,
    pub room_sid: String,
    pub room_name: String,
    pub provider: Provider,
    /// Sandbox only: the room's signaling WebSocket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signaling_url: Option<String>,
    #[serde(default)]
    pub ice: IceConfig,
    /// The customer's name from the chat, for the agent's view (untrusted text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
}

/// `client-get-sync-token` → 200. `token` is the template's field; the rest is additive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncTokenResponse {
    pub token: String,
    pub identity: String,
    pub document_sid: String,
    pub provider: Provider,
    /// Sandbox only: the document's live-update WebSocket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_url: Option<String>,
}

/// `client-get-video-token` → 200. `token` is the template's field; the rest is additive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoTokenResponse {
    pub token: String,
    pub identity: String,
    pub room_sid: String,
    pub provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signaling_url: Option<String>,
    #[serde(default)]
    pub ice: IceConfig,
    /// Lets the customer rate the call after the code has expired (`submit-rating`).
    pub feedback_ticket: String,
    /// The customer's seat (1-based); sent back as `seat` to keep it on a rejoin.
    pub seat: u32,
    /// Who in the room is the agent, and the name to show for them (untrusted text).
    pub agent_identity: String,
    pub agent_name: String,
}

/// `complete-room`, `update-video-state`, `submit-rating` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessResponse {
    pub success: bool,
}

/// 403 / 405 body of the customer endpoints: `{"error": "Invalid code."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: String,
}

/// 403 body when a session cannot be joined any more: `{"error": "...", "reason": "expired"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionOverResponse {
    pub error: String,
    pub reason: EndReason,
}

/// 400 body: `{"data": null, "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRequestResponse {
    pub data: Option<()>,
    pub message: String,
}

pub const INVALID_CODE: &str = "Invalid code.";
pub const ALREADY_RATED: &str = "This call has already been rated.";
pub const AGENT_NOT_CONNECTED: &str = "The agent is not yet connected. Please try again later.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_round_trip() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(e.name()), Some(e));
        }
        assert_eq!(Endpoint::from_name("nope"), None);
    }

    #[test]
    fn provider_is_lowercase_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Provider::Sandbox).unwrap(),
            "\"sandbox\""
        );
    }
}
