//! One read per task change, however many desks are open: a single task follows the sandbox's
//! events, reads a changed task once (with the identity of the agent it is assigned to) and
//! hands the same view to every agent socket, which keeps the ones for its agent. Before, every
//! open desk socket read the task itself on every change (1,000 desks: 1,000 reads per change,
//! on the async workers).

use std::sync::{Arc, OnceLock};

use rusqlite::OptionalExtension as _;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::views::{TaskView, Workspace};
use crate::sandbox::{tasks, Sandbox, SandboxError, SandboxEvent};

/// Changes a slow desk may fall behind before it re-reads its agent's tasks.
pub const CAPACITY: usize = 1024;

/// What the desks hear.
#[derive(Debug, Clone)]
pub enum TaskFeedItem {
    /// A task changed: its view, and the identity of the agent it is assigned to.
    Changed {
        agent: Option<String>,
        task: Arc<TaskView>,
    },
    /// The feed itself missed changes: every desk re-reads its tasks.
    Resync,
}

#[derive(Default)]
pub struct TaskFeed {
    tx: OnceLock<broadcast::Sender<TaskFeedItem>>,
}

impl TaskFeed {
    /// Subscribes, starting the reader on first use. Subscribe before reading a snapshot so no
    /// change falls in between.
    pub fn subscribe(&self, sb: &Arc<Sandbox>) -> broadcast::Receiver<TaskFeedItem> {
        self.tx
            .get_or_init(|| {
                let (tx, _) = broadcast::channel(CAPACITY);
                tokio::spawn(run(sb.clone(), sb.subscribe(), tx.clone()));
                tx
            })
            .subscribe()
    }
}

async fn run(
    sb: Arc<Sandbox>,
    mut events: broadcast::Receiver<SandboxEvent>,
    tx: broadcast::Sender<TaskFeedItem>,
) {
    loop {
        let item = match events.recv().await {
            Ok(SandboxEvent::TaskUpdated { sid }) => match read(&sb, &sid).await {
                Ok(Some((agent, task))) => TaskFeedItem::Changed {
                    agent,
                    task: Arc::new(task),
                },
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!(task = %sid, error = %e, "could not read a changed task");
                    TaskFeedItem::Resync
                }
            },
            Ok(_) => continue,
            Err(RecvError::Lagged(_)) => TaskFeedItem::Resync,
            Err(RecvError::Closed) => return,
        };
        // Nobody listening is fine.
        let _ = tx.send(item);
    }
}

/// The one read per change.
async fn read(sb: &Sandbox, sid: &str) -> Result<Option<(Option<String>, TaskView)>, SandboxError> {
    metrics::counter!("c2v_sandbox_task_reads_total").increment(1);
    let key = sid.to_owned();
    let found = sb
        .db()
        .call(move |c| {
            Ok((|| -> Result<_, SandboxError> {
                let Some(task) = tasks::fetch(c, &key)? else {
                    return Ok(None);
                };
                let agent: Option<String> = match &task.worker_sid {
                    Some(w) => c
                        .prepare_cached("SELECT identity FROM workers WHERE sid = ?1")?
                        .query_row([w], |r| r.get(0))
                        .optional()?,
                    None => None,
                };
                let conversation = tasks::conversation_of(c, &task.sid)?;
                Ok(Some((agent, task, conversation)))
            })())
        })
        .await??;
    let ids = sb.ids();
    let ws = Workspace {
        queue_sid: &ids.queue_sid,
        workflow_sid: &ids.workflow_sid,
    };
    Ok(found.map(|(agent, task, conversation)| (agent, TaskView::new(task, conversation, &ws))))
}
