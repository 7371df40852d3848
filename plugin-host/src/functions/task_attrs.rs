//! Read-merge-write of task attributes with `If-Match`, retried on 412 so concurrent writers
//! never lose each other's keys.

use std::time::Duration;

use chat_to_video::attributes::{merge, AttributePatch};
use rand::Rng as _;

use super::error::FnError;
use crate::app::AppState;
use crate::twilio::taskrouter::{TaskUpdate, VersionedTask};
use chat_to_video::sid::is_sid;

/// Enough for dozens of writers racing on one task.
const MAX_ATTEMPTS: u32 = 200;

/// A `WT…` sid, or 400.
pub fn check_task_sid(sid: &str) -> Result<(), FnError> {
    if is_sid(sid, "WT") {
        Ok(())
    } else {
        Err(FnError::BadRequest(format!(
            "taskSid must be WT followed by 32 hex digits, got {} characters",
            sid.len()
        )))
    }
}

/// The task and its version; an unknown task is 400.
pub async fn fetch_task(state: &AppState, task_sid: &str) -> Result<VersionedTask, FnError> {
    match state
        .twilio
        .fetch_task(&state.workspace_sid, task_sid)
        .await
    {
        Ok(t) => Ok(t),
        Err(e) if e.is_not_found() => Err(FnError::BadRequest("Unknown taskSid".into())),
        Err(e) => Err(e.into()),
    }
}

/// Merges `patch` into the task's attributes. `current` saves the first fetch when the caller
/// already has the task.
pub async fn merge_into_task(
    state: &AppState,
    task_sid: &str,
    patch: &AttributePatch,
    current: Option<VersionedTask>,
) -> Result<VersionedTask, FnError> {
    let edit =
        |attributes: &str| merge(attributes, patch).map_err(|e| FnError::Internal(e.to_string()));
    edit_task_attributes(state, task_sid, edit, current).await
}

/// Whether two attribute texts hold the same JSON (key order and spacing aside).
fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The longest random wait (ms) before attempt `attempt + 1` after the write of attempt
/// `attempt` met a newer version: none after the first two conflicts (a second writer is usual and
/// the retry wins at once), then up to 2 ms per attempt, at most 50, to spread the racers out a
/// little so one of them wins each round.
fn jitter_cap_ms(attempt: u32) -> Option<u32> {
    (attempt >= 2).then(|| (attempt * 2).min(50))
}

/// Rewrites the task's attributes with `edit` (given the current JSON text), sending the version
/// read in `If-Match` and starting over on 412. Attributes `edit` leaves as they were are not
/// written.
pub async fn edit_task_attributes(
    state: &AppState,
    task_sid: &str,
    edit: impl Fn(&str) -> Result<String, FnError>,
    mut current: Option<VersionedTask>,
) -> Result<VersionedTask, FnError> {
    for attempt in 0..MAX_ATTEMPTS {
        let vt = match current.take() {
            Some(t) => t,
            None => fetch_task(state, task_sid).await?,
        };
        let merged = edit(&vt.task.attributes)?;
        if same_json(&merged, &vt.task.attributes) {
            // Nothing would change (a repeated state, an end already recorded): no write.
            return Ok(vt);
        }
        let update = TaskUpdate {
            attributes: Some(&merged),
            ..TaskUpdate::default()
        };
        match state
            .twilio
            .update_task(&state.workspace_sid, task_sid, &update, vt.etag.as_deref())
            .await
        {
            Ok(t) => return Ok(t),
            Err(e) if e.is_precondition_failed() => {
                if let Some(cap) = jitter_cap_ms(attempt) {
                    let ms = rand::thread_rng().gen_range(0..=cap);
                    tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
                }
            }
            Err(e) if e.is_not_found() => {
                return Err(FnError::BadRequest("Unknown taskSid".into()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(FnError::Internal(
        "the task kept changing; attributes were not saved".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::{jitter_cap_ms, same_json};

    #[test]
    fn the_same_attributes_in_another_order_are_the_same() {
        assert!(same_json(r#"{"a":1,"b":[2]}"#, r#"{ "b": [2], "a": 1 }"#));
        assert!(!same_json(r#"{"a":1}"#, r#"{"a":2}"#));
        assert!(!same_json(r#"{"a":1}"#, "not json"), "unreadable: written");
    }

    #[test]
    fn racers_wait_only_from_the_third_conflict_and_never_more_than_50_ms() {
        assert_eq!(jitter_cap_ms(0), None);
        assert_eq!(jitter_cap_ms(1), None);
        assert_eq!(jitter_cap_ms(2), Some(4));
        assert_eq!(jitter_cap_ms(3), Some(6));
        assert_eq!(jitter_cap_ms(24), Some(48));
        assert_eq!(jitter_cap_ms(25), Some(50));
        assert_eq!(jitter_cap_ms(199), Some(50));
    }
}
