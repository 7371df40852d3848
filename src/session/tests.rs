use super::*;

const T0: u64 = 1_000_000;
const VALID: u64 = T0 + 60_000;

fn session() -> Session {
    Session::new("WT1", VALID, Some("Bob".into()))
}

fn with_agent(mut s: Session) -> Session {
    s.agent = Some(Agent {
        name: "Alice".into(),
        identity: "alice".into(),
        worker: "WK1".into(),
        present: false,
    });
    s
}

#[test]
fn a_new_session_admits_until_the_code_runs_out() {
    let s = session();
    assert!(s.is_live());
    assert_eq!(s.admits(T0), Ok(()));
    assert_eq!(s.admits(VALID), Ok(()), "the last millisecond counts");
    assert_eq!(s.admits(VALID + 1), Err(Refusal::Expired));
}

#[test]
fn once_a_customer_joined_the_code_time_no_longer_matters() {
    let mut s = session();
    s.customer_joined = true;
    assert_eq!(s.admits(VALID + 3_600_000), Ok(()));
}

#[test]
fn an_ended_session_refuses_for_its_reason_and_the_first_reason_wins() {
    let mut s = with_agent(session());
    s.set_agent_present(true, T0);
    assert!(s.end(EndReason::WrappedUp, T0 + 5_000));
    assert!(!s.end(EndReason::Completed, T0 + 9_000));
    assert_eq!(s.ended, Some(EndReason::WrappedUp));
    assert_eq!(s.ended_at, Some(T0 + 5_000));
    assert_eq!(s.admits(T0), Err(Refusal::Ended(EndReason::WrappedUp)));
    assert!(!s.is_live());
    assert!(!s.agent_present(), "ending takes the agent out");
    assert_eq!(s.agent.as_ref().map(|a| a.present), Some(false));
    // Nothing moves an ended session's presence again.
    s.set_agent_present(true, T0 + 10_000);
    assert!(!s.agent.as_ref().unwrap().present);
}

#[test]
fn presence_and_call_length() {
    let mut s = session();
    assert!(!s.agent_present(), "no agent yet");
    s.set_agent_present(true, T0);
    assert!(!s.agent_present(), "presence needs an agent");
    assert_eq!(s.call_started_at, Some(T0));
    let mut s = with_agent(session());
    s.set_agent_present(true, T0 + 1_000);
    assert!(s.agent_present());
    s.set_agent_present(false, T0 + 2_000);
    assert!(!s.agent_present());
    s.set_agent_present(true, T0 + 3_000);
    assert_eq!(
        s.call_started_at,
        Some(T0 + 1_000),
        "the first join starts the call"
    );
    assert_eq!(s.call_secs(), None, "still live");
    s.end(EndReason::EndedByAgent, T0 + 1_000 + 252_900);
    assert_eq!(s.call_secs(), Some(252));
    let mut never = with_agent(session());
    never.end(EndReason::Expired, VALID);
    assert_eq!(never.call_secs(), None);
}

#[test]
fn seats_turn_over_and_a_held_seat_is_kept() {
    let mut one = session();
    assert_eq!(one.seat_for(None, 1), 1);
    assert_eq!(one.seat_for(None, 1), 1, "a new tab takes the one seat");
    assert_eq!(one.seat_for(Some(1), 1), 1);
    assert_eq!(one.seat_for(Some(2), 1), 1, "not a seat of this session");
    let mut two = session();
    assert_eq!(
        two.seat_for(Some(2), 2),
        1,
        "nothing handed out yet: no seat to keep"
    );
    assert_eq!(two.seat_for(None, 2), 2);
    assert_eq!(two.seat_for(None, 2), 1);
    assert_eq!(two.seat_for(Some(2), 2), 2);
    assert_eq!(two.seat_for(Some(0), 2), 2);
    assert_eq!(two.seats_given, 4);
    assert_eq!(session().seat_for(None, 0), 1, "zero seats means one");
}

#[test]
fn seat_identities() {
    assert_eq!(seat_identity(1), "customer-1");
    assert_eq!(seat_identity(12), "customer-12");
    assert_eq!(seat_identity(0), "customer-0");
    assert_eq!(seat_identity(u32::MAX), "customer-4294967295");
    assert!(is_customer_identity("customer-1"));
    assert!(is_customer_identity("customer-30"));
    for other in [
        "alice",
        "customer-",
        "customer-1a",
        "Customer-1",
        "customer-x",
        "",
    ] {
        assert!(!is_customer_identity(other), "{other}");
    }
}

#[test]
fn the_sweep_ends_what_the_agent_no_longer_holds() {
    let now = |status, held_by_agent| {
        Some(TaskNow {
            status,
            held_by_agent,
        })
    };
    assert_eq!(end_for_task(now("assigned", true)), None);
    assert_eq!(
        end_for_task(now("assigned", false)),
        Some(EndReason::Transferred)
    );
    assert_eq!(
        end_for_task(now("reserved", false)),
        Some(EndReason::Transferred)
    );
    assert_eq!(
        end_for_task(now("pending", false)),
        Some(EndReason::Transferred)
    );
    assert_eq!(
        end_for_task(now("wrapping", true)),
        Some(EndReason::WrappedUp)
    );
    assert_eq!(
        end_for_task(now("completed", true)),
        Some(EndReason::Completed)
    );
    assert_eq!(
        end_for_task(now("canceled", true)),
        Some(EndReason::Canceled)
    );
    assert_eq!(
        end_for_task(None),
        Some(EndReason::Completed),
        "deleted after completion"
    );
}

#[test]
fn the_document_shape() {
    let mut s = with_agent(session());
    s.room = Some("RM1".into());
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "task": "WT1", "room": "RM1", "codeValidUntil": VALID, "customerJoined": false,
            "agent": {"name": "Alice", "identity": "alice", "worker": "WK1", "present": false},
            "customerName": "Bob", "callStartedAt": null, "ended": null, "endedAt": null,
            "rating": null, "seatsGiven": 0
        })
    );
    let back: Session = serde_json::from_value(v).unwrap();
    assert_eq!(back, s);
    // What older or foreign writers leave out reads as absent.
    let minimal: Session =
        serde_json::from_value(serde_json::json!({"task": "WT2", "codeValidUntil": 5})).unwrap();
    assert_eq!(minimal, Session::new("WT2", 5, None));
    for reason in EndReason::ALL {
        let v = serde_json::to_value(reason).unwrap();
        assert_eq!(v.as_str(), Some(reason.as_str()));
    }
}
