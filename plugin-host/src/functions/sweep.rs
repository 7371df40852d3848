//! The host ends sessions by itself, whether or not a browser is open: every
//! `SESSION_SWEEP_SECS` (30 s by default, at most 60) it looks at each live session and ends the
//! ones whose link ran out unused, whose room ended by itself (its empty or unused timeout), or
//! whose task no longer is with the agent (completed, deleted, canceled, wrapping, or assigned to
//! someone else). Every instance may sweep: ending is idempotent.

use std::time::Duration;

use chat_to_video::session::{end_for_task, EndReason, Refusal, TaskNow};

use super::error::FnError;
use super::session_store::{self, Stored};
use crate::app::AppState;
use crate::clock::now_ms;
use crate::twilio::taskrouter::{ReservationQuery, ReservationStatus};

/// Runs until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs_f64(state.settings.session.sweep_secs);
    tokio::spawn(async move {
        // The first pass one interval after start: nothing is due at once.
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match sweep_once(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(ended = n, "sweep ended sessions"),
                Err(e) => tracing::warn!(error = %e, "session sweep failed"),
            }
        }
    })
}

/// One pass; answers how many sessions it ended.
pub async fn sweep_once(state: &AppState) -> Result<usize, FnError> {
    let mut ended = 0;
    for stored in session_store::list(state).await? {
        if !stored.session.is_live() {
            continue;
        }
        let sid = stored.sid.clone();
        match why_over(state, &stored).await {
            Ok(Some(reason)) => {
                session_store::end(state, stored, reason).await?;
                ended += 1;
            }
            Ok(None) => {}
            // One session that cannot be read does not stop the others.
            Err(e) => tracing::warn!(document = %sid, error = %e, "could not check a session"),
        }
    }
    Ok(ended)
}

/// Why a live session must end now, if it must.
async fn why_over(state: &AppState, stored: &Stored) -> Result<Option<EndReason>, FnError> {
    let session = &stored.session;
    if let Err(Refusal::Expired) = session.admits(now_ms() as u64) {
        return Ok(Some(EndReason::Expired));
    }
    if let Some(room) = &session.room {
        match state.twilio.fetch_room(room).await {
            Ok(r) if r.is_in_progress() => {}
            Ok(_) => return Ok(Some(EndReason::TimedOut)),
            Err(e) if e.is_not_found() => return Ok(Some(EndReason::TimedOut)),
            Err(e) => return Err(e.into()),
        }
    }
    let task = match state
        .twilio
        .fetch_task(&state.workspace_sid, &session.task)
        .await
    {
        Ok(t) => Some(t.task),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let Some(task) = task else {
        return Ok(end_for_task(None));
    };
    let held_by_agent = match (&session.agent, task.assignment_status.as_str()) {
        (Some(agent), "assigned") => {
            let query = ReservationQuery {
                worker_sid: Some(&agent.worker),
                status: Some(ReservationStatus::Accepted),
                page_size: Some(1),
            };
            let page = state
                .twilio
                .list_task_reservations(&state.workspace_sid, &session.task, &query)
                .await?;
            !page.reservations.is_empty()
        }
        _ => false,
    };
    Ok(end_for_task(Some(TaskNow {
        status: &task.assignment_status,
        held_by_agent,
    })))
}
