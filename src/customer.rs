//! The customer page's pure logic: reading the code from the link, what the wait shows for a
//! document state, what an answer of the customer endpoints means, and why a call ended.
//! The DOM side is `web::customer`.

use crate::api::CodeDocument;
use crate::protocol::DisconnectReason;

/// The `code` parameter of a query string (`?code=…&…`), if present and non-empty.
pub fn code_from_query(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "code")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// What the wait for the agent shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// "Waiting for agent to join..."
    ForAgent,
    /// The agent is in the room: Join.
    AgentConnected { room: String },
    /// The room was completed; the link is spent.
    Ended,
}

impl Wait {
    pub fn from_document(doc: &CodeDocument) -> Wait {
        match (&doc.room, doc.completed) {
            (_, true) => Wait::Ended,
            (Some(room), false) if !room.is_empty() => Wait::AgentConnected { room: room.clone() },
            _ => Wait::ForAgent,
        }
    }
}

/// What an answer of `client-get-sync-token` / `client-get-video-token` means for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeAnswer {
    Ok,
    /// 403: unknown or expired code.
    InvalidCode,
    /// 405: the agent has not connected yet.
    AgentNotConnected,
    /// Anything else: try again later.
    Unavailable,
}

impl CodeAnswer {
    pub fn from_status(status: u16) -> CodeAnswer {
        match status {
            200..=299 => CodeAnswer::Ok,
            403 => CodeAnswer::InvalidCode,
            405 => CodeAnswer::AgentNotConnected,
            _ => CodeAnswer::Unavailable,
        }
    }
}

/// What the post-call page (and a refused Join) tells the customer about an end they did not
/// choose. Each reason has its own sentence, saying what happened and what to do; they match
/// what the agent's tab says for the same reason (`room_state::service_text`).
pub fn end_reason_text(reason: DisconnectReason) -> &'static str {
    match reason {
        DisconnectReason::RoomCompleted => "The video call was ended by the agent.",
        DisconnectReason::DuplicateIdentity => {
            "You joined this call from another tab or device, so this one was disconnected."
        }
        DisconnectReason::TokenExpired => {
            "Your access to this call has expired. Reload the page to join again."
        }
        DisconnectReason::TokenInvalid => {
            "Your access to this call was not accepted. Reload the page to join again."
        }
        DisconnectReason::RoomFull => "This call is full.",
        DisconnectReason::RoomNotFound => "This call no longer exists.",
        DisconnectReason::Network => {
            "The connection to the call was lost. Check your internet connection, then reload the page to join again."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_from_the_query_string() {
        assert_eq!(code_from_query("?code=aB3dE5g"), Some("aB3dE5g".into()));
        assert_eq!(code_from_query("?x=1&code=abcd&y=2"), Some("abcd".into()));
        assert_eq!(code_from_query("?code="), None);
        assert_eq!(code_from_query(""), None);
        assert_eq!(code_from_query("?codes=abcd"), None);
    }

    #[test]
    fn the_wait_follows_the_document() {
        let doc = |room: Option<&str>, completed| CodeDocument {
            task: "WT1".into(),
            room: room.map(Into::into),
            completed,
        };
        assert_eq!(Wait::from_document(&doc(None, false)), Wait::ForAgent);
        assert_eq!(Wait::from_document(&doc(Some(""), false)), Wait::ForAgent);
        assert_eq!(
            Wait::from_document(&doc(Some("RM1"), false)),
            Wait::AgentConnected { room: "RM1".into() }
        );
        assert_eq!(Wait::from_document(&doc(Some("RM1"), true)), Wait::Ended);
    }

    #[test]
    fn answers_by_status() {
        assert_eq!(CodeAnswer::from_status(200), CodeAnswer::Ok);
        assert_eq!(CodeAnswer::from_status(403), CodeAnswer::InvalidCode);
        assert_eq!(CodeAnswer::from_status(405), CodeAnswer::AgentNotConnected);
        assert_eq!(CodeAnswer::from_status(500), CodeAnswer::Unavailable);
        assert_eq!(CodeAnswer::from_status(404), CodeAnswer::Unavailable);
    }

    #[test]
    fn every_end_reason_has_its_own_sentence() {
        let texts: Vec<&str> = DisconnectReason::ALL
            .into_iter()
            .map(end_reason_text)
            .collect();
        for (i, t) in texts.iter().enumerate() {
            assert!(t.ends_with('.'), "{t}");
            assert!(!texts[..i].contains(t), "duplicate: {t}");
        }
        assert_eq!(
            end_reason_text(DisconnectReason::RoomCompleted),
            "The video call was ended by the agent."
        );
        assert!(end_reason_text(DisconnectReason::DuplicateIdentity).contains("another tab"));
        assert!(end_reason_text(DisconnectReason::TokenExpired).contains("expired"));
        // Failures the customer can recover from say how.
        for r in [
            DisconnectReason::TokenExpired,
            DisconnectReason::TokenInvalid,
            DisconnectReason::Network,
        ] {
            let t = end_reason_text(r).to_ascii_lowercase();
            assert!(t.contains("reload the page to join again"), "{r:?}");
        }
        assert!(end_reason_text(DisconnectReason::Network).contains("connection"));
    }
}
