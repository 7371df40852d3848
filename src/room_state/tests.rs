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
            if matches!(from, Phase::Connecting | Phase::Connected) && !step.phase.holds_room() {
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
