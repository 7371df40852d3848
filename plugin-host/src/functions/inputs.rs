//! Inputs of the functions: required parameters and the Flex token.

use chat_to_video::api::{param, Endpoint};
use chat_to_video::attributes::display_name;

use super::error::FnError;
use crate::app::AppState;
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

/// Checks `Token` with IAM (Twilio's, or the sandbox's own). Missing or refused: 403 text/plain;
/// a valid token without a worker (a Flex user who handles no tasks): 403 [`FnError::NoWorker`].
pub async fn flex_agent(state: &AppState, p: &Params) -> Result<FlexAgent, FnError> {
    let token = p
        .non_empty(param::TOKEN)
        .ok_or_else(|| FnError::Unauthorized("Unauthorized: Token was not provided".into()))?;
    if token.len() > 8192 {
        return Err(FnError::Unauthorized(
            "Unauthorized: Token is malformed".into(),
        ));
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
    Ok(FlexAgent {
        identity,
        worker_sid,
    })
}

/// What the customer sees for the agent: the worker's `full_name` (Flex keeps it in the worker's
/// attributes), else the identity.
pub async fn agent_display_name(state: &AppState, agent: &FlexAgent) -> String {
    let full_name = match state
        .twilio
        .fetch_worker(&state.workspace_sid, &agent.worker_sid)
        .await
    {
        Ok(worker) => worker.full_name(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the worker's name; showing the identity");
            None
        }
    };
    full_name
        .as_deref()
        .and_then(display_name)
        .or_else(|| display_name(&agent.identity))
        .unwrap_or_else(|| agent.identity.clone())
}
