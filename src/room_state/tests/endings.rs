//! How a call ends: what each of the service's reasons writes and which text it shows, through a
//! reconnect or not, and leaving by choice.

use super::*;

use std::collections::HashSet;

fn remote(r: ServiceReason) -> DisconnectReason {
    DisconnectReason::Remote(r)
}

/// Joined, connected, and (optionally) through a reconnect and back.
pub(super) fn in_room(reconnected: bool) -> Vec<Input<'static>> {
    let mut v = vec![join(None), Input::TokenReceived, Input::Connected];
    if reconnected {
        v.extend([Input::Reconnecting, Input::Reconnected]);
    }
    v
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
fn an_ending_before_the_media_connects_records_nothing_but_still_ends() {
    let connecting = [join(None), Input::TokenReceived];
    let (phase, _, _) = run(&connecting);
    assert_eq!(phase, Phase::Connecting);
    for r in ServiceReason::ALL {
        assert_eq!(
            phase.step(Input::Disconnected(remote(r))),
            Some(Step {
                phase: Phase::Disconnected(remote(r)),
                write: None,
                effect: Effect::Disconnect,
                claim: Claim::Release,
            }),
            "{r:?} while connecting"
        );
    }
    assert_eq!(
        phase.step(Input::EndForEveryone),
        Some(Step {
            phase: Phase::Disconnected(DisconnectReason::EndedForEveryone),
            write: None,
            effect: Effect::EndSession,
            claim: Claim::Release,
        }),
        "End call for everyone while connecting"
    );
}
