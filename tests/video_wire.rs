//! The browser's hand-written wire code against serde_json, which the server uses: client
//! messages it builds read back as sent, and server messages serde writes read as written
//! (`wasm-pack test --node`).
#![cfg(target_arch = "wasm32")]

use chat_to_video::api::IceServer;
use chat_to_video::protocol::{
    Candidate, ClientMessage, DisconnectReason, LiveClientMessage, LiveError, LiveServerMessage,
    Participant, ServerMessage, TrackChange, TrackKind, TrackName, TrackState,
};
use chat_to_video::session::{Agent, EndReason, Session};
use chat_to_video::web::video::wire;
use wasm_bindgen_test::*;

fn client_messages() -> Vec<ClientMessage> {
    let mut all = vec![
        ClientMessage::Join {
            token: "eyJ.a\"b\\c".into(),
        },
        ClientMessage::Offer {
            to: "PA1".into(),
            sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n".into(),
        },
        ClientMessage::Answer {
            to: "PA2".into(),
            sdp: "v=0\r\n".into(),
        },
        ClientMessage::Candidate {
            to: "PA1".into(),
            candidate: Candidate {
                candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            },
        },
        ClientMessage::Candidate {
            to: "PA1".into(),
            candidate: Candidate {
                candidate: "candidate:2 1 udp 1 127.0.0.1 50001 typ host".into(),
                sdp_mid: None,
                sdp_m_line_index: None,
            },
        },
        ClientMessage::Leave,
    ];
    for change in [
        TrackChange::Published,
        TrackChange::Unpublished,
        TrackChange::Enabled,
        TrackChange::Disabled,
    ] {
        for name in [TrackName::Camera, TrackName::Microphone, TrackName::Screen] {
            all.push(ClientMessage::Track {
                change,
                kind: name.kind(),
                name,
                stream: (change == TrackChange::Published).then(|| "stream-1".into()),
            });
        }
    }
    all
}

#[wasm_bindgen_test]
fn every_client_message_reads_back_as_sent() {
    for message in client_messages() {
        let text = wire::client(&message).expect("encodes");
        let back: ClientMessage = serde_json::from_str(&text).expect(&text);
        assert_eq!(back, message, "{text}");
        assert_eq!(text, serde_json::to_string(&message).unwrap());
    }
}

#[wasm_bindgen_test]
fn live_subscribe_reads_back() {
    let message = LiveClientMessage::Subscribe {
        token: "tok\"en".into(),
    };
    let text = wire::live(&message).expect("encodes");
    assert_eq!(
        serde_json::from_str::<LiveClientMessage>(&text).unwrap(),
        message
    );
}

#[wasm_bindgen_test]
fn ice_servers_have_the_rtc_shape() {
    let servers = [
        IceServer {
            urls: vec!["stun:127.0.0.1:3478".into()],
            username: None,
            credential: None,
        },
        IceServer {
            urls: vec!["turn:a".into(), "turn:b".into()],
            username: Some("u".into()),
            credential: Some("p".into()),
        },
    ];
    let array = wire::ice_servers(&servers);
    let text = js_sys::JSON::stringify(&array)
        .unwrap()
        .as_string()
        .unwrap();
    let back: Vec<IceServer> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, servers);
    assert_eq!(
        text,
        r#"[{"urls":["stun:127.0.0.1:3478"]},{"urls":["turn:a","turn:b"],"username":"u","credential":"p"}]"#
    );
}

fn server_messages() -> Vec<ServerMessage> {
    let tracks = vec![
        TrackState {
            kind: TrackKind::Audio,
            name: TrackName::Microphone,
            enabled: false,
            stream: Some("s1".into()),
        },
        TrackState {
            kind: TrackKind::Video,
            name: TrackName::Screen,
            enabled: true,
            stream: None,
        },
    ];
    let mut all = vec![
        ServerMessage::Joined {
            participant_sid: "PA2".into(),
            identity: "agent <b>".into(),
            room_sid: "RM1".into(),
            room_name: "abc".into(),
            participants: vec![
                Participant {
                    sid: "PA1".into(),
                    identity: "customer".into(),
                    tracks: tracks.clone(),
                },
                Participant {
                    sid: "PA3".into(),
                    identity: "x".into(),
                    tracks: vec![],
                },
            ],
        },
        ServerMessage::ParticipantJoined {
            participant: Participant {
                sid: "PA4".into(),
                identity: "y".into(),
                tracks,
            },
        },
        ServerMessage::ParticipantLeft { sid: "PA4".into() },
        ServerMessage::Offer {
            from: "PA1".into(),
            sdp: "v=0\r\n".into(),
        },
        ServerMessage::Answer {
            from: "PA1".into(),
            sdp: "v=0\r\n".into(),
        },
        ServerMessage::Candidate {
            from: "PA1".into(),
            candidate: Candidate {
                candidate: "candidate:1 1 udp 1 127.0.0.1 5 typ host".into(),
                sdp_mid: Some("1".into()),
                sdp_m_line_index: Some(1),
            },
        },
        ServerMessage::Candidate {
            from: "PA1".into(),
            candidate: Candidate {
                candidate: "candidate:1 1 udp 1 127.0.0.1 5 typ host".into(),
                sdp_mid: None,
                sdp_m_line_index: None,
            },
        },
        ServerMessage::Error {
            message: "no participant with that sid in this room".into(),
        },
    ];
    for change in TrackChange::ALL {
        for name in TrackName::ALL {
            all.push(ServerMessage::Track {
                from: "PA1".into(),
                change,
                kind: name.kind(),
                name,
                stream: (change == TrackChange::Published).then(|| "s".into()),
            });
        }
    }
    all.extend(DisconnectReason::ALL.map(DisconnectReason::to_message));
    all
}

#[wasm_bindgen_test]
fn every_server_message_reads_as_serde_wrote_it() {
    for message in server_messages() {
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(wire::server(&text), Some(message), "{text}");
    }
}

#[wasm_bindgen_test]
fn malformed_server_messages_are_refused() {
    for text in [
        "",
        "{",
        "42",
        "\"dance\"",
        r#"{"offer":{"from":"PA1"}}"#,
        r#"{"offer":{"from":"PA1","sdp":5}}"#,
        r#"{"track":{"from":"PA1","change":"published","kind":"video","name":"hologram"}}"#,
        r#"{"offer":{"from":"a","sdp":"b"},"answer":{"from":"a","sdp":"b"}}"#,
        r#"{"disconnected":{"reason":"bored","code":1,"message":"m"}}"#,
        r#"{"disconnected":{"reason":"network","code":-1,"message":"m"}}"#,
        r#"{"candidate":{"from":"a","candidate":{"candidate":"c","sdpMLineIndex":70000}}}"#,
    ] {
        assert_eq!(wire::server(text), None, "{text}");
    }
}

#[wasm_bindgen_test]
fn live_messages_read_as_serde_wrote_them() {
    let messages = vec![
        LiveServerMessage::Document {
            revision: 7,
            data: Session {
                room: Some("RM1".into()),
                agent: Some(Agent {
                    name: "Alice <b>".into(),
                    identity: "alice".into(),
                    worker: "WK1".into(),
                    present: true,
                }),
                call_started_at: Some(1_700_000_000_000),
                ..Session::new("WT1", 1_700_000_060_000, Some("Bob".into()))
            },
        },
        LiveServerMessage::Document {
            revision: 0,
            data: Session {
                ended: Some(EndReason::Replaced),
                ended_at: Some(9),
                ..Session::new("WT1", 5, None)
            },
        },
        LiveServerMessage::Removed,
        LiveServerMessage::Completed,
    ];
    for message in messages {
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(wire::live_server(&text), Some(message), "{text}");
    }
    for reason in LiveError::ALL {
        let message = LiveServerMessage::<Session>::Error {
            reason,
            message: "m".into(),
        };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(wire::live_server(&text), Some(message), "{text}");
    }
    assert_eq!(wire::live_server(r#"{"document":{"revision":1}}"#), None);
}
