//! The Video Room tab's state machine, pure: which phase follows which input, what the task's
//! `videoRoom` attribute should become, what the browser side must do (fetch a token, connect,
//! disconnect) and what happens to the agent's single room claim.
//!
//! ```text
//! Idle ─Join→ FetchingToken ─token→ Connecting ─connected→ Connected ⇄ Reconnecting
//!   ↑             │ failed             │ failed/ended          │ left/ended/failed
//!   └── (Join) ── Failed(..) ←─────────┘                       ↓
//!                      ↑──────────── (Join) ─────────── Disconnected(reason)
//! ```
//!
//! Attribute writes: `connected` on entering Connected from Connecting (a reconnect changes
//! nothing: the agent never left), `error` whenever a connection (Connecting, Connected or
//! Reconnecting) fails; leaving a room the agent was in writes what the reason means
//! ([`DisconnectReason::write`]): `disconnected` for a normal end, `error` for a failure, and
//! nothing when the same agent joined the room from another window (that window is in the
//! room and has written `connected`). Token failures write nothing: no room was joined. The
//! room is claimed on Join (so two tabs cannot join two rooms at once) and released on every
//! way out.

use crate::attributes::VideoRoomState;
pub use crate::protocol::DisconnectReason as ServiceReason;
use crate::rules::{may_join, ActiveRoom, JoinRefused};
use crate::session::EndReason;
use crate::strings::Text;

/// Why the agent is no longer in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The agent clicked Disconnect (or the tab went away).
    Left,
    /// The agent clicked "End call for everyone": the session is over.
    EndedForEveryone,
    /// The video service disconnected the agent, for this reason (room completed, the same
    /// identity joined elsewhere, token expired, network, …).
    Remote(ServiceReason),
}

impl DisconnectReason {
    /// The `videoRoom` state to write when this ends a connection the agent was in.
    pub const fn write(self) -> Option<VideoRoomState> {
        use ServiceReason::*;
        match self {
            DisconnectReason::Left
            | DisconnectReason::EndedForEveryone
            | DisconnectReason::Remote(RoomCompleted)
            | DisconnectReason::Remote(RoomNotFound) => Some(VideoRoomState::Disconnected),
            // The agent is still in the room, from another window that wrote `connected`.
            DisconnectReason::Remote(DuplicateIdentity) => None,
            DisconnectReason::Remote(TokenExpired | TokenInvalid | RoomFull | Network) => {
                Some(VideoRoomState::Error)
            }
        }
    }

    /// Whether this end is a failure (shown as an alert, written as `error`).
    pub const fn is_failure(self) -> bool {
        matches!(self.write(), Some(VideoRoomState::Error))
    }
}

/// What to tell the agent about a disconnect the service caused.
pub const fn service_text(reason: ServiceReason) -> Text {
    match reason {
        ServiceReason::RoomCompleted => Text::RoomEnded,
        ServiceReason::DuplicateIdentity => Text::JoinedElsewhere,
        ServiceReason::TokenExpired => Text::AccessExpired,
        ServiceReason::TokenInvalid => Text::AccessInvalid,
        ServiceReason::RoomFull => Text::RoomFull,
        ServiceReason::RoomNotFound => Text::RoomNotFound,
        ServiceReason::Network => Text::ConnectionLost,
    }
}

/// Why a connection attempt failed, as the connector reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// This build has no media implementation for the room's provider.
    MediaUnavailable,
    /// Camera or microphone refused or missing.
    DevicesUnavailable,
    /// The service refused the connection, for this reason (token, room state, capacity,
    /// network).
    Refused(ServiceReason),
    /// Anything else (a failure the client could not name).
    Other,
}

/// Why the tab shows an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    InAnotherRoom,
    AlreadyInThisRoom,
    /// The task has no `syncDocument`, so there is nothing to ask a token for.
    NoVideoRoom,
    /// `agent-get-token` failed.
    Token,
    /// The session cannot be joined any more (its link expired before the customer joined, or
    /// it ended): a new link is what helps.
    SessionOver(EndReason),
    Connect(ConnectFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    FetchingToken,
    Connecting,
    Connected,
    /// In the room, but the connection dropped and the client is trying to restore it.
    Reconnecting,
    Disconnected(DisconnectReason),
    Failed(Failure),
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// Join clicked. `active` is the agent's room claim, if any.
    Join {
        task_sid: &'a str,
        has_document: bool,
        active: Option<&'a ActiveRoom>,
    },
    TokenReceived,
    TokenFailed,
    /// `agent-get-token` answered that the session is over, for this reason.
    TokenRefused(EndReason),
    Connected,
    /// The client lost the connection and is trying to restore it.
    Reconnecting,
    /// The client restored the connection.
    Reconnected,
    Disconnected(DisconnectReason),
    ConnectFailed(ConnectFailure),
    /// Disconnect clicked.
    Leave,
    /// "End call for everyone" clicked.
    EndForEveryone,
    /// The tab's handle was freed.
    Unmount,
}

/// What the browser side must do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    FetchToken,
    CancelFetch,
    Connect,
    Disconnect,
    /// End the session for everyone (`complete-room`), then leave.
    EndSession,
}

/// What happens to the agent's room claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Keep,
    /// Take the claim for this task (Join).
    Take,
    /// The room is known (token received): record its sid.
    RoomKnown,
    /// Media connected.
    Connected,
    Release,
}

/// One transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub phase: Phase,
    /// The `videoRoom` state to write through `update-video-state`, if any.
    pub write: Option<VideoRoomState>,
    pub effect: Effect,
    pub claim: Claim,
}

impl Phase {
    /// The transition `input` causes, or `None` when it does not apply in this phase (a late
    /// event from an attempt already abandoned, a double click): the caller ignores it.
    pub fn step(self, input: Input<'_>) -> Option<Step> {
        use Phase::*;
        let to = |phase, write, effect, claim| {
            Some(Step {
                phase,
                write,
                effect,
                claim,
            })
        };
        match (self, input) {
            (
                p,
                Input::Join {
                    task_sid,
                    has_document,
                    active,
                },
            ) if p.can_join() => {
                let refused = |f| to(Failed(f), None, Effect::None, Claim::Keep);
                match may_join(task_sid, active) {
                    Err(JoinRefused::InAnotherRoom) => refused(Failure::InAnotherRoom),
                    Err(JoinRefused::AlreadyInThisRoom) => refused(Failure::AlreadyInThisRoom),
                    Ok(()) if !has_document => refused(Failure::NoVideoRoom),
                    Ok(()) => to(FetchingToken, None, Effect::FetchToken, Claim::Take),
                }
            }
            (FetchingToken, Input::TokenReceived) => {
                to(Connecting, None, Effect::Connect, Claim::RoomKnown)
            }
            (FetchingToken, Input::TokenFailed) => {
                to(Failed(Failure::Token), None, Effect::None, Claim::Release)
            }
            (FetchingToken, Input::TokenRefused(reason)) => to(
                Failed(Failure::SessionOver(reason)),
                None,
                Effect::None,
                Claim::Release,
            ),
            (FetchingToken, Input::Leave | Input::Unmount) => {
                to(Idle, None, Effect::CancelFetch, Claim::Release)
            }
            (Connecting, Input::Connected) => to(
                Connected,
                Some(VideoRoomState::Connected),
                Effect::None,
                Claim::Connected,
            ),
            (Connected, Input::Reconnecting) => to(Reconnecting, None, Effect::None, Claim::Keep),
            (Reconnecting, Input::Reconnected) => to(Connected, None, Effect::None, Claim::Keep),
            (Connecting | Connected | Reconnecting, Input::ConnectFailed(f)) => to(
                Failed(Failure::Connect(f)),
                Some(VideoRoomState::Error),
                Effect::Disconnect,
                Claim::Release,
            ),
            // Not yet in the room: nothing to record.
            (Connecting, Input::Disconnected(reason)) => to(
                Disconnected(reason),
                None,
                Effect::Disconnect,
                Claim::Release,
            ),
            (Connecting, Input::Leave | Input::Unmount) => to(
                Disconnected(DisconnectReason::Left),
                None,
                Effect::Disconnect,
                Claim::Release,
            ),
            (Connected | Reconnecting, Input::Disconnected(reason)) => to(
                Disconnected(reason),
                reason.write(),
                Effect::Disconnect,
                Claim::Release,
            ),
            // Not yet in the room: nothing to record.
            (Connecting, Input::EndForEveryone) => to(
                Disconnected(DisconnectReason::EndedForEveryone),
                None,
                Effect::EndSession,
                Claim::Release,
            ),
            (Connected | Reconnecting, Input::EndForEveryone) => to(
                Disconnected(DisconnectReason::EndedForEveryone),
                DisconnectReason::EndedForEveryone.write(),
                Effect::EndSession,
                Claim::Release,
            ),
            (Connected | Reconnecting, Input::Leave | Input::Unmount) => to(
                Disconnected(DisconnectReason::Left),
                DisconnectReason::Left.write(),
                Effect::Disconnect,
                Claim::Release,
            ),
            _ => None,
        }
    }

    /// Join is offered (and accepted) in these phases: not once the session is over, where
    /// only a new link helps.
    pub fn can_join(self) -> bool {
        matches!(
            self,
            Phase::Idle | Phase::Disconnected(_) | Phase::Failed(_)
        ) && !self.offers_new_link()
    }

    /// "Send a new link" is offered in place of Join: the session is over.
    pub fn offers_new_link(self) -> bool {
        matches!(
            self,
            Phase::Failed(Failure::SessionOver(_))
                | Phase::Disconnected(DisconnectReason::EndedForEveryone)
                | Phase::Disconnected(DisconnectReason::Remote(ServiceReason::RoomCompleted))
        )
    }

    /// A new session (link) for the task: a tab that is not in a room starts over.
    pub fn on_new_session(self) -> Phase {
        if self.holds_room() {
            self
        } else {
            Phase::Idle
        }
    }

    /// Disconnect is offered in these phases.
    pub fn can_leave(self) -> bool {
        matches!(
            self,
            Phase::Connecting | Phase::Connected | Phase::Reconnecting
        )
    }

    /// Whether the agent holds the room claim in this phase.
    pub fn holds_room(self) -> bool {
        matches!(
            self,
            Phase::FetchingToken | Phase::Connecting | Phase::Connected | Phase::Reconnecting
        )
    }

    /// The status line to show, if any.
    pub fn text(self) -> Option<Text> {
        Some(match self {
            Phase::Idle => return None,
            Phase::FetchingToken | Phase::Connecting => Text::Connecting,
            Phase::Connected => Text::Connected,
            Phase::Reconnecting => Text::Reconnecting,
            Phase::Disconnected(DisconnectReason::Left) => Text::Disconnected,
            Phase::Disconnected(DisconnectReason::EndedForEveryone) => Text::SessionEnded,
            Phase::Disconnected(DisconnectReason::Remote(r)) => service_text(r),
            Phase::Failed(Failure::InAnotherRoom) => Text::AlreadyInAnotherRoom,
            Phase::Failed(Failure::AlreadyInThisRoom) => Text::AlreadyInThisRoom,
            Phase::Failed(Failure::NoVideoRoom) => Text::NoVideoRoom,
            Phase::Failed(Failure::Token) => Text::TokenFailed,
            Phase::Failed(Failure::SessionOver(EndReason::Expired)) => Text::LinkExpired,
            Phase::Failed(Failure::SessionOver(_)) => Text::SessionEnded,
            Phase::Failed(Failure::Connect(ConnectFailure::MediaUnavailable)) => {
                Text::MediaUnavailable
            }
            Phase::Failed(Failure::Connect(ConnectFailure::DevicesUnavailable)) => {
                Text::DevicesUnavailable
            }
            // A network failure while connecting is "unable to connect", not "lost".
            Phase::Failed(Failure::Connect(
                ConnectFailure::Refused(ServiceReason::Network) | ConnectFailure::Other,
            )) => Text::ConnectFailed,
            Phase::Failed(Failure::Connect(ConnectFailure::Refused(r))) => service_text(r),
        })
    }

    /// Whether the status line is an error (shown as an alert).
    pub fn is_error(self) -> bool {
        match self {
            Phase::Failed(_) => true,
            Phase::Disconnected(reason) => reason.is_failure(),
            _ => false,
        }
    }

    /// A stable name for the DOM (`data-phase`) and logs.
    pub const fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::FetchingToken => "fetching-token",
            Phase::Connecting => "connecting",
            Phase::Connected => "connected",
            Phase::Reconnecting => "reconnecting",
            Phase::Disconnected(_) => "disconnected",
            Phase::Failed(_) => "error",
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
