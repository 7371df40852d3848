//! Inputs of the functions: required parameters and the Flex token.

use std::future::Future;

use chat_to_video::api::{param, Endpoint};
use chat_to_video::attributes::display_name;

use super::error::FnError;
use super::token_cache;
use crate::app::AppState;
use crate::clock::{now_ms, parse_rfc3339_ms};
use crate::params::Params;
use crate::twilio::TwilioError;
use chat_to_video::sid::is_sid;

/// Values of the required keys, or one 400 naming every missing one.
pub fn require<'p, const N: usize>(
    p: &'p Params,
    endpoint: Endpoint,
    keys: [(&'static str, &'static str); N],
) -> Result<[&'p str; N], FnError> {
    let missing: Vec<_> = keys
        .iter()
        .filter(|(k, _)| p.non_empty(k).is_none())
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(FnError::Missing {
            endpoint: endpoint.name(),
            keys: missing,
        });
    }
    Ok(keys.map(|(k, _)| p.non_empty(k).unwrap_or_default()))
}

/// Who a valid Flex token belongs to.
#[derive(Debug, Clone)]
pub struct FlexAgent {
    pub identity: String,
    /// The agent's TaskRouter worker (`WK…`).
    pub worker_sid: String,
}

/// Checks `Token` with IAM (Twilio's, or the sandbox's own), or finds it among the tokens IAM
/// accepted a moment ago ([`super::token_cache`]). Missing or refused: 403 text/plain; a valid
/// token without a worker (a Flex user who handles no tasks): 403 [`FnError::NoWorker`].
pub async fn flex_agent(state: &AppState, p: &Params) -> Result<FlexAgent, FnError> {
    check_flex_token(state, flex_token(p)?).await
}

/// The `Token` parameter, or the 403 a missing or oversized one gets.
pub fn flex_token(p: &Params) -> Result<&str, FnError> {
    let token = p
        .non_empty(param::TOKEN)
        .ok_or_else(|| FnError::Unauthorized("Unauthorized: Token was not provided".into()))?;
    if token.len() > 8192 {
        return Err(FnError::Unauthorized(
            "Unauthorized: Token is malformed".into(),
        ));
    }
    Ok(token)
}

/// Whether `token` has the shape of a Flex token (a JWT's three or a JWE's five base64url
/// parts): only then do the functions read Twilio for the caller while IAM checks it.
pub fn looks_like_flex_token(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    matches!(parts.len(), 3 | 5)
        && parts.iter().enumerate().all(|(i, part)| {
            // A JWE's second part (the encrypted key) is empty with direct encryption.
            (!part.is_empty() || (parts.len() == 5 && i == 1))
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Checks `token` and runs `reads` beside the check, when the token has a Flex token's shape
/// (else after it): the reads' results are handed back only once the token passed, so a refused
/// token gets the same answer as before, as soon as IAM refuses it. `reads` must only read.
pub async fn with_token_check<T>(
    state: &AppState,
    token: &str,
    reads: impl Future<Output = T>,
) -> Result<(FlexAgent, T), FnError> {
    if !looks_like_flex_token(token) {
        let agent = check_flex_token(state, token).await?;
        return Ok((agent, reads.await));
    }
    let reads = async { Ok::<T, FnError>(reads.await) };
    tokio::try_join!(check_flex_token(state, token), reads)
}

/// [`flex_agent`] for a token already read.
pub async fn check_flex_token(state: &AppState, token: &str) -> Result<FlexAgent, FnError> {
    let key = token_cache::key(token);
    if let Some(agent) = state.token_cache.get(&key, now_ms()) {
        return Ok(agent);
    }
    let result = match state.twilio.validate_flex_token(token).await {
        Ok(r) => r,
        // An answer that is not IAM's shape: IAM is not working, not a refusal of this caller.
        Err(e @ TwilioError::Decode(_)) => return Err(FnError::Unavailable(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    if !result.valid {
        let msg = result.message.unwrap_or_else(|| "Invalid token".into());
        return Err(FnError::Unauthorized(format!("Unauthorized: {msg}")));
    }
    let identity = result
        .identity
        .or(result.realm_user_id)
        .filter(|i| !i.is_empty())
        .ok_or_else(|| FnError::Unauthorized("Unauthorized: token has no identity".into()))?;
    let worker_sid = result
        .worker_sid
        .filter(|w| is_sid(w, "WK"))
        .ok_or(FnError::NoWorker)?;
    let agent = FlexAgent {
        identity,
        worker_sid,
    };
    // Kept no longer than the token lives: its own `exp` and IAM's `expiration`, the earlier.
    let expires = token_cache::earliest(
        token_cache::jwt_exp_ms(token),
        result.expiration.as_deref().and_then(parse_rfc3339_ms),
    );
    state
        .token_cache
        .insert(key, agent.clone(), expires, now_ms());
    Ok(agent)
}

/// What the customer sees for the agent until their worker's name is read: the identity.
pub fn identity_display_name(agent: &FlexAgent) -> String {
    display_name(&agent.identity).unwrap_or_else(|| agent.identity.clone())
}

/// What the customer sees for the agent: the worker's `full_name` (Flex keeps it in the worker's
/// attributes), else the identity. A name read a moment ago ([`super::worker_names`]) is used
/// without reading the worker again.
pub async fn agent_display_name(state: &AppState, agent: &FlexAgent) -> String {
    if let Some(name) = known_display_name(state, agent) {
        return name;
    }
    match state
        .twilio
        .fetch_worker(&state.workspace_sid, &agent.worker_sid)
        .await
    {
        Ok(worker) => {
            let name = worker
                .full_name()
                .as_deref()
                .and_then(display_name)
                .unwrap_or_else(|| identity_display_name(agent));
            state
                .worker_names
                .insert(&agent.worker_sid, &name, now_ms());
            name
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not read the worker's name; showing the identity");
            identity_display_name(agent)
        }
    }
}

/// The agent's name as their worker gave it a moment ago, if it did.
pub fn known_display_name(state: &AppState, agent: &FlexAgent) -> Option<String> {
    state.worker_names.get(&agent.worker_sid, now_ms())
}

#[cfg(test)]
mod tests {
    use super::looks_like_flex_token;

    #[test]
    fn a_flex_token_has_a_jwt_or_jwe_shape() {
        assert!(looks_like_flex_token("eyJh.eyJz.c2ln"));
        assert!(
            looks_like_flex_token("eyJh..aXY.Y2lw.dGFn"),
            "a JWE, direct"
        );
        assert!(looks_like_flex_token("eyJh.a2V5.aXY.Y2lw.dGFn"));
        assert!(!looks_like_flex_token("garbage"));
        assert!(!looks_like_flex_token("a.b"));
        assert!(!looks_like_flex_token("a..c"), "an empty JWT part");
        assert!(!looks_like_flex_token("a.b.c d"), "not base64url");
        assert!(!looks_like_flex_token("a.b.c.d"));
    }
}
