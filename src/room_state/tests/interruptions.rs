//! What interrupts a phase or arrives out of place: reconnecting and back, unmounting in each
//! phase, and stale events.

use super::*;

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
