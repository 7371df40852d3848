//! Authorization by assignment: an agent may act on a task only while their TaskRouter worker
//! holds a reservation for it in a status the action allows (TaskRouter's Reservations list,
//! filtered by the worker). An unknown task and someone else's task get the same answer.

use super::error::FnError;
use super::inputs::{with_token_check, FlexAgent};
use super::task_attrs::fetch_task;
use crate::app::AppState;
use crate::twilio::taskrouter::{
    Reservation, ReservationPage, ReservationQuery, ReservationStatus, VersionedTask,
};
use chat_to_video::sid::is_sid;

/// `generate-unique-code`, `agent-get-token`: the agent is working on the task.
pub const WORKING: &[ReservationStatus] = &[ReservationStatus::Accepted];
/// `update-video-state`: working on it or wrapping it up ("disconnected" lands during wrap-up).
pub const WORKING_OR_WRAPPING: &[ReservationStatus] =
    &[ReservationStatus::Accepted, ReservationStatus::Wrapping];
/// `complete-room`: it runs after wrap-up, so a completed reservation still counts.
pub const HELD_OR_DONE: &[ReservationStatus] = &[
    ReservationStatus::Accepted,
    ReservationStatus::Wrapping,
    ReservationStatus::Completed,
];

/// Ok when `agent`'s worker holds a reservation for `task_sid` in one of `allowed`; else
/// [`FnError::NotAssigned`].
pub async fn require_assignment(
    state: &AppState,
    agent: &FlexAgent,
    task_sid: &str,
    allowed: &[ReservationStatus],
) -> Result<(), FnError> {
    if !is_sid(task_sid, "WT") {
        return Err(FnError::NotAssigned);
    }
    // One status: let TaskRouter filter. Several: the worker's reservations for the task, which
    // are few; a page that does not settle it is followed by one query per status.
    let single = match allowed {
        [one] => Some(*one),
        _ => None,
    };
    let page = reservations(state, agent, task_sid, single).await?;
    if holds(&page.reservations, agent, task_sid, allowed) {
        return Ok(());
    }
    if page.has_more && single.is_none() {
        for status in allowed {
            let page = reservations(state, agent, task_sid, Some(*status)).await?;
            if holds(&page.reservations, agent, task_sid, allowed) {
                return Ok(());
            }
        }
    }
    Err(FnError::NotAssigned)
}

/// The task's reservations in `allowed` (one status: filtered by TaskRouter), whoever's they
/// are: read beside the caller's token check, before the worker is known. Settled by
/// [`require_held`].
pub async fn task_reservations(
    state: &AppState,
    task_sid: &str,
    allowed: &[ReservationStatus],
) -> Result<ReservationPage, FnError> {
    if !is_sid(task_sid, "WT") {
        return Err(FnError::NotAssigned);
    }
    let query = ReservationQuery {
        worker_sid: None,
        status: match allowed {
            [one] => Some(*one),
            _ => None,
        },
        page_size: None,
    };
    list(state, task_sid, &query).await
}

/// [`require_assignment`] from the page [`task_reservations`] read: the agent's worker holds
/// one of them. A page that does not show it but has more (a task offered to many workers) is
/// settled by asking for the agent's own reservations.
pub async fn require_held(
    state: &AppState,
    agent: &FlexAgent,
    task_sid: &str,
    allowed: &[ReservationStatus],
    page: Result<ReservationPage, FnError>,
) -> Result<(), FnError> {
    let page = page?;
    if holds(&page.reservations, agent, task_sid, allowed) {
        return Ok(());
    }
    if page.has_more {
        return require_assignment(state, agent, task_sid, allowed).await;
    }
    Err(FnError::NotAssigned)
}

async fn reservations(
    state: &AppState,
    agent: &FlexAgent,
    task_sid: &str,
    status: Option<ReservationStatus>,
) -> Result<ReservationPage, FnError> {
    let query = ReservationQuery {
        worker_sid: Some(&agent.worker_sid),
        status,
        page_size: None,
    };
    list(state, task_sid, &query).await
}

/// One page of the task's reservations; an unknown task is someone else's.
async fn list(
    state: &AppState,
    task_sid: &str,
    query: &ReservationQuery<'_>,
) -> Result<ReservationPage, FnError> {
    match state
        .twilio
        .list_task_reservations(&state.workspace_sid, task_sid, query)
        .await
    {
        Ok(page) => Ok(page),
        Err(e) if e.is_not_found() => Err(FnError::NotAssigned),
        Err(e) => Err(e.into()),
    }
}

/// The caller's agent and the task, in one wave: the task's reservations and the task are
/// read while IAM checks `token`; they are looked at only once it passed, and the task is
/// handed back only once the agent's worker is shown to hold it in one of `allowed`.
pub async fn held_task(
    state: &AppState,
    token: &str,
    task_sid: &str,
    allowed: &[ReservationStatus],
) -> Result<(FlexAgent, VersionedTask), FnError> {
    let (agent, (held, task)) = with_token_check(state, token, async {
        tokio::join!(
            task_reservations(state, task_sid, allowed),
            fetch_task(state, task_sid)
        )
    })
    .await?;
    require_held(state, &agent, task_sid, allowed, held).await?;
    Ok((agent, task?))
}

fn holds(
    found: &[Reservation],
    agent: &FlexAgent,
    task_sid: &str,
    allowed: &[ReservationStatus],
) -> bool {
    found.iter().any(|r| {
        r.worker_sid == agent.worker_sid
            && r.task_sid == task_sid
            && allowed.contains(&r.reservation_status)
    })
}
