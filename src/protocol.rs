//! The sandbox's WebSocket protocols, shared by the browser and `plugin-host`: room signaling
//! (`/sandbox/rooms/{RM}/signal`) and live documents (`/sandbox/documents/{ET}/live`).
//!
//! Every message is one JSON text frame, named by its one key (`{"offer": {"to": …, "sdp":
//! …}}`), or a bare string when it has no fields (`"leave"`). This externally tagged form
//! decodes without buffering, which keeps the browser build small. Credentials travel in the
//! first message, never in the URL. The server uses these types with `serde_json`; the
//! browser reads and writes the same shapes by hand (`web::video::wire`, tested against
//! serde_json) to keep serde's generic visitors out of the WebAssembly.

use serde::{Deserialize, Serialize};

/// Largest text frame either side accepts; larger ones are refused with an error.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

wire_enum! {
    /// Which kind of media a track carries.
    pub enum TrackKind {
        Audio = "audio",
        Video = "video",
    }
}

wire_enum! {
    /// The only track names a participant publishes.
    #[derive(PartialOrd, Ord)]
    pub enum TrackName {
        Camera = "camera",
        Microphone = "microphone",
        Screen = "screen",
    }
}

impl TrackName {
    pub const fn kind(self) -> TrackKind {
        match self {
            TrackName::Microphone => TrackKind::Audio,
            TrackName::Camera | TrackName::Screen => TrackKind::Video,
        }
    }
}

wire_enum! {
    /// What happened to a track.
    pub enum TrackChange {
        Published = "published",
        Unpublished = "unpublished",
        Enabled = "enabled",
        Disabled = "disabled",
    }
}

/// A published track as others see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackState {
    pub kind: TrackKind,
    pub name: TrackName,
    pub enabled: bool,
    /// The id of the media stream the track travels in (the SDP `msid`), so receivers can
    /// tell a camera from a screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
}

/// One ICE candidate, in the shape `RTCIceCandidateInit` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub candidate: String,
    #[serde(rename = "sdpMid", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    #[serde(
        rename = "sdpMLineIndex",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sdp_m_line_index: Option<u16>,
}

impl Candidate {
    /// The connection address of the candidate (`candidate:<foundation> <component>
    /// <transport> <priority> <address> <port> typ …`).
    pub fn address(&self) -> Option<&str> {
        let line = self.candidate.strip_prefix("a=").unwrap_or(&self.candidate);
        line.starts_with("candidate:")
            .then(|| line.split_ascii_whitespace().nth(4))
            .flatten()
    }

    /// Whether a loopback-only room may use it: only `127.0.0.1` candidates.
    pub fn is_loopback(&self) -> bool {
        self.address() == Some("127.0.0.1")
    }
}

/// A participant as others see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// `PA…`
    pub sid: String,
    pub identity: String,
    #[serde(default)]
    pub tracks: Vec<TrackState>,
}

/// Browser → server on the signaling socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientMessage {
    /// Must be the first message: the access token whose video grant names the room.
    Join {
        token: String,
    },
    Offer {
        to: String,
        sdp: String,
    },
    Answer {
        to: String,
        sdp: String,
    },
    Candidate {
        to: String,
        candidate: Candidate,
    },
    Track {
        change: TrackChange,
        kind: TrackKind,
        name: TrackName,
        /// With `published`: the media stream id the track is sent in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stream: Option<String>,
    },
    Leave,
}

/// Server → browser on the signaling socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMessage {
    /// Admitted. `participants` are the others already in the room.
    Joined {
        participant_sid: String,
        identity: String,
        room_sid: String,
        room_name: String,
        participants: Vec<Participant>,
    },
    ParticipantJoined {
        participant: Participant,
    },
    ParticipantLeft {
        sid: String,
    },
    Offer {
        from: String,
        sdp: String,
    },
    Answer {
        from: String,
        sdp: String,
    },
    Candidate {
        from: String,
        candidate: Candidate,
    },
    Track {
        from: String,
        change: TrackChange,
        kind: TrackKind,
        name: TrackName,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stream: Option<String>,
    },
    /// A message was refused; the connection stays up.
    Error {
        message: String,
    },
    /// The last message before the server closes the socket.
    Disconnected {
        reason: DisconnectReason,
        code: u32,
        message: String,
    },
}

wire_enum! {
    /// Why a participant left a room without choosing to.
    pub enum DisconnectReason {
        RoomCompleted = "room_completed",
        DuplicateIdentity = "duplicate_identity",
        TokenExpired = "token_expired",
        TokenInvalid = "token_invalid",
        RoomFull = "room_full",
        RoomNotFound = "room_not_found",
        Network = "network",
    }
}

impl DisconnectReason {
    /// The Twilio Video error code with the same meaning.
    pub const fn code(self) -> u32 {
        match self {
            DisconnectReason::RoomCompleted => 53118,
            DisconnectReason::DuplicateIdentity => 53205,
            DisconnectReason::TokenExpired => 20104,
            DisconnectReason::TokenInvalid => 20101,
            DisconnectReason::RoomFull => 53105,
            DisconnectReason::RoomNotFound => 53106,
            DisconnectReason::Network => 53001,
        }
    }

    /// Twilio's message for [`Self::code`].
    pub const fn message(self) -> &'static str {
        match self {
            DisconnectReason::RoomCompleted => "Room completed",
            DisconnectReason::DuplicateIdentity => {
                "Participant disconnected because of duplicate identity"
            }
            DisconnectReason::TokenExpired => "Access Token expired or expiration date invalid",
            DisconnectReason::TokenInvalid => "Invalid Access Token",
            DisconnectReason::RoomFull => "Room contains too many Participants",
            DisconnectReason::RoomNotFound => "Room not found",
            DisconnectReason::Network => "Signaling connection disconnected",
        }
    }

    /// Maps a Twilio Video error code back to a reason (twilio mode's SDK errors).
    pub fn from_code(code: u32) -> Option<DisconnectReason> {
        match code {
            // 53000..=53002: signaling errors; 53405: media connection failed.
            53000..=53002 | 53405 => Some(DisconnectReason::Network),
            20103 | 20105..=20107 => Some(DisconnectReason::TokenInvalid),
            _ => DisconnectReason::ALL.into_iter().find(|r| r.code() == code),
        }
    }

    pub fn to_message(self) -> ServerMessage {
        ServerMessage::Disconnected {
            reason: self,
            code: self.code(),
            message: self.message().to_owned(),
        }
    }
}

/// Browser → server on the live-document socket: the first and only message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveClientMessage {
    /// The sync token (a `data_sync` grant for the sync service).
    Subscribe { token: String },
}

/// Server → browser on the live-document socket. `D` is the document's data: the server
/// sends any JSON, the customer page reads a [`crate::session::Session`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveServerMessage<D> {
    /// The current data (first message) and every later revision.
    Document { revision: u64, data: D },
    /// The document was deleted or expired; the socket closes.
    Removed,
    /// The room behind the document was completed; the socket closes.
    Completed,
    /// Refused (bad token, no permission, malformed message); the socket closes.
    Error { reason: LiveError, message: String },
}

wire_enum! {
    /// Why a live-document subscription was refused.
    pub enum LiveError {
        TokenInvalid = "token_invalid",
        TokenExpired = "token_expired",
        Forbidden = "forbidden",
        NotFound = "not_found",
        BadMessage = "bad_message",
    }
}

#[cfg(test)]
mod tests {
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
}
