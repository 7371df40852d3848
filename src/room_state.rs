//! The Video Room tab's state machine, pure: which phase follows which input, what the task's
//! `videoRoom` attribute should become, what the browser side must do (fetch a token, connect,
//! disconnect) and what happens to the agent's single room claim.
//!
//! ```text
//! Idle ─Join→ FetchingToken ─token→ Connecting ─connected→ Connected
//!   ↑             │ failed             │ failed/ended          │ left/ended/lost/failed
//!   └── (Join) ── Failed(..) ←─────────┘                       ↓
//!                      ↑──────────── (Join) ─────────── Disconnected(..)
//! ```
//!
//! Attribute writes: `connected` on entering Connected, `disconnected` on leaving it
//! normally, `error` whenever a connection (Connecting or Connected) fails. Token failures
//! write nothing: no room was joined. The room is claimed on Join (so two tabs cannot join
//! two rooms at once) and released on every way out.

use crate::attributes::VideoRoomState;
use crate::rules::{may_join, ActiveRoom, JoinRefused};
use crate::strings::Text;

/// Why the agent is no longer in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The agent clicked Disconnect (or the tab went away).
    Left,
    /// The room was completed (e.g. by wrap-up elsewhere) or closed by the service.
    RoomEnded,
    /// Network or signaling loss the connection could not recover from.
    ConnectionLost,
}

/// Why a connection attempt failed, as the connector reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// This build has no media implementation for the room's provider.
    MediaUnavailable,
    /// Camera or microphone refused or missing.
    DevicesUnavailable,
    /// The service refused the connection (token, room state, capacity, network).
    Refused,
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
    Connect(ConnectFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    FetchingToken,
    Connecting,
    Connected,
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
    Connected,
    Disconnected(DisconnectReason),
    ConnectFailed(ConnectFailure),
    /// Disconnect clicked.
    Leave,
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
            (FetchingToken, Input::Leave | Input::Unmount) => {
                to(Idle, None, Effect::CancelFetch, Claim::Release)
            }
            (Connecting, Input::Connected) => to(
                Connected,
                Some(VideoRoomState::Connected),
                Effect::None,
                Claim::Connected,
            ),
            (Connecting | Connected, Input::ConnectFailed(f)) => to(
                Failed(Failure::Connect(f)),
                Some(VideoRoomState::Error),
                Effect::Disconnect,
                Claim::Release,
            ),
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
            (Connected, Input::Disconnected(reason)) => to(
                Disconnected(reason),
                Some(VideoRoomState::Disconnected),
                Effect::Disconnect,
                Claim::Release,
            ),
            (Connected, Input::Leave | Input::Unmount) => to(
                Disconnected(DisconnectReason::Left),
                Some(VideoRoomState::Disconnected),
                Effect::Disconnect,
                Claim::Release,
            ),
            _ => None,
        }
    }

    /// Join is offered (and accepted) in these phases.
    pub fn can_join(self) -> bool {
        matches!(
            self,
            Phase::Idle | Phase::Disconnected(_) | Phase::Failed(_)
        )
    }

    /// Disconnect is offered in these phases.
    pub fn can_leave(self) -> bool {
        matches!(self, Phase::Connecting | Phase::Connected)
    }

    /// Whether the agent holds the room claim in this phase.
    pub fn holds_room(self) -> bool {
        matches!(
            self,
            Phase::FetchingToken | Phase::Connecting | Phase::Connected
        )
    }

    /// The status line to show, if any.
    pub fn text(self) -> Option<Text> {
        Some(match self {
            Phase::Idle => return None,
            Phase::FetchingToken | Phase::Connecting => Text::Connecting,
            Phase::Connected => Text::Connected,
            Phase::Disconnected(DisconnectReason::Left) => Text::Disconnected,
            Phase::Disconnected(DisconnectReason::RoomEnded) => Text::RoomEnded,
            Phase::Disconnected(DisconnectReason::ConnectionLost) => Text::ConnectionLost,
            Phase::Failed(Failure::InAnotherRoom) => Text::AlreadyInAnotherRoom,
            Phase::Failed(Failure::AlreadyInThisRoom) => Text::AlreadyInThisRoom,
            Phase::Failed(Failure::NoVideoRoom) => Text::NoVideoRoom,
            Phase::Failed(Failure::Token) => Text::TokenFailed,
            Phase::Failed(Failure::Connect(ConnectFailure::MediaUnavailable)) => {
                Text::MediaUnavailable
            }
            Phase::Failed(Failure::Connect(ConnectFailure::DevicesUnavailable)) => {
                Text::DevicesUnavailable
            }
            Phase::Failed(Failure::Connect(ConnectFailure::Refused)) => Text::ConnectFailed,
        })
    }

    /// Whether the status line is an error (shown as an alert).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Phase::Failed(_) | Phase::Disconnected(DisconnectReason::ConnectionLost)
        )
    }

    /// A stable name for the DOM (`data-phase`) and logs.
    pub const fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::FetchingToken => "fetching-token",
            Phase::Connecting => "connecting",
            Phase::Connected => "connected",
            Phase::Disconnected(_) => "disconnected",
            Phase::Failed(_) => "error",
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
