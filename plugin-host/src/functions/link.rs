//! `generate-unique-code` (Flex token, `taskSid`, optional `replace`): the customer's link for a
//! task. A task has at most one live session: while it has one, the same link comes back
//! (`resent: true`); `replace=true` retires it first (its open pages are told) and makes a new
//! one. A session whose link ran out before anyone joined ends as expired and a new one is made.

use axum::extract::State;
use axum::Json;
use chat_to_video::api::{param, Endpoint, GenerateCodeResponse, CUSTOMER_PAGE_PATH};
use chat_to_video::attributes::{customer_name, AttributePatch, VideoAttributes};
use chat_to_video::session::{Agent, EndReason, Refusal};

use super::assignment::{require_assignment, WORKING};
use super::error::FnError;
use super::inputs::{agent_display_name, flex_agent, require};
use super::session_store::{self, draw_code, Stored};
use super::task_attrs::{check_task_sid, fetch_task, merge_into_task};
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::params::Params;

pub async fn generate_unique_code(
    State(state): State<AppState>,
    p: Params,
) -> Result<Json<GenerateCodeResponse>, FnError> {
    let agent = flex_agent(&state, &p).await?;
    let [task_sid] = require(
        &p,
        Endpoint::GenerateUniqueCode,
        [(param::TASK_SID, "the task to escalate")],
    )?;
    check_task_sid(task_sid)?;
    let replace = match p.non_empty(param::REPLACE) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(FnError::BadRequest("replace must be true or false".into())),
    };
    // The task is read while the assignment is checked; it is used only if the check passes.
    let (held, task) = tokio::join!(
        require_assignment(&state, &agent, task_sid, WORKING),
        fetch_task(&state, task_sid)
    );
    held?;
    let task = task?;

    let current = VideoAttributes::from_json(&task.task.attributes).sync_document;
    if let Some(live) = live_session(&state, task_sid, current.as_deref()).await? {
        if !replace {
            return Ok(Json(link(&state, &live, true)));
        }
        session_store::end(&state, live, EndReason::Replaced).await?;
    }

    let name = customer_name(&task.task.attributes);
    let who = Agent {
        name: agent_display_name(&state, &agent).await,
        identity: agent.identity.clone(),
        worker: agent.worker_sid.clone(),
        present: false,
    };
    let stored = session_store::create(&state, task_sid, name, who, || draw_code(&state)).await?;
    let patch = AttributePatch {
        sync_document: Some(stored.sid.clone()),
        clear_ended: true,
        ..AttributePatch::default()
    };
    merge_into_task(&state, task_sid, &patch, Some(task)).await?;
    Ok(Json(link(&state, &stored, false)))
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
