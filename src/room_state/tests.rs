use super::*;

use std::collections::HashSet;

fn failures() -> Vec<ConnectFailure> {
    let mut v = vec![
        ConnectFailure::MediaUnavailable,
        ConnectFailure::DevicesUnavailable,
        ConnectFailure::Other,
    ];
    v.extend(ServiceReason::ALL.map(ConnectFailure::Refused));
    v
}

fn reasons() -> Vec<DisconnectReason> {
    let mut v = vec![DisconnectReason::Left, DisconnectReason::EndedForEveryone];
    v.extend(ServiceReason::ALL.map(DisconnectReason::Remote));
    v
}

fn remote(r: ServiceReason) -> DisconnectReason {
    DisconnectReason::Remote(r)
}

/// Joined, connected, and (optionally) through a reconnect and back.
fn in_room(reconnected: bool) -> Vec<Input<'static>> {
    let mut v = vec![join(None), Input::TokenReceived, Input::Connected];
    if reconnected {
        v.extend([Input::Reconnecting, Input::Reconnected]);
    }
    v
}

fn join(active: Option<&ActiveRoom>) -> Input<'_> {
    // (`'static` when `active` is `None`.)
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
    for f in failures() {
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
fn each_remote_ending_writes_what_it_means() {
    use ServiceReason::*;
    let expected = [
        (RoomCompleted, Some(VideoRoomState::Disconnected), false),
        (RoomNotFound, Some(VideoRoomState::Disconnected), false),
        // The same agent joined from another window: that window is in the room and wrote
        // `connected`; this one must not overwrite it.
        (DuplicateIdentity, None, false),
        (TokenExpired, Some(VideoRoomState::Error), true),
        (TokenInvalid, Some(VideoRoomState::Error), true),
        (RoomFull, Some(VideoRoomState::Error), true),
        (Network, Some(VideoRoomState::Error), true),
    ];
    assert_eq!(expected.len(), ServiceReason::ALL.len());
    for (r, write, alert) in expected {
        for reconnected in [false, true] {
            let mut inputs = in_room(reconnected);
            inputs.push(Input::Disconnected(remote(r)));
            let (phase, writes, effects) = run(&inputs);
            assert_eq!(phase, Phase::Disconnected(remote(r)), "{r:?}");
            let mut want = vec![VideoRoomState::Connected];
            want.extend(write);
            assert_eq!(writes, want, "{r:?} (through a reconnect: {reconnected})");
            assert_eq!(effects.last(), Some(&Effect::Disconnect), "{r:?}");
            assert!(!phase.holds_room(), "{r:?} releases the claim");
            assert_eq!(phase.is_error(), alert, "{r:?}");
            // A completed room is the end of the session: a new link, not Join, is offered.
            assert_eq!(
                phase.can_join(),
                r != RoomCompleted,
                "{r:?}: Join offered again"
            );
            assert_eq!(phase.offers_new_link(), r == RoomCompleted, "{r:?}");
        }
    }
    // Leaving by choice.
    let mut inputs = in_room(false);
    inputs.push(Input::Leave);
    assert_eq!(
        run(&inputs).1,
        [VideoRoomState::Connected, VideoRoomState::Disconnected]
    );
    assert!(!Phase::Disconnected(DisconnectReason::Left).is_error());
}

#[test]
fn each_remote_ending_has_its_own_text() {
    use ServiceReason::*;
    let expected = [
        (RoomCompleted, Text::RoomEnded),
        (DuplicateIdentity, Text::JoinedElsewhere),
        (TokenExpired, Text::AccessExpired),
        (TokenInvalid, Text::AccessInvalid),
        (RoomFull, Text::RoomFull),
        (RoomNotFound, Text::RoomNotFound),
        (Network, Text::ConnectionLost),
    ];
    assert_eq!(expected.len(), ServiceReason::ALL.len());
    let mut seen = HashSet::new();
    for (r, text) in expected {
        assert_eq!(Phase::Disconnected(remote(r)).text(), Some(text), "{r:?}");
        assert!(seen.insert(text), "{r:?} shares its text");
    }
    assert!(!seen.contains(&Text::Disconnected));
    assert_eq!(
        Phase::Disconnected(DisconnectReason::Left).text(),
        Some(Text::Disconnected)
    );
    assert_eq!(
        Text::JoinedElsewhere.default_text(),
        "You joined this video room in another window or on another device, so you were disconnected here."
    );
    // Refused while connecting: the service's reason, except a network failure, which is
    // "unable to connect" rather than "connection lost".
    let refused = |r| Phase::Failed(Failure::Connect(ConnectFailure::Refused(r))).text();
    assert_eq!(refused(RoomCompleted), Some(Text::RoomEnded));
    assert_eq!(refused(RoomFull), Some(Text::RoomFull));
    assert_eq!(refused(TokenExpired), Some(Text::AccessExpired));
    assert_eq!(refused(Network), Some(Text::ConnectFailed));
    assert_eq!(
        Phase::Failed(Failure::Connect(ConnectFailure::Other)).text(),
        Some(Text::ConnectFailed)
    );
}

#[test]
fn reconnecting_keeps_the_room_and_writes_nothing() {
    let (phase, writes, _) = run(&[
        join(None),
        Input::TokenReceived,
        Input::Connected,
        Input::Reconnecting,
    ]);
    assert_eq!(phase, Phase::Reconnecting);
    assert_eq!(phase.text(), Some(Text::Reconnecting));
    assert_eq!(phase.name(), "reconnecting");
    assert!(
        phase.holds_room(),
        "wrap-up stays blocked while reconnecting"
    );
    assert!(phase.can_leave() && !phase.can_join() && !phase.is_error());
    assert_eq!(
        writes,
        [VideoRoomState::Connected],
        "no write on reconnecting"
    );

    let back = phase.step(Input::Reconnected).unwrap();
    assert_eq!(
        back,
        Step {
            phase: Phase::Connected,
            write: None,
            effect: Effect::None,
            claim: Claim::Keep,
        },
        "back in the call without writing `connected` again"
    );
    // Leaving or failing while reconnecting is like doing so from the call.
    let left = Phase::Reconnecting.step(Input::Leave).unwrap();
    assert_eq!(
        (left.phase, left.write, left.effect, left.claim),
        (
            Phase::Disconnected(DisconnectReason::Left),
            Some(VideoRoomState::Disconnected),
            Effect::Disconnect,
            Claim::Release
        )
    );
    let unmounted = Phase::Reconnecting.step(Input::Unmount).unwrap();
    assert_eq!(unmounted.write, Some(VideoRoomState::Disconnected));
    let failed = Phase::Reconnecting
        .step(Input::ConnectFailed(ConnectFailure::Other))
        .unwrap();
    assert_eq!(failed.write, Some(VideoRoomState::Error));
    // Out-of-place reconnect events are ignored.
    assert_eq!(Phase::Connecting.step(Input::Reconnecting), None);
    assert_eq!(Phase::Connected.step(Input::Reconnected), None);
    assert_eq!(Phase::Reconnecting.step(Input::Reconnecting), None);
    assert_eq!(Phase::Idle.step(Input::Reconnected), None);
    assert_eq!(
        Phase::Disconnected(DisconnectReason::Left).step(Input::Reconnecting),
        None
    );
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

#[test]
fn a_session_that_is_over_offers_a_new_link_instead_of_join() {
    for (reason, text) in [
        (EndReason::Expired, Text::LinkExpired),
        (EndReason::TimedOut, Text::SessionEnded),
        (EndReason::Replaced, Text::SessionEnded),
    ] {
        let (phase, writes, effects) = run(&[join(None), Input::TokenRefused(reason)]);
        assert_eq!(phase, Phase::Failed(Failure::SessionOver(reason)));
        assert!(writes.is_empty(), "no room was joined");
        assert_eq!(effects, [Effect::FetchToken, Effect::None]);
        assert!(!phase.holds_room());
        assert!(!phase.can_join(), "a retry cannot work");
        assert!(phase.offers_new_link());
        assert_eq!(phase.text(), Some(text));
        assert!(phase.is_error());
    }
    // A token that failed for another reason may be retried.
    let (phase, _, _) = run(&[join(None), Input::TokenFailed]);
    assert!(phase.can_join() && !phase.offers_new_link());
}

#[test]
fn ending_the_call_for_everyone() {
    let mut inputs = in_room(false);
    inputs.push(Input::EndForEveryone);
    let (phase, writes, effects) = run(&inputs);
    assert_eq!(
        phase,
        Phase::Disconnected(DisconnectReason::EndedForEveryone)
    );
    assert_eq!(
        writes,
        [VideoRoomState::Connected, VideoRoomState::Disconnected]
    );
    assert_eq!(effects.last(), Some(&Effect::EndSession));
    assert!(!phase.holds_room() && !phase.is_error());
    assert!(phase.offers_new_link() && !phase.can_join());
    assert_eq!(phase.text(), Some(Text::SessionEnded));
    // Only from inside a room.
    assert_eq!(Phase::Idle.step(Input::EndForEveryone), None);
    assert_eq!(Phase::FetchingToken.step(Input::EndForEveryone), None);
}

#[test]
fn a_new_session_resets_a_tab_that_is_not_in_a_room() {
    for phase in all_phases() {
        let after = phase.on_new_session();
        if phase.holds_room() {
            assert_eq!(after, phase, "{phase:?} keeps its room");
        } else {
            assert_eq!(after, Phase::Idle, "{phase:?}");
        }
    }
}
