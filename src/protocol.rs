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
mod tests;
