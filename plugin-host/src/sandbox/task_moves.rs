//! What TaskRouter does to an assigned task that no REST client asks for: its `Timeout` running
//! out (the task is canceled, whatever its status, with the reason TaskRouter gives) and a
//! transfer to another worker (the first worker's reservation is rescinded and the other worker
//! gets an accepted one). The sandbox API exposes both so the task can leave its agent the ways
//! it does in Flex.

use rusqlite::{params, Connection};

use super::error::SandboxError;
use super::reservations;
use super::tasks::{self, TaskRow};

/// TaskRouter's reason for a task whose time ran out.
pub const TIMEOUT_REASON: &str = "Task TTL Exceeded";

/// Cancels an assigned (or wrapping) task as its timeout would; its live reservations are
/// canceled too. `None`: no such task.
pub fn time_out(
    conn: &mut Connection,
    sid: &str,
    now: i64,
) -> Result<Option<TaskRow>, SandboxError> {
    let tx = conn.transaction()?;
    let Some(task) = tasks::fetch(&tx, sid)? else {
        return Ok(None);
    };
    if !matches!(
        task.assignment_status.as_str(),
        "assigned" | "wrapping" | "pending" | "reserved"
    ) {
        return Err(SandboxError::invalid(format!(
            "A {} task cannot time out",
            task.assignment_status
        )));
    }
    tx.prepare_cached(
        "UPDATE tasks SET assignment_status = 'canceled', reason = ?2, revision = revision + 1, \
         date_updated = ?3 WHERE sid = ?1",
    )?
    .execute(params![sid, TIMEOUT_REASON, now])?;
    reservations::follow_task(&tx, sid, "canceled", now)?;
    let task = tasks::fetch(&tx, sid)?;
    tx.commit()?;
    Ok(task)
}

/// Moves an assigned task to `worker_sid`: the current holder's reservation is rescinded, the
/// new worker's is accepted. `None`: no such task.
pub fn transfer(
    conn: &mut Connection,
    sid: &str,
    worker_sid: &str,
    now: i64,
) -> Result<Option<TaskRow>, SandboxError> {
    let tx = conn.transaction()?;
    let Some(task) = tasks::fetch(&tx, sid)? else {
        return Ok(None);
    };
    if task.assignment_status != "assigned" {
        return Err(SandboxError::invalid(format!(
            "Only an assigned task can be transferred, this one is {}",
            task.assignment_status
        )));
    }
    if task.worker_sid.as_deref() == Some(worker_sid) {
        return Err(SandboxError::invalid(
            "The task is already with that worker",
        ));
    }
    tx.prepare_cached(
        "UPDATE reservations SET status = 'rescinded', date_updated = ?2 \
         WHERE task_sid = ?1 AND status IN ('pending', 'accepted')",
    )?
    .execute(params![sid, now])?;
    tx.prepare_cached(
        "UPDATE tasks SET worker_sid = ?2, revision = revision + 1, date_updated = ?3 WHERE sid = ?1",
    )?
    .execute(params![sid, worker_sid, now])?;
    reservations::create(&tx, sid, worker_sid, "accepted", now)?;
    let task = tasks::fetch(&tx, sid)?;
    tx.commit()?;
    Ok(task)
}
