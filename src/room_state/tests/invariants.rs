//! Every phase × every input: the claim follows the phase, writes match what happened, and the
//! controls and names each phase offers.

use super::*;

fn reasons() -> Vec<DisconnectReason> {
    let mut v = vec![DisconnectReason::Left, DisconnectReason::EndedForEveryone];
    v.extend(ServiceReason::ALL.map(DisconnectReason::Remote));
    v
}

pub(super) fn all_phases() -> Vec<Phase> {
    let mut v = vec![
        Phase::Idle,
        Phase::FetchingToken,
        Phase::Connecting,
        Phase::Connected,
        Phase::Reconnecting,
    ];
    v.extend(reasons().into_iter().map(Phase::Disconnected));
    v.extend(
        [
            Failure::InAnotherRoom,
            Failure::AlreadyInThisRoom,
            Failure::NoVideoRoom,
            Failure::Token,
            Failure::SessionOver(EndReason::Expired),
            Failure::SessionOver(EndReason::Replaced),
        ]
        .map(Phase::Failed),
    );
    v.extend(
        failures()
            .into_iter()
            .map(|f| Phase::Failed(Failure::Connect(f))),
    );
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
        Input::TokenRefused(EndReason::Expired),
        Input::TokenRefused(EndReason::WrappedUp),
        Input::Connected,
        Input::Reconnecting,
        Input::Reconnected,
        Input::Leave,
        Input::EndForEveryone,
        Input::Unmount,
    ];
    v.extend(reasons().into_iter().map(Input::Disconnected));
    v.extend(failures().into_iter().map(Input::ConnectFailed));
    v
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
            let was_in_room = matches!(from, Phase::Connected | Phase::Reconnecting);
            // Connected is written exactly when first entering Connected (not on a reconnect).
            assert_eq!(
                step.write == Some(VideoRoomState::Connected),
                step.phase == Phase::Connected && from == Phase::Connecting,
                "{ctx}"
            );
            // Ending a call writes what the reason means; ending anything else writes nothing.
            if let Phase::Disconnected(reason) = step.phase {
                let want = if was_in_room { reason.write() } else { None };
                assert_eq!(step.write, want, "{ctx}");
            }
            // Disconnected is written only when a call ends normally.
            if step.write == Some(VideoRoomState::Disconnected) {
                assert!(was_in_room, "{ctx}");
                assert!(!step.phase.is_error(), "{ctx}");
            }
            // Error is written exactly when a connection fails, or a call ends in failure.
            assert_eq!(
                step.write == Some(VideoRoomState::Error),
                (matches!(step.phase, Phase::Failed(Failure::Connect(_)))
                    && matches!(
                        from,
                        Phase::Connecting | Phase::Connected | Phase::Reconnecting
                    ))
                    || (was_in_room && step.phase.is_error()),
                "{ctx}"
            );
            // Never `created`: the server writes that.
            assert_ne!(step.write, Some(VideoRoomState::Created), "{ctx}");
            // Leaving a connection always disconnects it (ending the session for everyone
            // disconnects too).
            if (from == Phase::Connecting || was_in_room) && !step.phase.holds_room() {
                let expected = if input == Input::EndForEveryone {
                    Effect::EndSession
                } else {
                    Effect::Disconnect
                };
                assert_eq!(step.effect, expected, "{ctx}");
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
    assert!(Phase::Reconnecting.can_leave());
    assert!(!Phase::Connected.can_join());
    assert_eq!(Phase::Connected.name(), "connected");
    assert_eq!(Phase::Failed(Failure::Token).name(), "error");
}
