//! The sandbox socket messages on the wire: every message shape round-trips through serde_json,
//! malformed ones are refused, reasons map to Twilio's codes, and wire names match serde's.

use super::*;
use serde_json::{json, Value};

fn round_trip<T>(value: &T, wire: Value)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_value(value).unwrap(), wire);
    let back: T = serde_json::from_value(wire).unwrap();
    assert_eq!(&back, value);
}

#[test]
fn client_messages_round_trip() {
    round_trip(
        &ClientMessage::Join { token: "t".into() },
        json!({"join": {"token": "t"}}),
    );
    round_trip(
        &ClientMessage::Offer {
            to: "PA1".into(),
            sdp: "v=0".into(),
        },
        json!({"offer": {"to": "PA1", "sdp": "v=0"}}),
    );
    round_trip(
        &ClientMessage::Candidate {
            to: "PA1".into(),
            candidate: Candidate {
                candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            },
        },
        json!({"candidate": {"to": "PA1", "candidate": {
            "candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
            "sdpMid": "0", "sdpMLineIndex": 0}}}),
    );
    round_trip(
        &ClientMessage::Track {
            change: TrackChange::Disabled,
            kind: TrackKind::Audio,
            name: TrackName::Microphone,
            stream: None,
        },
        json!({"track": {"change": "disabled", "kind": "audio", "name": "microphone"}}),
    );
    round_trip(
        &ClientMessage::Track {
            change: TrackChange::Published,
            kind: TrackKind::Video,
            name: TrackName::Screen,
            stream: Some("s1".into()),
        },
        json!({"track": {"change": "published", "kind": "video", "name": "screen",
            "stream": "s1"}}),
    );
    round_trip(&ClientMessage::Leave, json!("leave"));
}

#[test]
fn server_messages_round_trip() {
    round_trip(
        &ServerMessage::Joined {
            participant_sid: "PA2".into(),
            identity: "agent".into(),
            room_sid: "RM1".into(),
            room_name: "abc".into(),
            participants: vec![Participant {
                sid: "PA1".into(),
                identity: "customer".into(),
                tracks: vec![TrackState {
                    kind: TrackKind::Video,
                    name: TrackName::Camera,
                    enabled: true,
                    stream: None,
                }],
            }],
        },
        json!({"joined": {"participant_sid": "PA2", "identity": "agent",
            "room_sid": "RM1", "room_name": "abc",
            "participants": [{"sid": "PA1", "identity": "customer",
                "tracks": [{"kind": "video", "name": "camera", "enabled": true}]}]}}),
    );
    round_trip(
        &ServerMessage::ParticipantLeft { sid: "PA1".into() },
        json!({"participant_left": {"sid": "PA1"}}),
    );
    round_trip(
        &DisconnectReason::DuplicateIdentity.to_message(),
        json!({"disconnected": {"reason": "duplicate_identity", "code": 53205,
            "message": "Participant disconnected because of duplicate identity"}}),
    );
}

#[test]
fn unknown_or_incomplete_messages_are_refused() {
    for bad in [
        json!("dance"),
        json!({"offer": {"to": "PA1"}}),
        json!({"track": {"change": "published", "kind": "video", "name": "hologram"}}),
        json!({"token": "t"}),
    ] {
        assert!(serde_json::from_value::<ClientMessage>(bad).is_err());
    }
}

#[test]
fn reasons_map_to_twilio_codes_and_back() {
    let codes: Vec<u32> = DisconnectReason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes, [53118, 53205, 20104, 20101, 53105, 53106, 53001]);
    for r in DisconnectReason::ALL {
        assert_eq!(DisconnectReason::from_code(r.code()), Some(r));
    }
    assert_eq!(
        DisconnectReason::from_code(53405),
        Some(DisconnectReason::Network)
    );
    assert_eq!(DisconnectReason::from_code(12345), None);
}

#[test]
fn candidate_addresses() {
    let c = |s: &str| Candidate {
        candidate: s.into(),
        sdp_mid: None,
        sdp_m_line_index: None,
    };
    let host = c("candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0");
    assert_eq!(host.address(), Some("127.0.0.1"));
    assert!(host.is_loopback());
    assert!(c("a=candidate:1 1 udp 1 127.0.0.1 5000 typ host").is_loopback());
    assert!(!c("candidate:1 1 udp 1 192.168.1.4 5000 typ host").is_loopback());
    assert!(!c("candidate:1 1 udp 1 abcd.local 5000 typ host").is_loopback());
    assert!(!c("").is_loopback());
    assert!(!c("candidate:1 1 udp").is_loopback());
    assert!(!c("nonsense 1 udp 1 127.0.0.1").is_loopback());
}

#[test]
fn wire_names_match_serde() {
    let json = |v: &dyn erased::Name| v.serde();
    for k in TrackKind::ALL {
        assert_eq!(json(&k), k.as_str());
        assert_eq!(TrackKind::from_wire(k.as_str()), Some(k));
    }
    for n in TrackName::ALL {
        assert_eq!(json(&n), n.as_str());
        assert_eq!(TrackName::from_wire(n.as_str()), Some(n));
    }
    for c in TrackChange::ALL {
        assert_eq!(json(&c), c.as_str());
        assert_eq!(TrackChange::from_wire(c.as_str()), Some(c));
    }
    for r in DisconnectReason::ALL {
        assert_eq!(json(&r), r.as_str());
        assert_eq!(DisconnectReason::from_wire(r.as_str()), Some(r));
    }
    for e in LiveError::ALL {
        assert_eq!(json(&e), e.as_str());
        assert_eq!(LiveError::from_wire(e.as_str()), Some(e));
    }
    assert_eq!(TrackName::from_wire("hologram"), None);
}

mod erased {
    pub trait Name {
        fn serde(&self) -> String;
    }
    impl<T: serde::Serialize> Name for T {
        fn serde(&self) -> String {
            serde_json::to_value(self)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        }
    }
}

#[test]
fn track_names_have_their_kind() {
    assert_eq!(TrackName::Microphone.kind(), TrackKind::Audio);
    assert_eq!(TrackName::Camera.kind(), TrackKind::Video);
    assert_eq!(TrackName::Screen.kind(), TrackKind::Video);
}

#[test]
fn live_messages_round_trip() {
    round_trip(
        &LiveClientMessage::Subscribe { token: "t".into() },
        json!({"subscribe": {"token": "t"}}),
    );
    round_trip(
        &LiveServerMessage::Document {
            revision: 3,
            data: json!({"task": "WT1", "room": "RM1"}),
        },
        json!({"document": {"revision": 3, "data": {"task": "WT1", "room": "RM1"}}}),
    );
    round_trip(&LiveServerMessage::<Value>::Removed, json!("removed"));
    round_trip(
        &LiveServerMessage::<Value>::Error {
            reason: LiveError::Forbidden,
            message: "no".into(),
        },
        json!({"error": {"reason": "forbidden", "message": "no"}}),
    );
}
