//! TaskRouter reservations in the sandbox: one per assignment of a task to a worker, `accepted`
//! while the task is assigned, then following the task to `wrapping` and `completed`.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::error::SandboxError;
use super::sid::new_sid;
use super::tasks::WorkspaceSids;
use crate::clock::rfc3339_secs;

/// Every `reservation_status` TaskRouter knows (`task_reservation_enum_status`).
pub const STATUSES: [&str; 8] = [
    "pending",
    "accepted",
    "rejected",
    "timeout",
    "canceled",
    "rescinded",
    "wrapping",
    "completed",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRow {
    pub sid: String,
    pub task_sid: String,
    pub worker_sid: String,
    /// The worker's friendly name: the agent's identity.
    pub worker_name: String,
    pub status: String,
    pub date_created: i64,
    pub date_updated: i64,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<ReservationRow> {
    Ok(ReservationRow {
        sid: r.get(0)?,
        task_sid: r.get(1)?,
        worker_sid: r.get(2)?,
        worker_name: r.get(3)?,
        status: r.get(4)?,
        date_created: r.get(5)?,
        date_updated: r.get(6)?,
    })
}

/// The reservation status that goes with a task's assignment status (`None`: no change).
pub fn status_for_task(assignment_status: &str) -> Option<&'static str> {
    match assignment_status {
        "assigned" => Some("accepted"),
        "wrapping" => Some("wrapping"),
        "completed" => Some("completed"),
        "canceled" => Some("canceled"),
        _ => None,
    }
}

/// A reservation of `task_sid` for `worker_sid`; answers its `WR…` sid.
pub fn create(
    conn: &Connection,
    task_sid: &str,
    worker_sid: &str,
    status: &str,
    now: i64,
) -> Result<String, SandboxError> {
    let sid = new_sid("WR");
    conn.prepare_cached(
        "INSERT INTO reservations (sid, task_sid, worker_sid, status, date_created, date_updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![sid, task_sid, worker_sid, status, now])?;
    Ok(sid)
}

/// Moves the task's live reservations (pending, accepted, wrapping) along with its new
/// assignment status.
pub fn follow_task(
    conn: &Connection,
    task_sid: &str,
    assignment_status: &str,
    now: i64,
) -> Result<(), SandboxError> {
    let Some(status) = status_for_task(assignment_status) else {
        return Ok(());
    };
    conn.prepare_cached(
        "UPDATE reservations SET status = ?2, date_updated = ?3 \
         WHERE task_sid = ?1 AND status IN ('pending', 'accepted', 'wrapping') AND status <> ?2",
    )?
    .execute(params![task_sid, status, now])?;
    Ok(())
}

/// Which of a task's reservations to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub worker_sid: Option<String>,
    pub status: Option<String>,
}

/// One page of the task's reservations matching `filter`, oldest first.
pub fn list(
    conn: &Connection,
    task_sid: &str,
    filter: &Filter,
    page_size: u32,
    page: u32,
) -> Result<Vec<ReservationRow>, SandboxError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.sid, r.task_sid, r.worker_sid, w.identity, r.status, r.date_created, r.date_updated \
         FROM reservations r JOIN workers w ON w.sid = r.worker_sid \
         WHERE r.task_sid = ?1 AND (?2 IS NULL OR r.worker_sid = ?2) AND (?3 IS NULL OR r.status = ?3) \
         ORDER BY r.date_created, r.sid LIMIT ?4 OFFSET ?5",
    )?;
    let offset = i64::from(page) * i64::from(page_size);
    let rows = stmt.query_map(
        params![
            task_sid,
            filter.worker_sid,
            filter.status,
            page_size,
            offset
        ],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `taskrouter.v1.workspace.task.task_reservation`.
#[derive(Serialize)]
pub struct ReservationJson<'a> {
    account_sid: &'a str,
    date_created: String,
    date_updated: String,
    reservation_status: &'a str,
    sid: &'a str,
    task_sid: &'a str,
    worker_name: &'a str,
    worker_sid: &'a str,
    workspace_sid: &'a str,
    url: String,
    links: ReservationLinks,
}

#[derive(Serialize)]
struct ReservationLinks {
    task: String,
    worker: String,
    workspace: String,
}

impl ReservationRow {
    pub fn to_json<'a>(&'a self, ws: &WorkspaceSids<'a>, base: &str) -> ReservationJson<'a> {
        let workspace = format!("{base}/v1/Workspaces/{}", ws.workspace);
        let task = format!("{workspace}/Tasks/{}", self.task_sid);
        ReservationJson {
            account_sid: ws.account,
            date_created: rfc3339_secs(self.date_created),
            date_updated: rfc3339_secs(self.date_updated),
            reservation_status: &self.status,
            sid: &self.sid,
            task_sid: &self.task_sid,
            worker_name: &self.worker_name,
            worker_sid: &self.worker_sid,
            workspace_sid: ws.workspace,
            url: format!("{task}/Reservations/{}", self.sid),
            links: ReservationLinks {
                worker: format!("{workspace}/Workers/{}", self.worker_sid),
                task,
                workspace,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::db::Db;
    use crate::sandbox::tasks::{self, TaskChange};

    fn statuses(conn: &Connection, task: &str, worker: Option<&str>) -> Vec<String> {
        let filter = Filter {
            worker_sid: worker.map(str::to_owned),
            status: None,
        };
        list(conn, task, &filter, 50, 0)
            .unwrap()
            .into_iter()
            .map(|r| r.status)
            .collect()
    }

    #[test]
    fn a_reservation_follows_its_task() {
        let db = Db::open_in_memory().unwrap();
        db.call_now(|c| {
            let alice = tasks::ensure_worker(c, "alice", 1).unwrap();
            let bob = tasks::ensure_worker(c, "bob", 1).unwrap();
            let (task, _) = tasks::create_chat(c, "alice", "Cy", 2).unwrap();
            let rows = list(c, &task, &Filter::default(), 50, 0).unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(
                (rows[0].worker_sid.as_str(), rows[0].worker_name.as_str()),
                (alice.as_str(), "alice")
            );
            assert!(chat_to_video::sid::is_sid(&rows[0].sid, "WR"));
            assert_eq!(statuses(c, &task, Some(&alice)), ["accepted"]);
            assert!(statuses(c, &task, Some(&bob)).is_empty());

            let change = |status: &str| TaskChange {
                assignment_status: Some(status.to_owned()),
                reason: Some("done".to_owned()),
                ..TaskChange::default()
            };
            // An attribute change leaves the reservation alone.
            let attrs = TaskChange {
                attributes: Some("{}".into()),
                ..TaskChange::default()
            };
            tasks::update(c, &task, attrs, None, 3).unwrap();
            assert_eq!(statuses(c, &task, None), ["accepted"]);
            tasks::update(c, &task, change("wrapping"), None, 4).unwrap();
            assert_eq!(statuses(c, &task, None), ["wrapping"]);
            // A refused transition changes nothing.
            assert!(tasks::update(c, &task, change("assigned"), None, 5).is_err());
            assert_eq!(statuses(c, &task, None), ["wrapping"]);
            tasks::update(c, &task, change("completed"), None, 6).unwrap();
            let rows = list(c, &task, &Filter::default(), 50, 0).unwrap();
            assert_eq!(
                (rows[0].status.as_str(), rows[0].date_updated),
                ("completed", 6)
            );
            let only = Filter {
                worker_sid: None,
                status: Some("accepted".into()),
            };
            assert!(list(c, &task, &only, 50, 0).unwrap().is_empty());
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn pages_split_the_list() {
        let db = Db::open_in_memory().unwrap();
        db.call_now(|c| {
            let (task, _) = tasks::create_chat(c, "alice", "Cy", 2).unwrap();
            let bob = tasks::ensure_worker(c, "bob", 1).unwrap();
            create(c, &task, &bob, "rejected", 1).unwrap();
            let first = list(c, &task, &Filter::default(), 1, 0).unwrap();
            let second = list(c, &task, &Filter::default(), 1, 1).unwrap();
            let third = list(c, &task, &Filter::default(), 1, 2).unwrap();
            assert_eq!((first.len(), second.len(), third.len()), (1, 1, 0));
            assert_eq!(first[0].status, "rejected", "oldest first");
            assert_eq!(second[0].status, "accepted");
            Ok(())
        })
        .unwrap();
    }
}
