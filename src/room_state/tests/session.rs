//! A session that is over: a new link offered where Join cannot work, ending the call for
//! everyone, and a new session resetting a tab that is not in a room.

use super::endings::in_room;
use super::invariants::all_phases;
use super::*;

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
