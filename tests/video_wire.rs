//! The browser's hand-built client messages read back by serde_json as the server reads them
//! (`wasm-pack test --node`).
#![cfg(target_arch = "wasm32")]

use chat_to_video::api::IceServer;
use chat_to_video::protocol::{
    Candidate, ClientMessage, LiveClientMessage, TrackChange, TrackName,
};
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
