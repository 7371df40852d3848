//! Who is calling: an agent (a sandbox Flex token) or a customer (a chat token issued when
//! the web chat started), and what each may reach. Customer tokens are random, stored only as
//! their SHA-256, and good for their own conversation only.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use super::store::{self, ConversationRow, Role};
use crate::sandbox::api_error::ApiError;
use crate::sandbox::sid::new_secret;
use crate::sandbox::Sandbox;

/// Customer tokens start with this, so they are told apart from Flex tokens without a lookup.
pub const CHAT_TOKEN_PREFIX: &str = "cht_";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Agent {
        identity: String,
    },
    Customer {
        identity: String,
        conversation_sid: String,
    },
}

impl Caller {
    pub fn identity(&self) -> &str {
        match self {
            Caller::Agent { identity } | Caller::Customer { identity, .. } => identity,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Caller::Agent { .. } => Role::Agent,
            Caller::Customer { .. } => Role::Customer,
        }
    }

    /// The agent of a chat, or the customer holding that chat's token.
    pub fn may_access(&self, conversation: &ConversationRow) -> bool {
        match self {
            Caller::Agent { identity } => *identity == conversation.agent,
            Caller::Customer {
                conversation_sid, ..
            } => *conversation_sid == conversation.sid,
        }
    }
}

/// A fresh customer token and the hash to store.
pub fn new_chat_token() -> (String, String) {
    let token = format!("{CHAT_TOKEN_PREFIX}{}", new_secret());
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    out
}

/// The token of `Authorization: Bearer <token>`.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("Missing Authorization: Bearer token".into()))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("Malformed Authorization header".into()))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::Unauthorized(
            "Authorization must be Bearer <token>".into(),
        )),
    }
}

/// Resolves a token to its caller.
pub async fn caller(sandbox: &Sandbox, token: &str) -> Result<Caller, ApiError> {
    if token.starts_with(CHAT_TOKEN_PREFIX) {
        let digest = hash(token);
        let found = sandbox
            .db()
            .call(move |c| Ok(store::chat_token(c, &digest)))
            .await??;
        return match found {
            Some((conversation_sid, identity)) => Ok(Caller::Customer {
                identity,
                conversation_sid,
            }),
            None => Err(ApiError::Unauthorized("Unknown chat token".into())),
        };
    }
    let claims = sandbox
        .flex_tokens()
        .verify(token)
        .map_err(|_| ApiError::Unauthorized("Invalid or expired agent token".into()))?;
    Ok(Caller::Agent {
        identity: claims.sub,
    })
}

/// The conversation, if it exists and `caller` may reach it.
pub async fn conversation_for(
    sandbox: &Sandbox,
    caller: &Caller,
    sid: &str,
) -> Result<ConversationRow, ApiError> {
    let key = sid.to_owned();
    let row = sandbox
        .db()
        .call(move |c| Ok(store::conversation(c, &key)))
        .await??
        .ok_or_else(|| ApiError::NotFound(format!("No conversation {sid}")))?;
    if caller.may_access(&row) {
        Ok(row)
    } else {
        Err(ApiError::Forbidden(
            "This token is not for this conversation".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_tokens_are_read_strictly() {
        let mut h = HeaderMap::new();
        assert!(matches!(bearer(&h), Err(ApiError::Unauthorized(_))));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&h).unwrap(), "abc");
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer(&h).unwrap(), "abc");
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer(&h).is_err());
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert!(bearer(&h).is_err());
    }

    #[test]
    fn chat_tokens_are_random_and_hashed() {
        let (t1, h1) = new_chat_token();
        let (t2, _) = new_chat_token();
        assert!(t1.starts_with(CHAT_TOKEN_PREFIX) && t1.len() == 4 + 64);
        assert_ne!(t1, t2);
        assert_eq!(h1, hash(&t1));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn callers_reach_their_own_conversations_only() {
        let conv = ConversationRow {
            sid: "CH1".into(),
            task_sid: "WT1".into(),
            agent: "alice".into(),
            customer: "Bob".into(),
        };
        assert!(Caller::Agent {
            identity: "alice".into()
        }
        .may_access(&conv));
        assert!(!Caller::Agent {
            identity: "mallory".into()
        }
        .may_access(&conv));
        assert!(Caller::Customer {
            identity: "Bob".into(),
            conversation_sid: "CH1".into()
        }
        .may_access(&conv));
        assert!(!Caller::Customer {
            identity: "Bob".into(),
            conversation_sid: "CH2".into()
        }
        .may_access(&conv));
    }
}
