//! The hub without sockets: admission, replacement and the limit, occupancy changes, completed
//! rooms, slow members, relaying inside one room, and track state for late joiners.

use super::*;

type Rx = (mpsc::Receiver<ServerMessage>, Arc<Kick>);

fn mailbox() -> (Mailbox, Rx) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let kick = Arc::new(Kick::default());
    (
        Mailbox {
            tx,
            kick: kick.clone(),
        },
        (rx, kick),
    )
}

fn member(hub: &Hub, room: &str, id: &str, max: u32) -> (Admission, Rx) {
    let (mb, rx) = mailbox();
    (hub.join(room, id, max, mb).unwrap(), rx)
}

fn kicked(rx: &Rx) -> Option<DisconnectReason> {
    *rx.1.reason.lock().unwrap()
}

/// A hub and the occupancy changes it reported, as `+RM…` / `-RM…`.
fn recording_hub() -> (Hub, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let hub = Hub::new(Box::new(move |room, change| {
        let sign = if change == Occupancy::Occupied {
            '+'
        } else {
            '-'
        };
        log.lock().unwrap().push(format!("{sign}{room}"));
    }));
    (hub, seen)
}

fn hub() -> Hub {
    recording_hub().0
}

#[test]
fn admission_replacement_and_limit() {
    let hub = hub();
    let (a, mut a_rx) = member(&hub, "RM1", "alice", 2);
    assert!(a.others.is_empty());
    let (b, _b_rx) = member(&hub, "RM1", "bob", 2);
    assert_eq!(b.others[0].identity, "alice");
    assert!(matches!(
        a_rx.0.try_recv(),
        Ok(ServerMessage::ParticipantJoined { .. })
    ));
    assert_eq!(kicked(&a_rx), None);
    assert_eq!(
        hub.join("RM1", "carol", 2, mailbox().0).unwrap_err(),
        DisconnectReason::RoomFull
    );
    // Same identity as alice: allowed at the limit, and alice is told why she goes.
    let (a2, _a2_rx) = member(&hub, "RM1", "alice", 2);
    assert_eq!(a2.replaced.as_deref(), Some(a.participant_sid.as_str()));
    assert_eq!(kicked(&a_rx), Some(DisconnectReason::DuplicateIdentity));
    assert_eq!(hub.count("RM1"), 2);
}

#[test]
fn occupancy_changes_only_on_the_first_arrival_and_the_last_departure() {
    let (hub, seen) = recording_hub();
    let (a, _a_rx) = member(&hub, "RM1", "alice", 5);
    let (b, _b_rx) = member(&hub, "RM1", "bob", 5);
    // A replacement (same identity) keeps the room occupied.
    let (b2, _b2_rx) = member(&hub, "RM1", "bob", 5);
    assert_eq!(*seen.lock().unwrap(), ["+RM1"]);
    assert!(hub.leave("RM1", &a.participant_sid));
    assert!(!hub.leave("RM1", &b.participant_sid), "replaced already");
    assert_eq!(*seen.lock().unwrap(), ["+RM1"]);
    assert!(hub.leave("RM1", &b2.participant_sid));
    assert_eq!(*seen.lock().unwrap(), ["+RM1", "-RM1"]);
    let (_c, _c_rx) = member(&hub, "RM1", "carol", 5);
    assert_eq!(*seen.lock().unwrap(), ["+RM1", "-RM1", "+RM1"]);
    // Completing is not an occupancy change: the room is over.
    hub.complete("RM1");
    assert_eq!(*seen.lock().unwrap(), ["+RM1", "-RM1", "+RM1"]);
}

#[test]
fn completed_rooms_refuse_joins() {
    let hub = hub();
    let (_a, a_rx) = member(&hub, "RM1", "alice", 5);
    assert_eq!(hub.complete("RM1"), 1);
    assert_eq!(kicked(&a_rx), Some(DisconnectReason::RoomCompleted));
    assert_eq!(
        hub.join("RM1", "bob", 5, mailbox().0).unwrap_err(),
        DisconnectReason::RoomCompleted
    );
}

#[test]
fn a_full_queue_refuses_the_sender_and_keeps_the_receiver() {
    let hub = hub();
    let (a, a_rx) = member(&hub, "RM1", "alice", 5);
    let (b, _b_rx) = member(&hub, "RM1", "bob", 5);
    // a's queue holds "bob joined"; fill the rest with relayed answers.
    let answer = || ServerMessage::Answer {
        from: b.participant_sid.clone(),
        sdp: "v=0".into(),
    };
    for _ in 1..QUEUE {
        hub.relay("RM1", &a.participant_sid, answer()).unwrap();
    }
    assert_eq!(
        hub.relay("RM1", &a.participant_sid, answer()),
        Err(RelayError::Busy)
    );
    assert!(!hub.track(
        "RM1",
        &b.participant_sid,
        TrackChange::Published,
        TrackName::Camera,
        None
    ));
    assert_eq!(kicked(&a_rx), None, "the receiver keeps its connection");
    // The hub's own message to a queue still full: that member stopped reading.
    let (_c, _c_rx) = member(&hub, "RM1", "carol", 5);
    assert_eq!(kicked(&a_rx), Some(DisconnectReason::Network));
}

#[test]
fn relay_stays_inside_the_room() {
    let hub = hub();
    let (_a, _a_rx) = member(&hub, "RM1", "alice", 5);
    let (x, _x_rx) = member(&hub, "RM2", "mallory", 5);
    let msg = ServerMessage::Answer {
        from: "PAx".into(),
        sdp: "v=0".into(),
    };
    assert_eq!(
        hub.relay("RM1", &x.participant_sid, msg),
        Err(RelayError::UnknownTarget)
    );
}

#[test]
fn track_state_is_remembered_for_late_joiners() {
    let hub = hub();
    let (a, _a_rx) = member(&hub, "RM1", "alice", 5);
    hub.track(
        "RM1",
        &a.participant_sid,
        TrackChange::Published,
        TrackName::Microphone,
        Some("s".into()),
    );
    hub.track(
        "RM1",
        &a.participant_sid,
        TrackChange::Disabled,
        TrackName::Microphone,
        None,
    );
    let (b, _b_rx) = member(&hub, "RM1", "bob", 5);
    let tracks = &b.others[0].tracks;
    assert_eq!(tracks.len(), 1);
    assert!(!tracks[0].enabled);
    assert_eq!(tracks[0].stream.as_deref(), Some("s"));
    assert!(hub.leave("RM1", &a.participant_sid));
    assert!(!hub.leave("RM1", &a.participant_sid));
}
