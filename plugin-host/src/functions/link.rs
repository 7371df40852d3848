//! `generate-unique-code` (Flex token, `taskSid`, optional `replace`): the customer's link for a
//! task. A task has at most one live session: while it has one, the same link comes back
//! (`resent: true`); `replace=true` retires it first (its open pages are told) and makes a new
//! one. A session whose link ran out before anyone joined ends as expired and a new one is made.

use axum::extract::State;
use axum::Json;
use chat_to_video::api::{param, Endpoint, GenerateCodeResponse, CUSTOMER_PAGE_PATH};
use chat_to_video::attributes::{customer_name, AttributePatch, VideoAttributes};
use chat_to_video::session::{Agent, EndReason, Refusal};

use super::assignment::{held_task, WORKING};
use super::error::FnError;
use super::inputs::{
    agent_display_name, check_flex_token, flex_token, identity_display_name, known_display_name,
    require,
};
use super::session_store::{self, draw_code, Change, Stored};
use super::task_attrs::{check_task_sid, merge_into_task};
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::params::Params;

pub async fn generate_unique_code(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<GenerateCodeResponse>, FnError> {
    let token = flex_token(&p)?;
    let (task_sid, replace) = match inputs(&p) {
        Ok(i) => i,
        Err(e) => {
            // The token is checked first, as it always was: a caller without one learns nothing.
            check_flex_token(&state, token).await?;
            return Err(e);
        }
    };
    // One wave (see `held_task`); nothing is written before the reservation is shown.
    let (agent, task) = held_task(&state, token, task_sid, WORKING).await?;

    let current = VideoAttributes::from_json(&task.task.attributes).sync_document;
    if let Some(live) = live_session(&state, task_sid, current.as_deref()).await? {
        if !replace {
            return Ok(Json(link(&state, &live, true)));
        }
        session_store::end(&state, live, EndReason::Replaced).await?;
    }

    // The session is created under the agent's name if it was read a moment ago, else under
    // their identity while their worker's name is read; then the name goes into the session
    // beside the task's update, when it differs.
    let who = Agent {
        name: known_display_name(&state, &agent).unwrap_or_else(|| identity_display_name(&agent)),
        identity: agent.identity.clone(),
        worker: agent.worker_sid.clone(),
        present: false,
    };
    let name = customer_name(&task.task.attributes);
    let (display, stored) = tokio::join!(
        agent_display_name(&state, &agent),
        session_store::create(&state, task_sid, name, who, || draw_code(&state))
    );
    let stored = stored?;
    let patch = AttributePatch {
        sync_document: Some(stored.sid.clone()),
        clear_ended: true,
        ..AttributePatch::default()
    };
    let (merged, stored) = tokio::join!(
        merge_into_task(&state, task_sid, &patch, Some(task)),
        name_agent(&state, stored, display)
    );
    merged?;
    Ok(Json(link(&state, &stored, false)))
}

/// `taskSid` and `replace`, or the 400 they get.
fn inputs(p: &Params) -> Result<(&str, bool), FnError> {
    let [task_sid] = require(
        p,
        Endpoint::GenerateUniqueCode,
        [(param::TASK_SID, "the task to escalate")],
    )?;
    check_task_sid(task_sid)?;
    let replace = match p.non_empty(param::REPLACE) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(FnError::BadRequest("replace must be true or false".into())),
    };
    Ok((task_sid, replace))
}

/// Puts the agent's display name into a new session, if it is not already there. The name is
/// what the customer's page shows; `agent-get-token` records it again when the agent joins, so
/// a failure here is logged, not the caller's error.
async fn name_agent(state: &AppState, stored: Stored, name: String) -> Stored {
    // `change` writes nothing when the name was already there.
    let written = session_store::change(state, stored.clone(), |s| match &mut s.agent {
        Some(a) => {
            a.name = name.clone();
            Change::Write((), None)
        }
        None => Change::Keep(()),
    })
    .await;
    match written {
        Ok(Some((s, ()))) => s,
        Ok(None) => stored,
        Err(e) => {
            tracing::warn!(document = %stored.sid, error = %e, "could not put the agent's name into the session");
            stored
        }
    }
}

/// The task's session named by its attributes, if it still admits someone. One whose link ran
/// out unused is ended here (its open pages are told) rather than left for the sweep.
async fn live_session(
    state: &AppState,
    task_sid: &str,
    document: Option<&str>,
) -> Result<Option<Stored>, FnError> {
    let Some(document) = document else {
        return Ok(None);
    };
    let Some(stored) = session_store::fetch(state, document).await? else {
        return Ok(None);
    };
    if stored.session.task != task_sid {
        return Ok(None);
    }
    match stored.session.admits(now_ms() as u64) {
        Ok(()) => Ok(Some(stored)),
        Err(Refusal::Expired) => {
            session_store::end(state, stored, EndReason::Expired).await?;
            Ok(None)
        }
        Err(Refusal::Ended(_)) => Ok(None),
    }
}

fn link(state: &AppState, stored: &Stored, resent: bool) -> GenerateCodeResponse {
    GenerateCodeResponse {
        full_url: format!(
            "{}{}?code={}",
            state.public_url, CUSTOMER_PAGE_PATH, stored.code
        ),
        unique_code: stored.code.clone(),
        valid_until: rfc3339_secs(stored.session.code_valid_until as i64),
        resent,
    }
}
