//! Joining: the happy path, joins refused before any request (another room held, this room
//! already joined, no document), and what token and connection failures write.

use super::*;

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
