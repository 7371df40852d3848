use super::*;

fn run(events: &[SyncEvent]) -> (SyncWait, Vec<Step>) {
    let mut wait = SyncWait::default();
    let steps = events.iter().map(|&e| wait.step(e)).collect();
    (wait, steps)
}

use ConnectionState as C;
use SyncEvent::State;

#[test]
fn the_states_are_twilsocks_names() {
    for s in ConnectionState::ALL {
        assert_eq!(ConnectionState::from_wire(s.as_str()), Some(s));
    }
    assert_eq!(ConnectionState::from_wire("Connected"), None);
}

#[test]
fn a_dropped_connection_says_reconnecting_and_recovers_to_the_document() {
    let (wait, steps) = run(&[
        State(C::Connecting),
        State(C::Connected),
        State(C::Disconnected),
        State(C::Connecting),
        State(C::Connected),
    ]);
    assert_eq!(
        steps[0],
        Step::default(),
        "before the first connection nothing changes"
    );
    assert_eq!(
        steps[1],
        Step::default(),
        "the document is already what is shown"
    );
    assert_eq!(steps[2].show, Some(Shown::Reconnecting));
    assert_eq!(steps[2].deadline, Some(1));
    assert!(!steps[2].stop);
    assert_eq!(steps[3], Step::default());
    assert_eq!(steps[4].show, Some(Shown::Document));
    assert_eq!(wait.shown(), Shown::Document);
}

#[test]
fn denied_error_and_an_expired_token_end_the_wait_with_what_to_do() {
    for (event, lost) in [
        (State(C::Denied), Lost::Denied),
        (State(C::Error), Lost::Failed),
        (SyncEvent::TokenExpired, Lost::TokenExpired),
    ] {
        let (wait, steps) = run(&[State(C::Connected), event, State(C::Connected)]);
        assert_eq!(steps[1].show, Some(Shown::Lost(lost)));
        assert!(steps[1].stop, "{lost:?}: the client is stopped");
        assert_eq!(
            steps[2],
            Step::default(),
            "{lost:?}: nothing brings it back"
        );
        assert_eq!(wait.shown(), Shown::Lost(lost));
        assert!(lost.text().contains("Please reload the page"), "{lost:?}");
    }
}

#[test]
fn a_token_about_to_expire_is_refreshed_once_at_a_time() {
    let (_, steps) = run(&[
        State(C::Connected),
        SyncEvent::TokenAboutToExpire,
        SyncEvent::TokenAboutToExpire,
        SyncEvent::Refreshed,
        SyncEvent::TokenAboutToExpire,
    ]);
    assert!(steps[1].refresh && steps[1].show.is_none() && !steps[1].stop);
    assert!(!steps[2].refresh, "a refresh is already running");
    assert_eq!(steps[3], Step::default());
    assert!(steps[4].refresh, "the next token's turn");
}

#[test]
fn a_refused_refresh_says_the_session_is_over_and_an_unanswered_one_waits_for_the_expiry() {
    let refused = |answer| {
        run(&[
            SyncEvent::TokenAboutToExpire,
            SyncEvent::RefreshFailed(RefreshFailure::Answer(answer)),
        ])
        .1[1]
    };
    let over = refused(CodeAnswer::Over(EndReason::TimedOut));
    assert_eq!(over.show, Some(Shown::Over(EndReason::TimedOut)));
    assert!(over.stop);
    assert_eq!(
        refused(CodeAnswer::InvalidCode).show,
        Some(Shown::Over(EndReason::Expired))
    );
    assert_eq!(refused(CodeAnswer::Unavailable), Step::default());
    let (wait, steps) = run(&[
        State(C::Connected),
        SyncEvent::TokenAboutToExpire,
        SyncEvent::RefreshFailed(RefreshFailure::Unreachable),
        SyncEvent::TokenAboutToExpire,
        SyncEvent::TokenExpired,
    ]);
    assert_eq!(steps[2], Step::default());
    assert!(steps[3].refresh, "tried again");
    assert_eq!(wait.shown(), Shown::Lost(Lost::TokenExpired));
}

#[test]
fn a_connection_that_stays_down_past_its_deadline_ends_the_wait() {
    let (wait, steps) = run(&[
        State(C::Connected),
        State(C::Disconnected),
        State(C::Connected),
        // The first drop's deadline, after the connection came back: nothing.
        SyncEvent::ReconnectDeadline(1),
        State(C::Connecting),
        SyncEvent::ReconnectDeadline(1),
        SyncEvent::ReconnectDeadline(2),
    ]);
    assert_eq!(steps[1].deadline, Some(1));
    assert_eq!(steps[3], Step::default());
    assert_eq!(steps[4].deadline, Some(2));
    assert_eq!(steps[5], Step::default(), "an old drop's deadline");
    assert_eq!(steps[6].show, Some(Shown::Lost(Lost::Unreachable)));
    assert!(steps[6].stop);
    assert_eq!(wait.shown(), Shown::Lost(Lost::Unreachable));
}
