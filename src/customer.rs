//! The customer page's pure logic: reading the code from the link, what the wait shows for a
//! document state, what an answer of the customer endpoints means, and why a call ended.
//! The DOM side is `web::customer`.

use crate::protocol::DisconnectReason;
use crate::session::{EndReason, Session};

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

/// What the customer's page shows before the call, from the session document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// "Waiting for {agent} to join..." (the agent's name once the session knows it).
    ForAgent { agent: Option<String> },
    /// The agent is in the room: Join.
    AgentHere { agent: String },
    /// The session is over; the link is spent.
    Over(EndReason),
}

impl Wait {
    pub fn from_session(session: &Session) -> Wait {
        if let Some(reason) = session.ended {
            return Wait::Over(reason);
        }
        match &session.agent {
            Some(a) if a.present => Wait::AgentHere {
                agent: a.name.clone(),
            },
            agent => Wait::ForAgent {
                agent: agent.as_ref().map(|a| a.name.clone()),
            },
        }
    }
}

/// What an answer of the customer endpoints means for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeAnswer {
    Ok,
    /// 403 without a reason: a code that never was.
    InvalidCode,
    /// 403 with the session's reason: the session is over (or its link expired).
    Over(EndReason),
    /// 405: the agent is not in the room (yet, or any more).
    AgentNotConnected,
    /// 409: the session already has its rating.
    AlreadyRated,
    /// 429: too many invalid codes from here; try again after this many seconds.
    TooManyAttempts {
        retry_after_secs: u32,
    },
    /// Anything else: try again later.
    Unavailable,
}

impl CodeAnswer {
    /// From the status, the body's `reason` and `Retry-After`.
    pub fn from_answer(status: u16, reason: Option<&str>, retry_after: Option<u32>) -> CodeAnswer {
        match status {
            200..=299 => CodeAnswer::Ok,
            403 => match reason.and_then(EndReason::from_wire) {
                Some(r) => CodeAnswer::Over(r),
                None => CodeAnswer::InvalidCode,
            },
            405 => CodeAnswer::AgentNotConnected,
            409 => CodeAnswer::AlreadyRated,
            429 => CodeAnswer::TooManyAttempts {
                retry_after_secs: retry_after.unwrap_or(60).max(1),
            },
            _ => CodeAnswer::Unavailable,
        }
    }
}

/// What the page says when the session is over, for each reason: what happened, and what to do.
pub const fn over_text(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Replaced => {
            "This link was replaced by a newer one. Use the latest link in the chat."
        }
        EndReason::Expired => "This link has expired. Please ask the agent for a new link.",
        EndReason::EndedByAgent => "The video call was ended by the agent.",
        EndReason::TimedOut => "This video call has ended because nobody was in it.",
        EndReason::WrappedUp
        | EndReason::Completed
        | EndReason::Canceled
        | EndReason::Transferred => "This video call has ended.",
    }
}

/// What the post-call page (and a refused Join) tells the customer about an end they did not
/// choose. Each reason has its own sentence, saying what happened and what to do; they match
/// what the agent's tab says for the same reason (`room_state::service_text`).
pub const fn end_reason_text(reason: DisconnectReason) -> &'static str {
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
    fn the_wait_follows_the_session() {
        let mut s = Session::new("WT1", 5, Some("Bob".into()));
        assert_eq!(Wait::from_session(&s), Wait::ForAgent { agent: None });
        s.agent = Some(crate::session::Agent {
            name: "Alice".into(),
            identity: "alice".into(),
            worker: "WK1".into(),
            present: false,
        });
        assert_eq!(
            Wait::from_session(&s),
            Wait::ForAgent {
                agent: Some("Alice".into())
            }
        );
        s.set_agent_present(true, 10);
        assert_eq!(
            Wait::from_session(&s),
            Wait::AgentHere {
                agent: "Alice".into()
            }
        );
        s.set_agent_present(false, 20);
        assert!(matches!(Wait::from_session(&s), Wait::ForAgent { .. }));
        s.end(EndReason::Replaced, 30);
        assert_eq!(Wait::from_session(&s), Wait::Over(EndReason::Replaced));
    }

    #[test]
    fn answers_by_status_reason_and_retry_after() {
        assert_eq!(CodeAnswer::from_answer(200, None, None), CodeAnswer::Ok);
        assert_eq!(
            CodeAnswer::from_answer(403, None, None),
            CodeAnswer::InvalidCode
        );
        assert_eq!(
            CodeAnswer::from_answer(403, Some("replaced"), None),
            CodeAnswer::Over(EndReason::Replaced)
        );
        assert_eq!(
            CodeAnswer::from_answer(403, Some("nonsense"), None),
            CodeAnswer::InvalidCode
        );
        assert_eq!(
            CodeAnswer::from_answer(405, None, None),
            CodeAnswer::AgentNotConnected
        );
        assert_eq!(
            CodeAnswer::from_answer(409, None, None),
            CodeAnswer::AlreadyRated
        );
        assert_eq!(
            CodeAnswer::from_answer(429, None, Some(7)),
            CodeAnswer::TooManyAttempts {
                retry_after_secs: 7
            }
        );
        assert_eq!(
            CodeAnswer::from_answer(429, None, Some(0)),
            CodeAnswer::TooManyAttempts {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            CodeAnswer::from_answer(429, None, None),
            CodeAnswer::TooManyAttempts {
                retry_after_secs: 60
            }
        );
        assert_eq!(
            CodeAnswer::from_answer(500, None, None),
            CodeAnswer::Unavailable
        );
        assert_eq!(
            CodeAnswer::from_answer(404, None, None),
            CodeAnswer::Unavailable
        );
    }

    #[test]
    fn what_the_page_says() {
        assert_eq!(
            over_text(EndReason::Replaced),
            "This link was replaced by a newer one. Use the latest link in the chat."
        );
        assert!(over_text(EndReason::Expired).contains("new link"));
        for r in EndReason::ALL {
            assert!(over_text(r).ends_with('.'), "{r:?}");
        }
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
