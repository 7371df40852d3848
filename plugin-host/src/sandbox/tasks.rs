//! TaskRouter in the sandbox: workers (one per agent identity), task channels, tasks with
//! versioned attributes and Twilio's assignment-status transitions, and chat conversations.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::error::SandboxError;
use super::reservations;
use super::sid::new_sid;
use crate::clock::rfc3339_secs;
use crate::twilio::codes;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub sid: String,
    pub worker_sid: Option<String>,
    pub channel: String,
    pub channel_sid: String,
    pub assignment_status: String,
    pub attributes: String,
    pub priority: i64,
    pub reason: Option<String>,
    pub revision: i64,
    pub date_created: i64,
    pub date_updated: i64,
}

const SELECT: &str = "SELECT t.sid, t.worker_sid, t.channel, c.sid, t.assignment_status, t.attributes, t.priority, \
     t.reason, t.revision, t.date_created, t.date_updated FROM tasks t JOIN task_channels c ON c.unique_name = t.channel";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        sid: r.get(0)?,
        worker_sid: r.get(1)?,
        channel: r.get(2)?,
        channel_sid: r.get(3)?,
        assignment_status: r.get(4)?,
        attributes: r.get(5)?,
        priority: r.get(6)?,
        reason: r.get(7)?,
        revision: r.get(8)?,
        date_created: r.get(9)?,
        date_updated: r.get(10)?,
    })
}

/// The agent's worker SID, created on first use. Its attributes are Flex's: `contact_uri`, and
/// `full_name` when a name is given (a later name replaces it).
pub fn ensure_worker(conn: &Connection, identity: &str, now: i64) -> Result<String, SandboxError> {
    ensure_named_worker(conn, identity, None, now)
}

pub fn ensure_named_worker(
    conn: &Connection,
    identity: &str,
    full_name: Option<&str>,
    now: i64,
) -> Result<String, SandboxError> {
    let mut attributes = serde_json::json!({ "contact_uri": format!("client:{identity}") });
    if let Some(name) = full_name {
        attributes["full_name"] = serde_json::Value::String(name.to_owned());
    }
    if let Some(sid) = worker_sid(conn, identity)? {
        if full_name.is_some() {
            conn.prepare_cached("UPDATE workers SET attributes = ?2 WHERE sid = ?1")?
                .execute(params![sid, attributes.to_string()])?;
        }
        return Ok(sid);
    }
    let sid = new_sid("WK");
    conn.prepare_cached(
        "INSERT INTO workers (sid, identity, date_created, friendly_name, attributes) \
         VALUES (?1, ?2, ?3, ?2, ?4)",
    )?
    .execute(params![sid, identity, now, attributes.to_string()])?;
    Ok(sid)
}

/// A worker as TaskRouter answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerRow {
    pub sid: String,
    pub friendly_name: String,
    pub attributes: String,
    pub date_created: i64,
}

pub fn fetch_worker(conn: &Connection, sid: &str) -> Result<Option<WorkerRow>, SandboxError> {
    Ok(conn
        .prepare_cached(
            "SELECT sid, friendly_name, attributes, date_created FROM workers WHERE sid = ?1",
        )?
        .query_row([sid], |r| {
            Ok(WorkerRow {
                sid: r.get(0)?,
                friendly_name: r.get(1)?,
                attributes: r.get(2)?,
                date_created: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn worker_sid(conn: &Connection, identity: &str) -> Result<Option<String>, SandboxError> {
    Ok(conn
        .prepare_cached("SELECT sid FROM workers WHERE identity = ?1")?
        .query_row([identity], |r| r.get(0))
        .optional()?)
}

fn ensure_channel(conn: &Connection, channel: &str) -> Result<(), SandboxError> {
    conn.prepare_cached(
        "INSERT INTO task_channels (unique_name, sid) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?
    .execute(params![channel, new_sid("TC")])?;
    Ok(())
}

/// Attributes must be a JSON object.
pub fn check_attributes(text: &str) -> Result<String, SandboxError> {
    super::json_object(text, "Attributes")
}

/// A task assigned to the agent's worker, with the worker's accepted reservation. Run it inside a
/// transaction so both land together.
pub fn create(
    conn: &Connection,
    worker_sid: &str,
    channel: &str,
    attributes: &str,
    now: i64,
) -> Result<String, SandboxError> {
    ensure_channel(conn, channel)?;
    let sid = new_sid("WT");
    conn.prepare_cached(
        "INSERT INTO tasks (sid, worker_sid, channel, assignment_status, attributes, revision, date_created, date_updated) \
         VALUES (?1, ?2, ?3, 'assigned', ?4, 0, ?5, ?5)",
    )?
    .execute(params![sid, worker_sid, channel, attributes, now])?;
    reservations::create(conn, &sid, worker_sid, "accepted", now)?;
    Ok(sid)
}

/// A web chat: a conversation and its chat task, assigned to the agent. Answers (task, conversation).
pub fn create_chat(
    conn: &mut Connection,
    agent: &str,
    customer: &str,
    now: i64,
) -> Result<(String, String), SandboxError> {
    let tx = conn.transaction()?;
    let worker = ensure_worker(&tx, agent, now)?;
    let conversation = new_sid("CH");
    let attributes = serde_json::json!({
        "channelType": "web",
        "conversationSid": conversation,
        "from": customer,
        "customerName": customer,
    })
    .to_string();
    let task = create(&tx, &worker, "chat", &attributes, now)?;
    tx.prepare_cached("INSERT INTO conversations (sid, task_sid, agent, customer, date_created) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![conversation, task, agent, customer, now])?;
    tx.commit()?;
    Ok((task, conversation))
}

pub fn fetch(conn: &Connection, sid: &str) -> Result<Option<TaskRow>, SandboxError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE t.sid = ?1"))?
        .query_row([sid], from_row)
        .optional()?)
}

pub fn exists(conn: &Connection, sid: &str) -> Result<bool, SandboxError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tasks WHERE sid = ?1")?
        .query_row([sid], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The agent's tasks, newest first.
pub fn for_worker(conn: &Connection, worker_sid: &str) -> Result<Vec<TaskRow>, SandboxError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE t.worker_sid = ?1 ORDER BY t.date_created DESC, t.sid"
    ))?;
    let rows = stmt.query_map([worker_sid], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What `POST /v1/Workspaces/{WS}/Tasks/{WT}` asks for, already parsed.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    pub attributes: Option<String>,
    pub assignment_status: Option<String>,
    pub reason: Option<String>,
    pub priority: Option<i64>,
}

/// Which status changes a client may make, as TaskRouter allows them.
fn transition_allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("pending" | "reserved", "canceled")
            | ("assigned", "wrapping")
            | ("assigned" | "wrapping", "completed")
    )
}

/// Applies a change; `if_match` must name the current revision (else 412 / 20412). A status
/// change moves the task's reservations along in the same transaction.
pub fn update(
    conn: &mut Connection,
    sid: &str,
    change: TaskChange,
    if_match: Option<&str>,
    now: i64,
) -> Result<Option<TaskRow>, SandboxError> {
    if change.assignment_status.is_none() {
        // One statement changes the row: no transaction needed (the common attribute merge).
        return apply(conn, sid, change, if_match, now);
    }
    let tx = conn.transaction()?;
    let task = apply(&tx, sid, change, if_match, now)?;
    if let Some(t) = &task {
        reservations::follow_task(&tx, &t.sid, &t.assignment_status, now)?;
    }
    tx.commit()?;
    Ok(task)
}

fn apply(
    conn: &Connection,
    sid: &str,
    change: TaskChange,
    if_match: Option<&str>,
    now: i64,
) -> Result<Option<TaskRow>, SandboxError> {
    let Some(mut task) = fetch(conn, sid)? else {
        return Ok(None);
    };
    if let Some(tag) = if_match {
        let tag = crate::twilio::unquote_etag(tag);
        if tag.parse::<i64>().ok() != Some(task.revision) {
            return Err(SandboxError::api(
                412,
                codes::PRECONDITION_FAILED,
                "Precondition failed: the task has changed",
            ));
        }
    }
    if let Some(status) = change.assignment_status {
        if !transition_allowed(&task.assignment_status, &status) {
            return Err(SandboxError::invalid(format!(
                "Cannot change the task's assignment status from {} to {status}",
                task.assignment_status
            )));
        }
        if matches!(status.as_str(), "completed" | "canceled")
            && change.reason.as_deref().is_none_or(str::is_empty)
        {
            return Err(SandboxError::invalid(format!(
                "Reason is required when the task is {status}"
            )));
        }
        task.assignment_status = status;
        task.reason = change.reason.or(task.reason);
    }
    if let Some(a) = change.attributes {
        task.attributes = a;
    }
    if let Some(p) = change.priority {
        task.priority = p;
    }
    let changed = conn
        .prepare_cached(
            "UPDATE tasks SET attributes = ?3, assignment_status = ?4, reason = ?5, priority = ?6, \
             revision = revision + 1, date_updated = ?7 WHERE sid = ?1 AND revision = ?2",
        )?
        .execute(params![task.sid, task.revision, task.attributes, task.assignment_status, task.reason, task.priority, now])?;
    if changed == 0 {
        return Err(SandboxError::api(
            412,
            codes::PRECONDITION_FAILED,
            "Precondition failed: the task has changed",
        ));
    }
    task.revision += 1;
    task.date_updated = now;
    Ok(Some(task))
}

/// The conversation of a chat task.
pub fn conversation_of(conn: &Connection, task_sid: &str) -> Result<Option<String>, SandboxError> {
    Ok(conn
        .prepare_cached("SELECT sid FROM conversations WHERE task_sid = ?1")?
        .query_row([task_sid], |r| r.get(0))
        .optional()?)
}

/// The workspace's fixed resources a task refers to.
pub struct WorkspaceSids<'a> {
    pub account: &'a str,
    pub workspace: &'a str,
    pub workflow: &'a str,
    pub queue: &'a str,
}

/// `taskrouter.v1.workspace.task`.
#[derive(Serialize)]
pub struct TaskJson<'a> {
    account_sid: &'a str,
    age: i64,
    assignment_status: &'a str,
    attributes: &'a str,
    addons: &'static str,
    date_created: String,
    date_updated: String,
    task_queue_entered_date: String,
    priority: i64,
    reason: Option<&'a str>,
    sid: &'a str,
    task_queue_sid: &'a str,
    task_queue_friendly_name: &'static str,
    task_channel_sid: &'a str,
    task_channel_unique_name: &'a str,
    timeout: i64,
    workflow_sid: &'a str,
    workflow_friendly_name: &'static str,
    workspace_sid: &'a str,
    url: String,
    links: TaskLinks,
    virtual_start_time: String,
    ignore_capacity: bool,
    routing_target: Option<&'a str>,
}

#[derive(Serialize)]
struct TaskLinks {
    task_queue: String,
    workflow: String,
    workspace: String,
    reservations: String,
}

impl TaskRow {
    pub fn to_json<'a>(&'a self, ws: &WorkspaceSids<'a>, base: &str, now: i64) -> TaskJson<'a> {
        let workspace_url = format!("{base}/v1/Workspaces/{}", ws.workspace);
        let url = format!("{workspace_url}/Tasks/{}", self.sid);
        TaskJson {
            account_sid: ws.account,
            age: (now - self.date_created).max(0) / 1000,
            assignment_status: &self.assignment_status,
            attributes: &self.attributes,
            addons: "{}",
            date_created: rfc3339_secs(self.date_created),
            date_updated: rfc3339_secs(self.date_updated),
            task_queue_entered_date: rfc3339_secs(self.date_created),
            priority: self.priority,
            reason: self.reason.as_deref(),
            sid: &self.sid,
            task_queue_sid: ws.queue,
            task_queue_friendly_name: "Sandbox",
            task_channel_sid: &self.channel_sid,
            task_channel_unique_name: &self.channel,
            timeout: 86_400,
            workflow_sid: ws.workflow,
            workflow_friendly_name: "Sandbox",
            workspace_sid: ws.workspace,
            links: TaskLinks {
                task_queue: format!("{workspace_url}/TaskQueues/{}", ws.queue),
                workflow: format!("{workspace_url}/Workflows/{}", ws.workflow),
                workspace: workspace_url.clone(),
                reservations: format!("{url}/Reservations"),
            },
            url,
            virtual_start_time: rfc3339_secs(self.date_created),
            ignore_capacity: false,
            routing_target: None,
        }
    }

    pub fn etag(&self) -> String {
        format!("\"{}\"", self.revision)
    }

    /// Whether TaskRouter has deleted it by `now`: completed and canceled tasks are queued for
    /// deletion, and go `lag_ms` after they last changed.
    pub fn deleted(&self, now: i64, lag_ms: i64) -> bool {
        matches!(self.assignment_status.as_str(), "completed" | "canceled")
            && self.date_updated + lag_ms <= now
    }
}
