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
mod tests {
    use super::*;

    const FAILURES: [ConnectFailure; 3] = [
        ConnectFailure::MediaUnavailable,
        ConnectFailure::DevicesUnavailable,
        ConnectFailure::Refused,
    ];
    const REASONS: [DisconnectReason; 3] = [
        DisconnectReason::Left,
        DisconnectReason::RoomEnded,
        DisconnectReason::ConnectionLost,
    ];

    fn join(active: Option<&ActiveRoom>) -> Input<'_> {
        Input::Join {
            task_sid: "WT1",
            has_document: true,
            active,
        }
    }

    fn all_phases() -> Vec<Phase> {
        let mut v = vec![
            Phase::Idle,
            Phase::FetchingToken,
            Phase::Connecting,
            Phase::Connected,
        ];
        v.extend(REASONS.map(Phase::Disconnected));
        v.extend(
            [
                Failure::InAnotherRoom,
                Failure::AlreadyInThisRoom,
                Failure::NoVideoRoom,
                Failure::Token,
            ]
            .map(Phase::Failed),
        );
        v.extend(FAILURES.map(|f| Phase::Failed(Failure::Connect(f))));
        v
    }

    fn all_inputs(other: &ActiveRoom) -> Vec<Input<'_>> {
        let mut v = vec![
            join(None),
            join(Some(other)),
            Input::Join {
                task_sid: "WT1",
                has_document: false,
                active: None,
            },
            Input::TokenReceived,
            Input::TokenFailed,
            Input::Connected,
            Input::Leave,
            Input::Unmount,
        ];
        v.extend(REASONS.map(Input::Disconnected));
        v.extend(FAILURES.map(Input::ConnectFailed));
        v
    }

    fn run(inputs: &[Input<'_>]) -> (Phase, Vec<VideoRoomState>, Vec<Effect>) {
        let mut phase = Phase::Idle;
        let mut writes = Vec::new();
        let mut effects = Vec::new();
        for &i in inputs {
            if let Some(step) = phase.step(i) {
                phase = step.phase;
                writes.extend(step.write);
                effects.push(step.effect);
            }
        }
        (phase, writes, effects)
    }

    #[test]
    fn happy_path_writes_connected_then_disconnected() {
        let (phase, writes, effects) = run(&[
            join(None),
            Input::TokenReceived,
            Input::Connected,
            Input::Leave,
        ]);
        assert_eq!(phase, Phase::Disconnected(DisconnectReason::Left));
        assert_eq!(
            writes,
            [VideoRoomState::Connected, VideoRoomState::Disconnected]
        );
        assert_eq!(
            effects,
            [
                Effect::FetchToken,
                Effect::Connect,
                Effect::None,
                Effect::Disconnect
            ]
        );
    }

    #[test]
    fn join_is_refused_while_another_room_is_held() {
        let other = ActiveRoom {
            task_sid: "WT2".into(),
            connected: true,
            ..Default::default()
        };
        let step = Phase::Idle.step(join(Some(&other))).unwrap();
        assert_eq!(step.phase, Phase::Failed(Failure::InAnotherRoom));
        assert_eq!(step.effect, Effect::None);
        assert_eq!(step.claim, Claim::Keep);
        assert_eq!(step.write, None);
        assert_eq!(step.phase.text(), Some(Text::AlreadyInAnotherRoom));
        assert!(step.phase.is_error());
        // Once the other room is left, Join works from the error phase.
        let step = step.phase.step(join(None)).unwrap();
        assert_eq!(step.phase, Phase::FetchingToken);
        assert_eq!(step.claim, Claim::Take);

        let same = ActiveRoom {
            task_sid: "WT1".into(),
            ..Default::default()
        };
        assert_eq!(
            Phase::Idle.step(join(Some(&same))).unwrap().phase,
            Phase::Failed(Failure::AlreadyInThisRoom)
        );
    }

    #[test]
    fn join_without_a_document_is_an_error_without_a_request() {
        let step = Phase::Idle
            .step(Input::Join {
                task_sid: "WT1",
                has_document: false,
                active: None,
            })
            .unwrap();
        assert_eq!(step.phase, Phase::Failed(Failure::NoVideoRoom));
        assert_eq!(step.effect, Effect::None);
        assert_eq!(step.claim, Claim::Keep);
    }

    #[test]
    fn failures_write_error_only_once_a_room_was_joined() {
        let (phase, writes, _) = run(&[join(None), Input::TokenFailed]);
        assert_eq!(phase, Phase::Failed(Failure::Token));
        assert!(writes.is_empty());
        for f in FAILURES {
            let (phase, writes, effects) =
                run(&[join(None), Input::TokenReceived, Input::ConnectFailed(f)]);
            assert_eq!(phase, Phase::Failed(Failure::Connect(f)));
            assert_eq!(writes, [VideoRoomState::Error]);
            assert_eq!(effects.last(), Some(&Effect::Disconnect));
            let (_, writes, _) = run(&[
                join(None),
                Input::TokenReceived,
                Input::Connected,
                Input::ConnectFailed(f),
            ]);
            assert_eq!(writes, [VideoRoomState::Connected, VideoRoomState::Error]);
        }
        assert_eq!(
            Phase::Failed(Failure::Connect(ConnectFailure::MediaUnavailable)).text(),
            Some(Text::MediaUnavailable)
        );
    }

    #[test]
    fn remote_endings_are_reported() {
        for r in REASONS {
            let (phase, writes, _) = run(&[
                join(None),
                Input::TokenReceived,
                Input::Connected,
                Input::Disconnected(r),
            ]);
            assert_eq!(phase, Phase::Disconnected(r));
            assert_eq!(
                writes,
                [VideoRoomState::Connected, VideoRoomState::Disconnected]
            );
        }
        assert_eq!(
            Phase::Disconnected(DisconnectReason::RoomEnded).text(),
            Some(Text::RoomEnded)
        );
        assert!(Phase::Disconnected(DisconnectReason::ConnectionLost).is_error());
        assert!(!Phase::Disconnected(DisconnectReason::Left).is_error());
    }

    #[test]
    fn unmount_releases_everything_it_holds() {
        let s = Phase::FetchingToken.step(Input::Unmount).unwrap();
        assert_eq!(
            (s.effect, s.claim, s.write),
            (Effect::CancelFetch, Claim::Release, None)
        );
        let s = Phase::Connecting.step(Input::Unmount).unwrap();
        assert_eq!(
            (s.effect, s.claim, s.write),
            (Effect::Disconnect, Claim::Release, None)
        );
        let s = Phase::Connected.step(Input::Unmount).unwrap();
        assert_eq!(
            (s.effect, s.claim, s.write),
            (
                Effect::Disconnect,
                Claim::Release,
                Some(VideoRoomState::Disconnected)
            )
        );
        assert_eq!(Phase::Idle.step(Input::Unmount), None);
    }

    #[test]
    fn stale_events_are_ignored() {
        assert_eq!(Phase::Idle.step(Input::Connected), None);
        assert_eq!(Phase::Idle.step(Input::TokenReceived), None);
        assert_eq!(Phase::Connected.step(Input::TokenReceived), None);
        assert_eq!(Phase::Connected.step(Input::Connected), None);
        assert_eq!(Phase::FetchingToken.step(Input::Connected), None);
        assert_eq!(Phase::FetchingToken.step(join(None)), None, "double click");
        assert_eq!(Phase::Connected.step(join(None)), None);
        assert_eq!(
            Phase::Disconnected(DisconnectReason::Left).step(Input::Connected),
            None
        );
    }

    /// Exhaustive invariants over every phase × input.
    #[test]
    fn invariants_hold_for_every_transition() {
        let other = ActiveRoom {
            task_sid: "WT9".into(),
            ..Default::default()
        };
        for from in all_phases() {
            for input in all_inputs(&other) {
                let Some(step) = from.step(input) else {
                    continue;
                };
                let ctx = format!("{from:?} + {input:?} -> {step:?}");
                // The claim follows the phase.
                match step.claim {
                    Claim::Take => {
                        assert!(!from.holds_room() && step.phase.holds_room(), "{ctx}")
                    }
                    Claim::Release => {
                        assert!(from.holds_room() && !step.phase.holds_room(), "{ctx}")
                    }
                    Claim::Keep => assert_eq!(from.holds_room(), step.phase.holds_room(), "{ctx}"),
                    Claim::RoomKnown | Claim::Connected => {
                        assert!(step.phase.holds_room(), "{ctx}")
                    }
                }
                // Connected is written exactly when entering Connected.
                assert_eq!(
                    step.write == Some(VideoRoomState::Connected),
                    step.phase == Phase::Connected && from != Phase::Connected,
                    "{ctx}"
                );
                // Disconnected is written exactly when leaving Connected without failure.
                assert_eq!(
                    step.write == Some(VideoRoomState::Disconnected),
                    from == Phase::Connected && matches!(step.phase, Phase::Disconnected(_)),
                    "{ctx}"
                );
                // Never `created`: the server writes that.
                assert_ne!(step.write, Some(VideoRoomState::Created), "{ctx}");
                // Leaving a connection always disconnects it.
                if matches!(from, Phase::Connecting | Phase::Connected) && !step.phase.holds_room()
                {
                    assert_eq!(step.effect, Effect::Disconnect, "{ctx}");
                }
                // Join only ever starts a token fetch.
                if step.effect == Effect::FetchToken {
                    assert_eq!(step.phase, Phase::FetchingToken, "{ctx}");
                    assert!(from.can_join(), "{ctx}");
                }
                assert_eq!(
                    step.phase.text().is_none(),
                    step.phase == Phase::Idle,
                    "{ctx}"
                );
            }
        }
    }

    #[test]
    fn offered_controls_and_names() {
        assert!(Phase::Idle.can_join() && !Phase::Idle.can_leave());
        assert!(!Phase::FetchingToken.can_join() && !Phase::FetchingToken.can_leave());
        assert!(Phase::Connecting.can_leave() && Phase::Connected.can_leave());
        assert!(!Phase::Connected.can_join());
        assert_eq!(Phase::Connected.name(), "connected");
        assert_eq!(Phase::Failed(Failure::Token).name(), "error");
    }
}
