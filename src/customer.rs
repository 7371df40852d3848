//! The customer page's pure logic: reading and checking the code, what the wait shows for a
//! document state, what an answer of the customer endpoints means, and checking a rating.
//! The DOM side is `web::customer`.

use crate::api::CodeDocument;
use crate::code::{MAX_LEN, MIN_LEN};
use crate::protocol::DisconnectReason;

/// Longest comment the rating form sends.
pub const MAX_COMMENT_CHARS: usize = 1000;

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

/// Whether a code is worth asking the server about. The page cannot know the configured
/// length, so any 4 to 64 letters and digits pass; the server decides the rest.
pub fn plausible_code(code: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())
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

/// A rating the form may send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub stars: u8,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("Please choose a rating from 1 to 5.")]
    NoStars,
    #[error("Please keep the comment under 1000 characters.")]
    CommentTooLong,
}

impl Rating {
    /// From the form: the chosen value (if any) and the comment box.
    pub fn from_form(stars: Option<&str>, comment: &str) -> Result<Rating, RatingError> {
        let stars = stars
            .and_then(|s| s.parse::<u8>().ok())
            .filter(|s| (1..=5).contains(s))
            .ok_or(RatingError::NoStars)?;
        let comment = comment.trim();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(RatingError::CommentTooLong);
        }
        Ok(Rating {
            stars,
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
        })
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
    fn plausible_codes() {
        assert!(plausible_code("aB3dE5g"));
        assert!(plausible_code("abcd"));
        assert!(plausible_code(&"a".repeat(64)));
        assert!(!plausible_code("abc"));
        assert!(!plausible_code(&"a".repeat(65)));
        assert!(!plausible_code("abc-efg"));
        assert!(!plausible_code("<script>"));
        assert!(!plausible_code("abc%20"));
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

    #[test]
    fn ratings_from_the_form() {
        assert_eq!(
            Rating::from_form(Some("4"), "  great  "),
            Ok(Rating {
                stars: 4,
                comment: Some("great".into())
            })
        );
        assert_eq!(
            Rating::from_form(Some("5"), ""),
            Ok(Rating {
                stars: 5,
                comment: None
            })
        );
        assert_eq!(Rating::from_form(None, "x"), Err(RatingError::NoStars));
        assert_eq!(Rating::from_form(Some("0"), ""), Err(RatingError::NoStars));
        assert_eq!(Rating::from_form(Some("6"), ""), Err(RatingError::NoStars));
        assert_eq!(Rating::from_form(Some("x"), ""), Err(RatingError::NoStars));
        let long = "é".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            Rating::from_form(Some("3"), &long),
            Err(RatingError::CommentTooLong)
        );
        assert!(Rating::from_form(Some("3"), &"é".repeat(MAX_COMMENT_CHARS)).is_ok());
    }
}
